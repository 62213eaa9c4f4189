import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../tools/harness/project-root';

const PROMTOOL = process.env.PROMTOOL_BIN ?? 'promtool';
const DIR = join(PROJECT_ROOT, 'deploy', 'prometheus');

/** The shipped rules check, and their unit tests (series as two replicas export them) pass, in promtool. */
describe('deploy/prometheus with promtool', () => {
  const run = (args: string[]) =>
    execFileSync(PROMTOOL, args, { cwd: DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it('checks the configuration and the rules', () => {
    expect(run(['check', 'rules', 'haco.rules.yml'])).toMatch(/SUCCESS: \d+ rules found/);
    expect(run(['check', 'config', '--syntax-only', 'prometheus.yml'])).toMatch(/SUCCESS/);
  });

  it('passes the rules\u2019 unit tests', () => {
    expect(run(['test', 'rules', 'haco.rules.test.yml'])).toMatch(/SUCCESS/);
  });
});
