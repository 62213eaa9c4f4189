import { writeNatsSecurity } from '@haco/nats';
import { CliError } from './api-client';
import { write } from './views';

export interface NatsConfigOptions {
  readonly cluster: string;
  readonly peers: string;
  readonly watched?: string;
  readonly dir: string;
  readonly host: string;
  readonly port: number;
  readonly storeDir: string;
  readonly httpPort?: number;
}

/**
 * Writes a cluster's NATS security into `dir`: an nkey seed per process (kept when already there) and
 * nats-server's configuration with each user's permissions. Compose runs it once before NATS starts.
 */
export async function natsConfig(options: NatsConfigOptions): Promise<number> {
  const peers = options.peers.split(',').filter((peer) => peer.length > 0);
  if (peers.length < 1) throw new CliError('--peers must name at least one peer', 2);
  const watchedServers = (options.watched ?? '').split(',').filter((name) => name.length > 0);
  const written = writeNatsSecurity({ ...options, peers, watchedServers });
  write(`nats-server configuration: ${written.configFile}`);
  for (const [name, file] of written.seedFiles) write(`${name}: ${file}`);
  return 0;
}
