import { NatsServer } from './nats-server';
import { freePort } from './processes';

/** A cluster of real nats-servers with JetStream on loopback (what docker-compose.yml runs), each on free ports. */
export async function startNatsCluster(size = 3): Promise<NatsServer[]> {
  const routes = await Promise.all(Array.from({ length: size }, () => freePort()));
  return Promise.all(
    routes.map((route, index) =>
      NatsServer.start(
        (port, storeDir) => `
          port: ${port}
          server_name: n${index + 1}
          jetstream { store_dir: "${storeDir}" }
          cluster {
            name: haco
            listen: 127.0.0.1:${route}
            routes: [${routes
              .filter((_, i) => i !== index)
              .map((r) => `nats-route://127.0.0.1:${r}`)
              .join(', ')}]
          }
        `,
      ),
    ),
  );
}
