import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commandSubject } from '@haco/contracts';
import { freePort, OwnedProcess, portOpen, waitFor } from '../tools/harness/processes';

/**
 * The main job: a nats-server with JetStream (store ./data/nats), the coordinator (event log
 * ./data/coordinator/events.sqlite, HTTP on 8080 or a free port) and the load-balancing pair of examples/,
 * each its own process, all stopped by Ctrl-C.
 */
const ROOT = resolve(__dirname, '..');
const DATA = join(ROOT, 'data');
const PEERS = ['server1', 'server2'];
const COORDINATOR_DB = join(DATA, 'coordinator', 'events.sqlite');

function startNode(script: string, args: string[], env: Record<string, string> = {}): OwnedProcess {
  return OwnedProcess.startTs(join(ROOT, script), args, ROOT, env);
}

async function main(): Promise<void> {
  mkdirSync(join(DATA, 'run'), { recursive: true });
  mkdirSync(join(DATA, 'coordinator'), { recursive: true });
  const natsPort = await freePort();
  const url = `nats://127.0.0.1:${natsPort}`;
  const nats = OwnedProcess.start('nats-server', [
    '-a',
    '127.0.0.1',
    '-p',
    String(natsPort),
    '-js',
    '-sd',
    join(DATA, 'nats'),
  ]);
  const children: OwnedProcess[] = [];
  let stopping = false;
  const stop = async () => {
    // Ctrl-C reaches this process both directly and through the tsx launcher: stop once, ignore the echo.
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping the local cluster...\n');
    await Promise.all(children.map((child) => child.stop('SIGTERM')));
    await nats.stop('SIGTERM');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  await waitFor('nats-server', async () => ((await portOpen(natsPort)) ? true : undefined), 10_000);

  const httpPort = (await portOpen(8080)) ? await freePort() : 8080;
  const token = process.env.HACO_API_TOKEN ?? randomBytes(12).toString('hex');
  const api = `http://127.0.0.1:${httpPort}`;
  children.push(
    startNode('apps/coordinator/src/main.ts', [], {
      HACO_NATS_URL: url,
      HACO_DB: COORDINATOR_DB,
      HACO_HTTP_PORT: String(httpPort),
      HACO_API_TOKEN: token,
    }),
  );
  for (const name of PEERS) {
    const config = JSON.parse(readFileSync(join(ROOT, 'examples', `${name}.json`), 'utf8')) as Record<
      string,
      unknown
    >;
    const file = join(DATA, 'run', `${name}.json`);
    writeFileSync(
      file,
      JSON.stringify({ ...config, nats: { servers: [url] }, 'data-dir': join(DATA, 'local', name) }, null, 2),
    );
    children.push(startNode('apps/peer/src/main.ts', ['--config', file]));
  }
  await waitFor(
    'the coordinator',
    async () => ((await fetch(`${api}/health/live`).catch(() => null))?.ok ? true : undefined),
    30_000,
  );
  process.stdout.write(
    [
      `haco local cluster (cluster "local"): nats-server ${url}, peers ${PEERS.join(', ')}, coordinator ${api}`,
      `  event log (SQLite): ${COORDINATOR_DB}`,
      `  look:     ${api}/peers   ${api}/metrics   ${api}/health/ready`,
      `  operate:  export HACO_URL=${api} HACO_TOKEN=${token}`,
      '            bin/haco status',
      '            bin/haco continue local/server1 --reason "checked the leases"',
      '            bin/haco history local/server1',
      `  subjects: ${commandSubject('local', '<peer>')} (Kea JSON request/reply), haco.local.<peer>.events (JetStream HACO_EVENTS)`,
      'server1 pauses once in ready (examples/server1.json). Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  const last = new Map<string, string>();
  setInterval(() => {
    void fetch(`${api}/peers`, { headers: { authorization: `Bearer ${token}` } })
      .then(
        (response) =>
          response.json() as Promise<{
            peers: { cluster: string; peer: string; state: string; paused: boolean }[];
          }>,
      )
      .then(({ peers }) => {
        for (const peer of peers) {
          const name = `${peer.cluster}/${peer.peer}`;
          const line = `${peer.state}${peer.paused ? ' (paused)' : ''}`;
          if (last.get(name) !== line) process.stdout.write(`${new Date().toISOString()} ${name}: ${line}\n`);
          last.set(name, line);
        }
      })
      .catch(() => undefined);
  }, 1_000);
}

void main();
