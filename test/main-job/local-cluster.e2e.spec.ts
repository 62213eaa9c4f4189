import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';
import { alive, pidsOf as pidsOfJob, startMainJob, stopped } from '../support/main-job';

jest.setTimeout(240_000);

describe('the main job', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'haco-main-job-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const pidsOf = () => pidsOfJob(dataDir);
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
      // A log file is made with the process's first line: the peers start last, after the coordinator.
      await waitFor(`${name}.log`, async () => existsSync(join(dataDir, 'logs', `${name}.log`)) || undefined);
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
    // The banner says where the token is, never the token itself.
    expect(job.output()).not.toContain(firstToken);
    expect(job.output()).toContain(`HACO_TOKEN=$(cat ${join(dataDir, 'run', 'api-token')})`);
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
