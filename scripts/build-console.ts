import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

/**
 * Builds the operator's console (apps/console) into dist/console: one ES module and one stylesheet,
 * bundled with preact, htm and uPlot from node_modules, nothing fetched at run time (the coordinator
 * serves it at /ui).
 */
const ROOT = resolve(__dirname, '..');
const OUT = join(ROOT, 'dist', 'console');

export async function buildConsole(): Promise<void> {
  mkdirSync(join(OUT, 'assets'), { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'apps', 'console', 'src', 'main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    outdir: join(OUT, 'assets'),
    logLevel: 'warning',
    tsconfig: join(ROOT, 'apps', 'console', 'tsconfig.json'),
  });
  copyFileSync(join(ROOT, 'apps', 'console', 'index.html'), join(OUT, 'index.html'));
}

if (require.main === module) {
  void buildConsole().catch((error: Error) => {
    process.stderr.write(`build-console: ${error.message}\n`);
    process.exit(1);
  });
}
