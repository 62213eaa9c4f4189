import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../../tools/harness/project-root';
import { lazyNestFormatter } from '../../scripts/lazy-nest-formatter';

/**
 * The build's change to Nest's logger modules: loading them builds no date formatter any more, and a
 * logger still stamps its lines as Nest's own formatter would.
 */
describe('the lazy Nest date formatter of the built bundles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-lazy-formatter-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds no formatter when the loggers load, and the same timestamp on first use', async () => {
    const entry = join(dir, 'entry.js');
    writeFileSync(
      entry,
      "export { ConsoleLogger } from '@nestjs/common/services/console-logger.service.js';\n" +
        "export { Logger } from '@nestjs/common/services/logger.service.js';\n",
    );
    const out = join(dir, 'loggers.js');
    await build({
      entryPoints: [entry],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      nodePaths: [join(PROJECT_ROOT, 'node_modules')],
      plugins: [lazyNestFormatter],
      logLevel: 'silent',
    });
    const probe = `
      require(${JSON.stringify(require.resolve('reflect-metadata'))});
      const Real = Intl.DateTimeFormat;
      let made = 0;
      Intl.DateTimeFormat = function (...args) { made += 1; return new Real(...args); };
      const { ConsoleLogger } = require(${JSON.stringify(out)});
      const afterLoad = made;
      const nests = new Real(undefined, { year: 'numeric', hour: 'numeric', minute: 'numeric',
        second: 'numeric', day: '2-digit', month: '2-digit' });
      const before = nests.format(Date.now());
      const stamp = new ConsoleLogger().getTimestamp();
      const after = nests.format(Date.now());
      const afterUse = made;
      process.stdout.write(JSON.stringify({ afterLoad, afterUse, same: stamp === before || stamp === after }));`;
    const result = JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' })) as {
      afterLoad: number;
      afterUse: number;
      same: boolean;
    };
    expect(result).toEqual({ afterLoad: 0, afterUse: 1, same: true });
  });
});
