import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from './conformance-cli';
import { waitFor } from '../../tools/harness/processes';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('an interrupted soak or bench run', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('ends every process it owns on %s, then exits %i', async (signal, code) => {
    const run = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'owning-run.fixture.ts')], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [line] = (await once(createInterface({ input: run.stdout }), 'line')) as [string];
      const childPid = Number(line);
      expect(alive(childPid)).toBe(true);
      const exited = once(run, 'exit');
      run.kill(signal);
      const [exitCode] = (await exited) as [number | null];
      expect(exitCode).toBe(code);
      await waitFor('the owned child to be gone', async () => (alive(childPid) ? undefined : true), 5_000);
    } finally {
      if (run.exitCode === null && run.signalCode === null) run.kill('SIGKILL');
    }
  });
});
