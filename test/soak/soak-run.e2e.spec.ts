import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../tools/harness/project-root';

describe('npm run soak', () => {
  it('runs half a minute of faults under load and every check passes', () => {
    const run = spawnSync('npm', ['run', '--silent', 'soak', '--', '--minutes', '0.5', '--pairs', '1'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 420_000,
    });
    const passes = run.stdout.split('\n').filter((line) => line.startsWith('PASS'));
    // On failure the run's own last words say why (a check's FAIL line, or the error that stopped it).
    expect({
      status: run.status,
      failed: run.stdout.split('\n').filter((l) => l.startsWith('FAIL')),
      stopped: run.status === 0 ? '' : run.stderr.split('\n').slice(-15).join('\n'),
    }).toEqual({
      status: 0,
      failed: [],
      stopped: '',
    });
    expect(passes.length).toBe(8);
    expect(run.stdout).toMatch(/soak passed/);
  }, 450_000);
});
