import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../tools/harness/project-root';

/** A soak run to its end: its exit status, its check lines, and on failure its own last words. */
function soak(args: string[]) {
  const run = spawnSync('npm', ['run', '--silent', 'soak', '--', ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 420_000,
  });
  return {
    run,
    passes: run.stdout.split('\n').filter((line) => line.startsWith('PASS')),
    outcome: {
      status: run.status,
      failed: run.stdout.split('\n').filter((l) => l.startsWith('FAIL')),
      stopped:
        run.status === 0 ? '' : `${run.stdout.slice(-2000)}\n${run.stderr.split('\n').slice(-25).join('\n')}`,
    },
  };
}

const SUCCEEDED = { status: 0, failed: [], stopped: '' };

describe('npm run soak', () => {
  it('runs half a minute of faults under load and every check passes', () => {
    const { run, passes, outcome } = soak(['--minutes', '0.5', '--pairs', '1']);
    expect(outcome).toEqual(SUCCEEDED);
    expect(passes.length).toBe(10);
    // The log the kill -9s leave verifies: every stream's hash chain holds.
    expect(passes.some((line) => line.startsWith('PASS  every hash chain holds'))).toBe(true);
    expect(run.stdout).toMatch(/soak passed/);
  }, 450_000);

  it('runs two coordinators on one PostgreSQL and a 3-node NATS cluster, each killed -9 under load', () => {
    const { run, passes, outcome } = soak([
      ...['--minutes', '0.5', '--pairs', '1', '--store', 'postgres'],
      ...['--coordinators', '2', '--nats-nodes', '3'],
    ]);
    expect(outcome).toEqual(SUCCEEDED);
    // The soak's own checks, and the second replica's reads equal to the first's.
    expect(passes.map((line) => line.replace(/: .*$/, '').replace(/http:\S+/g, 'URL'))).toEqual(
      expect.arrayContaining([
        'PASS  every command recorded exactly once',
        'PASS  no gaps held back',
        'PASS  no dead letters',
        'PASS  replay verifies every stream',
        'PASS  every hash chain holds',
        'PASS  coordinator URL and URL serve the same reads',
      ]),
    );
    expect(passes.filter((line) => line.startsWith('PASS  exactly once, in order'))).toHaveLength(2);
    const kills = (what: string) => Number(new RegExp(`(\\d+) ${what}`).exec(run.stdout)?.[1] ?? 0);
    expect(kills('coordinator')).toBeGreaterThanOrEqual(1);
    expect(kills('nats-server')).toBeGreaterThanOrEqual(1);
  }, 450_000);
});
