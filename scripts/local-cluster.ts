import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { commandSubject } from '@haco/contracts';
import { makeCertificates } from '../tools/harness/certificates';
import { freePort, portOpen, waitFor } from '../tools/harness/processes';
import { adminToken, stablePort } from './cluster/persisted';
import { projectRoot } from './cluster/project-root';
import { writeNatsSecurity } from '@haco/nats';
import type { ProcessSpec } from './cluster/supervised-process';
import { SupervisedProcess } from './cluster/supervised-process';
import { launchArgs } from '@haco/common';

/**
 * The main job: a nats-server with JetStream, the coordinator and the load-balancing pair of examples/,
 * each its own process with its own log file, restarted when it dies, all stopped by Ctrl-C or SIGTERM.
 * Everything lives under HACO_DATA_DIR (./data): the NATS store, the event log, the logs, the peers'
 * configuration files, the NATS port, the NATS keys and the API token (kept across runs).
 *
 * Secure by default: NATS admits only the processes it knows, each by its nkey and with only the subjects
 * it needs; the API's admin token is a named token, kept hashed in the coordinator's tokens file; and
 * every file the cluster writes is its owner's alone (umask 077: secrets, the event log and the logs).
 */
const ROOT = projectRoot(__dirname);
const DATA = resolve(process.env.HACO_DATA_DIR ?? join(ROOT, 'data'));
const PEERS = ['server1', 'server2'];
const COORDINATOR_DB = join(DATA, 'coordinator', 'events.sqlite');
const LOGS = join(DATA, 'logs');
const RUN = join(DATA, 'run');

/** `--tls` (or HACO_TLS=1): NATS and the API over TLS. */
const TLS = process.argv.includes('--tls') || process.env.HACO_TLS === '1';

/** The CA made by an earlier run with --tls, kept so that clients trusting it still do. */
function existingCa(dir: string): { ca: string; caKey: string } | undefined {
  const ca = join(dir, 'haco-ca.pem');
  const caKey = join(dir, 'haco-ca.key');
  return existsSync(ca) && existsSync(caKey) ? { ca, caKey } : undefined;
}

