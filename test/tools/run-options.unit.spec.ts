import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/conformance-cli';
import { runTsToExit } from '../../tools/harness/processes';

jest.setTimeout(60_000);

/** The long runs refuse what they do not know before starting anything, and say what they take. */
describe.each([
  ['soak', 'soak/main.ts', '--minute', /unknown option --minute/],
  ['bench', 'bench/main.ts', '--event', /unknown option --event/],
])('npm run %s', (_name, script, typo, refusal) => {
  it('refuses a mistyped option with exit 2 and its usage, at once', async () => {
    const started = Date.now();
    const result = await runTsToExit(join(PROJECT_ROOT, script), [typo, '1'], { cwd: PROJECT_ROOT });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(refusal);
    expect(result.stderr).toMatch(/usage: npm run/);
    // Nothing was started: no nats-server, no peers, no measuring (each of those takes seconds).
    expect(result.stderr).not.toMatch(/soak: \d+ pairs|bench: \w+\n/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('prints its usage for --help and exits 0', async () => {
    const result = await runTsToExit(join(PROJECT_ROOT, script), ['--help'], { cwd: PROJECT_ROOT });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/usage: npm run/);
    expect(result.stdout).toMatch(/--minutes N|--events N/);
  });
});

it('the bench refuses an unknown measure in --only', async () => {
  const result = await runTsToExit(join(PROJECT_ROOT, 'bench/main.ts'), ['--only', 'ingst'], {
    cwd: PROJECT_ROOT,
  });
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(/--only: unknown measure ingst/);
});
