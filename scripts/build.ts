import { resolve } from 'node:path';
import { build } from 'esbuild';
import { buildConsole } from './build-console';
import { BUNDLES } from './bundles';

/**
 * `npm run build`: every process haco runs, bundled by esbuild into dist/ (one file each, the packages in
 * node_modules left outside), and the operator's console. The main job, the CLI, the units, the image and
 * compose run these bundles; tsx runs the sources during development only. A bundle starts in a fraction
 * of tsx's time, since nothing is transpiled when the process starts (docs/operations.md, start-up).
 */
const ROOT = resolve(__dirname, '..');

async function main(): Promise<void> {
  await build({
    entryPoints: Object.entries(BUNDLES).map(([out, source]) => ({ out, in: resolve(ROOT, source) })),
    bundle: true,
    platform: 'node',
    target: 'node24',
    packages: 'external',
    sourcemap: true,
    outdir: resolve(ROOT, 'dist'),
    tsconfig: resolve(ROOT, 'tsconfig.json'),
    logLevel: 'warning',
  });
  await buildConsole();
}

if (require.main === module) {
  void main().catch((error: Error) => {
    process.stderr.write(`build: ${error.message}\n`);
    process.exit(1);
  });
}