/** Whether the coordinator answers its liveness check (over HTTPS, trusting `ca`, with --tls). */
function live(url: string, ca?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const request = get(
      url,
      { ca: ca === undefined ? undefined : readFileSync(ca), timeout: 2_000 },
      (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      },
    );
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

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

/** A process run from its built bundle (`npm run build`, which start.sh runs first), as in production. */
function builtProcess(
  name: string,
  bundle: string,
  args: string[],
  env: Record<string, string> = {},
): ProcessSpec {
  return {
    name,
    command: process.execPath,
    args: [...launchArgs(bundle, join(ROOT, 'dist')), ...args],
    env,
    cwd: ROOT,
    logFile: join(LOGS, `${name}.log`),
  };
}

function peerConfig(name: string, natsUrl: string, nkeyFile: string, caFile?: string): string {
  const config = JSON.parse(readFileSync(join(ROOT, 'examples', `${name}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
  const file = join(RUN, `${name}.json`);
  const local = {
    ...config,
    nats: {
      servers: [natsUrl],
      'nkey-file': nkeyFile,
      ...(caFile === undefined ? {} : { tls: { 'ca-file': caFile } }),
    },
    'data-dir': join(DATA, 'local', name),
  };
  writeFileSync(file, JSON.stringify(local, null, 2), { mode: 0o600 });
  return file;
}

async function main(): Promise<void> {
  process.umask(0o077);
  for (const dir of [RUN, LOGS, join(DATA, 'coordinator')]) mkdirSync(dir, { recursive: true });
  const natsPort = await stablePort(join(RUN, 'nats.port'));
  const natsUrl = `nats://127.0.0.1:${natsPort}`;
  const httpPort = Number(process.env.HACO_HTTP_PORT ?? ((await portOpen(8080)) ? await freePort() : 8080));
  // --tls: NATS and the API over TLS, with a CA and a certificate made once under data/run/tls.
  const tls = TLS ? makeCertificates(join(RUN, 'tls'), 'haco', existingCa(join(RUN, 'tls'))) : null;
  const tokenFile = join(RUN, 'api-token');
  const tokensFile = join(RUN, 'tokens.json');
  const operator = userInfo().username;
  adminToken({ tokenFile, tokensFile, name: operator, given: process.env.HACO_API_TOKEN });
  const secure = writeNatsSecurity({
    dir: join(RUN, 'nats'),
    cluster: 'local',
    peers: PEERS,
    host: '127.0.0.1',
    port: natsPort,
    storeDir: join(DATA, 'nats'),
    ...(tls === null ? {} : { tls: { certFile: tls.cert, keyFile: tls.key, caFile: tls.ca } }),
  });
  const seed = (name: string): string => secure.seedFiles.get(name) as string;
  const api = `${tls === null ? 'http' : 'https'}://127.0.0.1:${httpPort}`;
  const onEvent = (message: string) => say(`${stamp()} ${message}`);
  const nats = new SupervisedProcess(
    {
      name: 'nats-server',
      command: 'nats-server',
      args: ['-c', secure.configFile],
      cwd: ROOT,
      logFile: join(LOGS, 'nats-server.log'),
    },
    () => undefined,
    onEvent,
  );
  const coordinator = new SupervisedProcess(
    builtProcess('coordinator', 'coordinator/main', [], {
      HACO_NATS_URL: natsUrl,
      HACO_NATS_NKEY_FILE: seed('coordinator'),
      HACO_DB: COORDINATOR_DB,
      HACO_HTTP_PORT: String(httpPort),
      HACO_TOKENS_FILE: tokensFile,
      ...(tls === null
        ? {}
        : { HACO_NATS_TLS_CA: tls.ca, HACO_HTTPS_CERT: tls.cert, HACO_HTTPS_KEY: tls.key }),
      // The admin token reaches the coordinator only hashed, through the tokens file.
      HACO_API_TOKEN: '',
    }),
    () => undefined,
    onEvent,
  );
  const peers = PEERS.map(
    (name) =>
      new SupervisedProcess(
        builtProcess(name, 'peer/main', ['--config', peerConfig(name, natsUrl, seed(name), tls?.ca)]),
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
  // The peers start once the coordinator is up: it alone may create the events stream they publish into.
  await waitFor(
    'the coordinator',
    async () => ((await live(`${api}/health/live`, tls?.ca)) ? true : undefined),
    60_000,
  );
  for (const peer of peers) peer.start();
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
      `  console:  ${api}/ui/   (paste the API token into its token field)`,
      `  event log (SQLite): ${COORDINATOR_DB}`,
      `  logs:     ${LOGS}/{nats-server,coordinator,${PEERS.join(',')}}.log (JSON lines; 10 MiB each, then .1)`,
      `  look:     ${api}/peers   ${api}/metrics   ${api}/health/ready   ${api}/health/fleet   ${api}/docs`,
      `  operate:  export HACO_URL=${api} HACO_TOKEN=$(cat ${tokenFile})${tls === null ? '' : ` NODE_EXTRA_CA_CERTS=${tls.ca}`}`,
      `            (an admin token named ${operator}, readable by you only; bin/haco token add NAME --role operator makes others)`,
      '            bin/haco status',
      '            bin/haco continue local/server1 --reason "checked the leases" --wait',
      '            bin/haco history local/server1',
      `  nats:     users by nkey (${join(RUN, 'nats')}), each with only its subjects; no anonymous client${tls === null ? '' : '; TLS'}`,
      ...(tls === null ? [] : [`  tls:      NATS and the API; the CA is ${tls.ca}`]),
      `  subjects: ${commandSubject('local', '<peer>')} (operators, through the coordinator), haco.local.<peer>.partner (HA partners), haco.local.<peer>.events (JetStream HACO_EVENTS)`,
      `  a process that fails is started again; one stopped cleanly (kill -TERM <pid>, pids in ${join(RUN, 'pids.json')}) stays stopped,`,
      `  and can then run by hand: npm run peer -- --config ${join(RUN, '<peer>.json')}`,
      'server1 pauses once in ready (examples/server1.json). Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

void main().catch((error: Error) => {
  say(`haco local cluster: ${error.message}`);
  process.exit(1);
});
