import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { keaConfig } from '../tools/harness/kea-server';
import { NatsServer } from '../tools/harness/nats-server';
import { freePort, own } from '../tools/harness/processes';
import { PROJECT_ROOT } from '../tools/harness/project-root';
import { launchArgs } from '@haco/common';
import { percentile, round } from './measure';

const KEA_DHCP4 = process.env.KEA_DHCP4_BIN ?? '/usr/sbin/kea-dhcp4';
/** As the units, compose and the main job start a peer: from its startup snapshot. */
const PEER_BUILT = launchArgs('peer/main', join(PROJECT_ROOT, 'dist'));
/** Its bundle alone, without the snapshot, for reference. */
const PEER_BUNDLE = join(PROJECT_ROOT, 'dist', 'peer', 'main.js');
const PEER_SOURCE = join(PROJECT_ROOT, 'apps', 'peer', 'src', 'main.ts');
/** How often the first heartbeat is tried: the answer's time is known to within this. */
const POLL_MS = 2;

export interface StartupTimes {
  /** From spawn to the HA service started (its HA_SERVICE_STARTED line). */
  readonly serviceMs: number;
  /** From spawn to the first ha-heartbeat answered with result 0. */
  readonly heartbeatMs: number;
}

/** Milliseconds since `start` when `line` first appears in the child's output (stdout or stderr). */
function lineSeen(child: ChildProcess, start: number, needle: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const look = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes(needle)) resolve(performance.now() - start);
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.once('exit', (code) =>
      reject(new Error(`exited (${code}) before ${needle}:\n${text.slice(-2000)}`)),
    );
  });
}

/** Milliseconds since `start` when `ask` first resolves true, tried every POLL_MS. */
async function firstAnswer(start: number, ask: () => Promise<boolean>): Promise<number> {
  for (;;) {
    if (await ask().catch(() => false)) return performance.now() - start;
    if (performance.now() - start > 30_000) throw new Error('no heartbeat answer within 30 s');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * One POST on a fresh connection (node:http, no keep-alive pool): fetch's pool held a refused first
 * attempt for about a second, which measured the client rather than Kea.
 */
function post(url: string, body: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve(text));
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

/**
 * What one start measures. Either its HA service line alone, or its first heartbeat answered with a
 * client polling every POLL_MS: each on a start of its own, so that the poller's load (on two cores, a
 * third busy process) never slows the start whose service line is timed.
 */
type Measure = 'service' | 'heartbeat';

/** kea-dhcp4 2.2 (the Debian binary) with its HA hook on loopback, its partner absent. */
async function keaOnce(dir: string, measure: Measure): Promise<number> {
  const port = await freePort();
  const config = join(dir, `kea-${port}.json`);
  writeFileSync(
    config,
    JSON.stringify(
      keaConfig(dir, {
        'this-server-name': 'server1',
        mode: 'load-balancing',
        peers: [
          { name: 'server1', url: `http://127.0.0.1:${port}/`, role: 'primary' },
          { name: 'server2', url: `http://127.0.0.1:${await freePort()}/`, role: 'secondary' },
        ],
      }),
    ),
  );
  const env = { ...process.env, KEA_PIDFILE_DIR: dir, KEA_LOCKFILE_DIR: dir };
  const start = performance.now();
  const child = own(spawn(KEA_DHCP4, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'], env }));
  try {
    if (measure === 'service') return await lineSeen(child, start, 'HA_SERVICE_STARTED');
    return await firstAnswer(start, async () => {
      const [answer] = JSON.parse(
        await post(`http://127.0.0.1:${port}/`, { command: 'ha-heartbeat', service: ['dhcp4'] }),
      ) as { result: number }[];
      return answer?.result === 0;
    });
  } finally {
    await stop(child);
  }
}

/** A haco peer (node run with `args`) with its partner absent. */
async function peerOnce(
  dir: string,
  nats: NatsServer,
  nc: NatsConnection,
  args: string[],
  measure: Measure,
): Promise<number> {
  const cluster = `boot${await freePort()}`;
  const file = join(dir, `${cluster}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      cluster,
      'data-dir': join(dir, cluster),
      nats: { servers: [nats.url] },
      'high-availability': [
        {
          'this-server-name': 'server1',
          mode: 'load-balancing',
          peers: [
            { name: 'server1', url: 'http://127.0.0.1:8001/', role: 'primary' },
            { name: 'server2', url: 'http://127.0.0.1:8002/', role: 'secondary' },
          ],
        },
      ],
    }),
  );
  const start = performance.now();
  const child = own(
    spawn(process.execPath, [...args, '--config', file], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  try {
    if (measure === 'service') return await lineSeen(child, start, '"HA_SERVICE_STARTED"');
    return await firstAnswer(start, async () => {
      const reply = await nc.request(
        `haco.${cluster}.server1.cmd`,
        JSON.stringify({ command: 'ha-heartbeat' }),
        {
          timeout: 500,
        },
      );
      return (JSON.parse(new TextDecoder().decode(reply.data)) as { result: number }).result === 0;
    });
  } finally {
    await stop(child);
  }
}

const median = (samples: readonly number[]): number => round(percentile([...samples], 50));

export interface StartupResult {
  readonly trials: number;
  readonly kea: StartupTimes;
  /** As it is run: from its startup snapshot. */
  readonly peerBuilt: StartupTimes;
  /** Its bundle alone (dist/peer/main.js), for reference. */
  readonly peerBundle: StartupTimes;
  readonly peerSource: StartupTimes;
  /** The built peer's time to its HA service over kea-dhcp4's; the target is at most 5. */
  readonly ratio: number;
}

/**
 * Start-up, side by side in one run: kea-dhcp4 2.2 and a haco peer (from its startup snapshot as it is
 * run, and for reference from its bundle alone and from its source through tsx), each from spawn to its
 * HA service started and, on another start, to its first heartbeat answered. Medians of `trials` starts
 * each, taken in turn so that the machine's load falls on all of them alike.
 */
export async function benchStartup(trials: number): Promise<StartupResult> {
  const dir = mkdtempSync(join(tmpdir(), 'haco-bench-startup-'));
  const nats = await NatsServer.start();
  const nc = await connect({ servers: nats.url });
  const runners: Record<'kea' | 'peerBuilt' | 'peerBundle' | 'peerSource', (m: Measure) => Promise<number>> =
    {
      kea: (measure) => keaOnce(dir, measure),
      peerBuilt: (measure) => peerOnce(dir, nats, nc, PEER_BUILT, measure),
      peerBundle: (measure) => peerOnce(dir, nats, nc, [PEER_BUNDLE], measure),
      peerSource: (measure) => peerOnce(dir, nats, nc, ['--import', 'tsx', PEER_SOURCE], measure),
    };
  const samples = Object.fromEntries(
    Object.keys(runners).map((name) => [name, { service: [] as number[], heartbeat: [] as number[] }]),
  );
  try {
    for (let trial = 0; trial < trials; trial++) {
      for (const [name, run] of Object.entries(runners)) {
        for (const measure of ['service', 'heartbeat'] as const)
          samples[name][measure].push(await run(measure));
      }
    }
  } finally {
    await nc.close();
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  const times = (name: string): StartupTimes => ({
    serviceMs: median(samples[name].service),
    heartbeatMs: median(samples[name].heartbeat),
  });
  const kea = times('kea');
  const peerBuilt = times('peerBuilt');
  return {
    trials,
    kea,
    peerBuilt,
    peerBundle: times('peerBundle'),
    peerSource: times('peerSource'),
    ratio: round(peerBuilt.serviceMs / kea.serviceMs, 2),
  };
}
