import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connect } from 'nats';
import { commandSubject } from '@haco/contracts';
import { freePort, OwnedProcess, portOpen, waitFor } from '../test/support/processes';

/**
 * The main job until the coordinator exists: a nats-server with JetStream (store under ./data/nats) and
 * the load-balancing pair of examples/, each started as its own process and all stopped by Ctrl-C.
 */
const ROOT = resolve(__dirname, '..');
const DATA = join(ROOT, 'data');
const PEERS = ['server1', 'server2'];

async function main(): Promise<void> {
  mkdirSync(join(DATA, 'run'), { recursive: true });
  const port = await freePort();
  const url = `nats://127.0.0.1:${port}`;
  const owned: OwnedProcess[] = [];
  const nats = OwnedProcess.start('nats-server', [
    '-a',
    '127.0.0.1',
    '-p',
    String(port),
    '-js',
    '-sd',
    join(DATA, 'nats'),
  ]);
  owned.push(nats);
  let stopping = false;
  const stop = async () => {
    // Ctrl-C reaches this process both directly and through the tsx launcher: stop once, ignore the echo.
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping the local cluster...\n');
    await Promise.all(owned.slice(1).map((peer) => peer.stop('SIGTERM')));
    await nats.stop('SIGTERM');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  await waitFor('nats-server', async () => ((await portOpen(port)) ? true : undefined), 10_000);
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
    const peer = OwnedProcess.start(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'apps/peer/src/main.ts'), '--config', file],
      ROOT,
    );
    owned.push(peer);
  }
  process.stdout.write(
    [
      `haco local cluster: nats-server ${url} (JetStream store ${join(DATA, 'nats')}), peers ${PEERS.join(', ')} (cluster "local")`,
      `commands:  npm run --silent haco-cmd -- --nats ${url} server1 '{"command": "status-get"}'`,
      `           npm run --silent haco-cmd -- --nats ${url} server1 '{"command": "ha-continue"}'`,
      `subjects:  ${commandSubject('local', '<peer>')} (Kea JSON request/reply), haco.local.<peer>.events (JetStream HACO_EVENTS)`,
      'server1 pauses once in ready (examples/server1.json): continue it with ha-continue. Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  const nc = await connect({ servers: url, reconnect: true, maxReconnectAttempts: -1 });
  const last = new Map<string, string>();
  setInterval(() => {
    for (const name of PEERS) {
      void nc
        .request(commandSubject('local', name), JSON.stringify({ command: 'status-get' }), { timeout: 2_000 })
        .then((reply) => {
          const answer = JSON.parse(new TextDecoder().decode(reply.data)) as {
            arguments: {
              'high-availability': { 'ha-servers': { local: { state: string; paused: boolean } } }[];
            };
          };
          const local = answer.arguments['high-availability'][0]['ha-servers'].local;
          const line = `${local.state}${local.paused ? ' (paused)' : ''}`;
          if (last.get(name) !== line) process.stdout.write(`${new Date().toISOString()} ${name}: ${line}\n`);
          last.set(name, line);
        })
        .catch(() => undefined);
    }
  }, 1_000);
}

void main();
