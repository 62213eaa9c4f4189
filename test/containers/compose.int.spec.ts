import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { parse } from 'yaml';
import { NatsServer } from '../../tools/harness/nats-server';
import { PROJECT_ROOT } from '../../tools/harness/project-root';

jest.setTimeout(60_000);

interface Service {
  image?: string;
  build?: string;
  restart?: string;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  command?: string[];
  profiles?: string[];
}

/**
 * The containers as an operator would run them (no Docker engine runs here, so the files are checked as
 * data, and the NATS configuration they mount is booted by a real nats-server).
 */
describe('docker-compose.yml and the Dockerfile', () => {
  const compose = parse(readFileSync(join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const services = Object.entries(compose.services);
  const COORDINATORS = ['coordinator', 'coordinator-a', 'coordinator-b'];

  it('restarts every service, and checks the health of NATS and the coordinator', () => {
    expect(services.map(([, s]) => s.restart)).toEqual(services.map(() => 'unless-stopped'));
    for (const name of ['nats1', 'nats2', 'nats3', ...COORDINATORS]) {
      const check = compose.services[name].healthcheck;
      // The coordinators' comes from the image (HEALTHCHECK in the Dockerfile).
      if (COORDINATORS.includes(name)) expect(check).toBeUndefined();
      else expect(check?.test?.join(' ')).toContain('healthz');
    }
    expect(compose.services.postgres.healthcheck?.test).toEqual([
      'CMD',
      'pg_isready',
      '-U',
      'haco',
      '-d',
      'haco',
    ]);
  });

  it('starts haco only once all three NATS nodes are healthy (a cluster that can place 3 replicas)', () => {
    for (const name of [...COORDINATORS, 'server1', 'server2']) {
      expect(compose.services[name].depends_on).toMatchObject({
        nats1: { condition: 'service_healthy' },
        nats2: { condition: 'service_healthy' },
        nats3: { condition: 'service_healthy' },
      });
      expect(compose.services[name].environment?.HACO_EVENTS_REPLICAS).toBe('3');
    }
  });

  it('keeps NATS data in volumes, publishes only the coordinator, and needs an API token', () => {
    for (const name of ['nats1', 'nats2', 'nats3']) {
      expect(compose.services[name].volumes).toContain(`${name}-data:/data`);
      expect(compose.services[name].ports).toBeUndefined();
    }
    expect(services.filter(([, s]) => s.ports !== undefined).map(([name]) => name)).toEqual(COORDINATORS);
    for (const name of COORDINATORS)
      expect(compose.services[name].environment?.HACO_API_TOKEN).toMatch(/^\$\{HACO_API_TOKEN:\?/);
  });

  it('has a postgres profile: PostgreSQL and two coordinators on it, never beside the SQLite one', () => {
    const inProfile = (profile: string) =>
      services.filter(([, s]) => s.profiles?.includes(profile)).map(([name]) => name);
    expect(inProfile('sqlite')).toEqual(['coordinator']);
    expect(inProfile('postgres')).toEqual(['postgres', 'coordinator-a', 'coordinator-b']);
    // Every service without a profile runs in both: none of them is a coordinator.
    const always = services.filter(([, s]) => s.profiles === undefined).map(([name]) => name);
    expect(always.filter((name) => COORDINATORS.includes(name))).toEqual([]);
    const [a, b] = ['coordinator-a', 'coordinator-b'].map((name) => compose.services[name]);
    expect(a.environment).toEqual(b.environment);
    expect(a.environment).toMatchObject({ HACO_DB_TYPE: 'postgres', HACO_EVENTS_REPLICAS: '3' });
    expect(a.environment?.HACO_DB_URL).toMatch(
      /^postgres:\/\/haco:\$\{HACO_PG_PASSWORD:\?.*\}@postgres:5432\/haco$/,
    );
    expect(a.environment?.HACO_DB).toBeUndefined();
    expect(a.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
    expect([a.ports, b.ports]).toEqual([['8080:8080'], ['8081:8080']]);
    expect(compose.services.postgres.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(compose.services.postgres.ports).toBeUndefined();
    expect(compose.services.postgres.environment?.POSTGRES_PASSWORD).toMatch(/^\$\{HACO_PG_PASSWORD:\?/);
  });

  it('runs the image as a non-root user from a slim stage without dev dependencies, with a HEALTHCHECK', () => {
    const dockerfile = readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(stages).toHaveLength(2);
    expect(stages[1]).toMatch(/^node:24-bookworm-slim/);
    expect(dockerfile).toContain('npm prune --omit=dev');
    expect(stages[1]).toMatch(/^USER node$/m);
    expect(stages[1]).toMatch(/^HEALTHCHECK /m);
  });

  it('mounts a NATS configuration with authentication that a real nats-server boots, and peers log in with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haco-compose-nats-'));
    const conf = readFileSync(join(PROJECT_ROOT, 'examples', 'docker', 'nats.conf'), 'utf8');
    const nats = await NatsServer.start((port, storeDir) =>
      conf
        .replace(/^port: \d+$/m, `port: ${port}`)
        .replace(/^http_port: \d+$/m, '')
        .replace(/store_dir: "[^"]*"/, `store_dir: "${storeDir}"`),
    );
    try {
      await expect(connect({ servers: nats.url, reconnect: false })).rejects.toThrow();
      for (const peer of ['server1', 'server2']) {
        const config = JSON.parse(
          readFileSync(join(PROJECT_ROOT, 'examples', 'docker', `${peer}.json`), 'utf8'),
        ) as {
          nats: { user: string; pass: string };
        };
        const nc = await connect({ servers: nats.url, user: config.nats.user, pass: config.nats.pass });
        await nc.close();
      }
      const env = compose.services.coordinator.environment!;
      const nc = await connect({ servers: nats.url, user: env.HACO_NATS_USER, pass: env.HACO_NATS_PASS });
      await nc.close();
    } finally {
      await nats.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
