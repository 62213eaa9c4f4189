import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, own, waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';

jest.setTimeout(240_000);

interface Pids {
  main: number;
  nats: number;
  coordinator: number;
  peers: number[];
}

/** Gone, or a zombie waiting for its parent: either way it no longer runs. */
const alive = (pid: number): boolean => {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

/** The main job as `bash scripts/start.sh` ends up running it: its own node process, its pid ours to signal. */
function startMainJob(
  dataDir: string,
  httpPort: number,
  command: [string, string[]] = [
    process.execPath,
    ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'local-cluster.ts')],
  ],
): { child: ChildProcess; output: () => string } {
  const child = own(
    spawn(command[0], command[1], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, HACO_DATA_DIR: dataDir, HACO_HTTP_PORT: String(httpPort), HACO_API_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function stopped(child: ChildProcess, signal: NodeJS.Signals, pids: Pids): Promise<number> {
  const started = Date.now();
  process.kill(child.pid!, signal);
  await waitFor('the main job to exit', async () => (child.exitCode !== null ? true : undefined), 30_000);
  const all = [pids.nats, pids.coordinator, ...pids.peers];
  await waitFor(
    'every child to be gone',
    async () => (all.every((pid) => !alive(pid)) ? true : undefined),
    5_000,
  );
  return Date.now() - started;
}

describe('the main job', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'haco-main-job-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const pidsOf = () => JSON.parse(readFileSync(join(dataDir, 'run', 'pids.json'), 'utf8')) as Pids;
  let firstToken = '';
  let firstNatsPort = '';

  it('runs every process with its own log, restarts a peer that died, and stops them all on SIGINT', async () => {
    const job = startMainJob(dataDir, await freePort());
    await waitFor(
      'the banner',
      async () => (job.output().includes('Ctrl-C stops everything') ? true : undefined),
      120_000,
    );
    const pids = pidsOf();
    expect([pids.nats, pids.coordinator, ...pids.peers].every(alive)).toBe(true);
    for (const name of ['nats-server', 'coordinator', 'server1', 'server2']) {
      expect(job.output()).toContain(`${name}`);
      expect(existsSync(join(dataDir, 'logs', `${name}.log`))).toBe(true);
    }
    expect(job.output()).toContain(join(dataDir, 'logs'));
    await waitFor('a peer transition on the console', async () =>
      /server1: HA_STATE_TRANSITION/.test(job.output()) ? true : undefined,
    );
    expect(readFileSync(join(dataDir, 'logs', 'coordinator.log'), 'utf8')).toContain('"coordinator started"');
    process.kill(pids.peers[1], 'SIGKILL');
    await waitFor('the dead peer to be noticed', async () =>
      /server2 died \(signal SIGKILL\); restarting it/.test(job.output()) ? true : undefined,
    );
    await waitFor(
      'the peer to run again',
      async () =>
        /HA_SERVICE_STARTED/.test(
          readFileSync(join(dataDir, 'logs', 'server2.log'), 'utf8')
            .split('SIGKILL')
            .pop() ?? '',
        )
          ? true
          : undefined,
      30_000,
    );
    firstToken = readFileSync(join(dataDir, 'run', 'api-token'), 'utf8').trim();
    firstNatsPort = readFileSync(join(dataDir, 'run', 'nats.port'), 'utf8').trim();
    expect(job.output()).toContain(`HACO_TOKEN=${firstToken}`);
    const restarted = pids.peers[1];
    const all = { ...pids, peers: [pids.peers[0], ...(await currentPeerPids(dataDir, restarted))] };
    expect(await stopped(job.child, 'SIGINT', all)).toBeLessThan(30_000);
    expect(job.child.exitCode).toBe(0);
  });

  it('is what bash scripts/start.sh runs: SIGTERM to the pid it started stops every child', async () => {
    const job = startMainJob(dataDir, await freePort(), [
      'bash',
      [join(PROJECT_ROOT, 'scripts', 'start.sh')],
    ]);
    await waitFor(
      'the banner',
      async () => (job.output().includes('Ctrl-C stops everything') ? true : undefined),
      180_000,
    );
    const pids = pidsOf();
    // start.sh ends by replacing itself with the cluster's node process: the pid we hold is that process.
    expect(pids.main).toBe(job.child.pid);
    expect(await stopped(job.child, 'SIGTERM', pids)).toBeLessThan(30_000);
  });

  it('keeps its token and NATS port across runs, and stops them all on SIGTERM', async () => {
    const job = startMainJob(dataDir, await freePort());
    await waitFor(
      'the banner',
      async () => (job.output().includes('Ctrl-C stops everything') ? true : undefined),
      120_000,
    );
    expect(readFileSync(join(dataDir, 'run', 'api-token'), 'utf8').trim()).toBe(firstToken);
    expect(readFileSync(join(dataDir, 'run', 'nats.port'), 'utf8').trim()).toBe(firstNatsPort);
    expect(await stopped(job.child, 'SIGTERM', pidsOf())).toBeLessThan(30_000);
    expect(job.child.exitCode).toBe(0);
  });
});

/** The restarted peer's pid: the peer processes now running with this data dir's config. */
async function currentPeerPids(dataDir: string, dead: number): Promise<number[]> {
  const { readdirSync } = await import('node:fs');
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== dead)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(join(dataDir, 'run', 'server2.json'));
      } catch {
        return false;
      }
    })
    .map(Number);
}
