import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, nkeyAuthenticator } from '@nats-io/transport-node';
import { COORDINATOR_INBOX_PREFIX, peerInboxPrefix } from '@haco/contracts';
import { parse } from 'yaml';
import { NatsServer } from '../../tools/harness/nats-server';
import { runTsToExit } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';
import { launchArgs } from '@haco/common';

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

  it('restarts every service (but the one-shot nats-keys), and checks the health of NATS and the coordinator', () => {
    const lasting = services.filter(([name]) => name !== 'nats-keys');
    expect(lasting.map(([, s]) => s.restart)).toEqual(lasting.map(() => 'unless-stopped'));
    expect(compose.services['nats-keys'].restart).toBe('no');
    for (const name of ['nats1', 'nats2', 'nats3'])
      expect(compose.services[name].depends_on).toMatchObject({
        'nats-keys': { condition: 'service_completed_successfully' },
      });
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
    // A startup snapshot holds only for the node that made it: the runtime stage's node makes it.
    expect(stages[1]).toMatch(
      /^RUN node --snapshot-blob dist\/peer\/main\.blob --build-snapshot dist\/peer\/main\.snapshot\.js$/m,
    );
  });

  it('starts the peers from their startup snapshot, as the units and the main job do', () => {
    for (const peer of ['server1', 'server2']) {
      const command = compose.services[peer].command ?? [];
      expect(command.slice(0, 4)).toEqual(['node', ...launchArgs('peer/main', 'dist')]);
      expect(command.slice(4)).toEqual(['--config', `examples/docker/${peer}.json`]);
    }
  });

  it('writes NATS keys and permissions (haco nats-config, as nats-keys runs it) that a real nats-server boots, and every process logs in with its own key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haco-compose-nats-'));
    const keys = join(dir, 'keys');
    const args = (compose.services['nats-keys'].command ?? [])
      .slice(2)
      .map((arg) => (arg === '/keys' ? keys : arg));
    const written = await runTsToExit(
      join(PROJECT_ROOT, 'apps', 'cli', 'src', 'haco', 'main.ts'),
      [...args, '--host', '127.0.0.1'],
      { cwd: PROJECT_ROOT },
    );
    expect(written.status).toBe(0);
    // As compose's nats1 runs it, on this test's port and store (and no monitoring port).
    const nats = await NatsServer.start((port, storeDir) =>
      readFileSync(join(keys, 'nats-server.conf'), 'utf8')
        .replace(/^port: \d+$/m, `port: ${port}`)
        .replace(/^http_port: \d+$/m, '')
        .replace(/store_dir: "[^"]*"/, `store_dir: "${storeDir}"`),
    );
    const login = async (seedFile: string, inboxPrefix: string) => {
      const seed = new TextEncoder().encode(readFileSync(seedFile.replace(/^\/keys/, keys), 'utf8').trim());
      const nc = await connect({
        servers: nats.url,
        authenticator: nkeyAuthenticator(seed),
        inboxPrefix,
        reconnect: false,
      });
      await nc.flush();
      await nc.close();
    };
    try {
      await expect(connect({ servers: nats.url, reconnect: false })).rejects.toThrow(
        /Authorization Violation/i,
      );
      for (const peer of ['server1', 'server2']) {
        const config = JSON.parse(
          readFileSync(join(PROJECT_ROOT, 'examples', 'docker', `${peer}.json`), 'utf8'),
        ) as {
          cluster: string;
          nats: { 'nkey-file': string };
        };
        expect(compose.services[peer].volumes).toContain('nats-keys:/keys:ro');
        await login(config.nats['nkey-file'], peerInboxPrefix(config.cluster, peer));
      }
      for (const name of COORDINATORS) {
        const env = compose.services[name].environment!;
        expect(env.HACO_NATS_USER).toBeUndefined();
        expect(compose.services[name].volumes).toContain('nats-keys:/keys:ro');
        await login(env.HACO_NATS_NKEY_FILE, COORDINATOR_INBOX_PREFIX);
      }
    } finally {
      await nats.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
