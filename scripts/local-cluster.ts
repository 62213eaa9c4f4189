import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commandSubject } from '@haco/contracts';
import { freePort, portOpen, waitFor } from '../tools/harness/processes';
import { apiToken, stablePort } from './cluster/persisted';
import type { ProcessSpec } from './cluster/supervised-process';
import { SupervisedProcess } from './cluster/supervised-process';

/**
 * The main job: a nats-server with JetStream, the coordinator and the load-balancing pair of examples/,
 * each its own process with its own log file, restarted when it dies, all stopped by Ctrl-C or SIGTERM.
 * Everything lives under HACO_DATA_DIR (./data): the NATS store, the event log, the logs, the peers'
 * configuration files, the NATS port and the API token (both kept across runs).
 */
const ROOT = resolve(__dirname, '..');
const DATA = resolve(process.env.HACO_DATA_DIR ?? join(ROOT, 'data'));
const PEERS = ['server1', 'server2'];
const COORDINATOR_DB = join(DATA, 'coordinator', 'events.sqlite');
const LOGS = join(DATA, 'logs');
const RUN = join(DATA, 'run');

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const stamp = (): string => new Date().toISOString();

/** The peers' Kea-style lines (HA_STATE_TRANSITION, HA_STATE_MACHINE_PAUSED, ...) are shown as they come. */
function showKeaLine(name: string, line: string): void {
  if (!line.startsWith('{')) return;
  try {
    const record = JSON.parse(line) as { kea?: string; message?: string; time?: string };
    if (record.kea?.startsWith('HA_'))
      say(`${record.time ?? stamp()} ${name}: ${record.kea} ${record.message ?? ''}`);
  } catch {
    // A line that is not JSON is in the process's log file; nothing to show.
  }
}

function tsProcess(
  name: string,
  script: string,
  args: string[],
  env: Record<string, string> = {},
): ProcessSpec {
  return {
    name,
    command: process.execPath,
    args: ['--import', 'tsx', join(ROOT, script), ...args],
    env,
    cwd: ROOT,
    logFile: join(LOGS, `${name}.log`),
  };
}

function peerConfig(name: string, natsUrl: string): string {
  const config = JSON.parse(readFileSync(join(ROOT, 'examples', `${name}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
  const file = join(RUN, `${name}.json`);
  const local = { ...config, nats: { servers: [natsUrl] }, 'data-dir': join(DATA, 'local', name) };
  writeFileSync(file, JSON.stringify(local, null, 2));
  return file;
}

async function main(): Promise<void> {
  for (const dir of [RUN, LOGS, join(DATA, 'coordinator')]) mkdirSync(dir, { recursive: true });
  const natsPort = await stablePort(join(RUN, 'nats.port'));
  const natsUrl = `nats://127.0.0.1:${natsPort}`;
  const httpPort = Number(process.env.HACO_HTTP_PORT ?? ((await portOpen(8080)) ? await freePort() : 8080));
  const token = apiToken(join(RUN, 'api-token'), process.env.HACO_API_TOKEN);
  const api = `http://127.0.0.1:${httpPort}`;
  const onEvent = (message: string) => say(`${stamp()} ${message}`);
  const nats = new SupervisedProcess(
    {
      name: 'nats-server',
      command: 'nats-server',
      args: ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', join(DATA, 'nats')],
      cwd: ROOT,
      logFile: join(LOGS, 'nats-server.log'),
    },
    () => undefined,
    onEvent,
  );
  const coordinator = new SupervisedProcess(
    tsProcess('coordinator', 'apps/coordinator/src/main.ts', [], {
      HACO_NATS_URL: natsUrl,
      HACO_DB: COORDINATOR_DB,
      HACO_HTTP_PORT: String(httpPort),
      HACO_API_TOKEN: token,
    }),
    () => undefined,
    onEvent,
  );
  const peers = PEERS.map(
    (name) =>
      new SupervisedProcess(
        tsProcess(name, 'apps/peer/src/main.ts', ['--config', peerConfig(name, natsUrl)]),
        showKeaLine,
        onEvent,
      ),
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping the local cluster...`);
    await Promise.all([...peers, coordinator].map((p) => p.stop()));
    await nats.stop();
    say('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  nats.start();
  await waitFor('nats-server', async () => ((await portOpen(natsPort)) ? true : undefined), 10_000);
  coordinator.start();
  for (const peer of peers) peer.start();
  await waitFor(
    'the coordinator',
    async () => ((await fetch(`${api}/health/live`).catch(() => null))?.ok ? true : undefined),
    60_000,
  );
  writeFileSync(
    join(RUN, 'pids.json'),
    JSON.stringify({
      main: process.pid,
      nats: nats.pid,
      coordinator: coordinator.pid,
      peers: peers.map((p) => p.pid),
    }),
  );
  say(
    [
      `haco local cluster (cluster "local"): nats-server ${natsUrl}, peers ${PEERS.join(', ')}, coordinator ${api}`,
      `  console:  ${api}/ui/   (the API token below goes into its token field)`,
      `  event log (SQLite): ${COORDINATOR_DB}`,
      `  logs:     ${LOGS}/{nats-server,coordinator,${PEERS.join(',')}}.log (JSON lines; 10 MiB each, then .1)`,
      `  look:     ${api}/peers   ${api}/metrics   ${api}/health/ready   ${api}/health/fleet   ${api}/docs`,
      `  operate:  export HACO_URL=${api} HACO_TOKEN=${token}`,
      `            (the token is kept in ${join(RUN, 'api-token')}; HACO_API_TOKEN sets another)`,
      '            bin/haco status',
      '            bin/haco continue local/server1 --reason "checked the leases" --wait',
      '            bin/haco history local/server1',
      `  subjects: ${commandSubject('local', '<peer>')} (Kea JSON request/reply), haco.local.<peer>.events (JetStream HACO_EVENTS)`,
      `  a peer that dies is started again; by hand: npm run peer -- --config ${join(RUN, '<peer>.json')}`,
      'server1 pauses once in ready (examples/server1.json). Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

void main().catch((error: Error) => {
  say(`haco local cluster: ${error.message}`);
  process.exit(1);
});
