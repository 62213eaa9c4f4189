import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { build } from 'esbuild';
import { SNAPSHOT_BUNDLES } from '@haco/common';
import { buildConsole } from './build-console';
import { BUNDLES, EXTERNAL_PACKAGES, INLINED, SNAPSHOTS } from './bundles';
import { lazyNestFormatter } from './lazy-nest-formatter';
import { buildSnapshotBlob, SNAPSHOT_BUNDLE } from './startup-snapshot';

/**
 * `npm run build`: every process haco runs, bundled by esbuild into dist/, and the operator's console.
 * The main job, the CLI, the units, the image and compose run these; tsx runs the sources during
 * development only. For the processes whose start-up a pair waits for (INLINED), dist/<name>.js is a
 * launcher that turns on Node's compile cache, then loads the bundle beside it (<name>.app.js): the cache
 * must be on before the bundle is compiled, and it saves about a fifth of a peer's start
 * (docs/operations.md, start-up). The others are their bundle (the CLI asks whether it is the main module).
 * A peer (SNAPSHOTS) is also saved as a V8 startup snapshot, dist/peer/main.blob, which is how it is run
 * (scripts/startup-snapshot.ts).
 */
const ROOT = resolve(__dirname, '..');
const DIST = join(ROOT, 'dist');

/** $CACHE_DIRECTORY is where systemd's CacheDirectory= puts it; elsewhere Node's own default (the temp dir). */
const launcher = (app: string) =>
  [
    '// Written by scripts/build.ts: the compile cache first, then the bundle.',
    "require('node:module').enableCompileCache?.(process.env.CACHE_DIRECTORY || undefined);",
    `require('./${app}');`,
    '',
  ].join('\n');

async function main(): Promise<void> {
  const entries = Object.entries(BUNDLES);
  const inlined = entries.filter(([out]) => INLINED.has(out));
  await Promise.all([
    bundle(
      inlined.map(([out, source]) => [`${out}.app`, source]),
      { external: [...EXTERNAL_PACKAGES], plugins: [lazyNestFormatter] },
    ),
    bundle(
      entries.filter(([out]) => !INLINED.has(out)),
      { packages: 'external' },
    ),
    bundle(
      Object.entries(SNAPSHOTS).map(([out, source]) => [`${out}.snapshot`, source]),
      {
        external: EXTERNAL_PACKAGES.filter((name) => !SNAPSHOT_INLINES.has(name)),
        ...SNAPSHOT_BUNDLE,
        plugins: [lazyNestFormatter, ...(SNAPSHOT_BUNDLE.plugins ?? [])],
      },
    ),
  ]);
  const snapshots = Object.keys(SNAPSHOTS);
  if (snapshots.join() !== [...SNAPSHOT_BUNDLES].join()) {
    throw new Error(`SNAPSHOTS (${snapshots.join()}) differ from @haco/common's SNAPSHOT_BUNDLES`);
  }
  for (const out of snapshots) {
    buildSnapshotBlob(join(DIST, `${out}.snapshot.js`), join(DIST, `${out}.blob`));
  }
  for (const [out] of inlined) {
    writeFileSync(join(DIST, `${out}.js`), launcher(`${out.slice(dirname(out).length + 1)}.app.js`));
  }
  await buildConsole();
}

/** A snapshot's builder can require builtins only: these are inlined (better-sqlite3's addon comes later). */
const SNAPSHOT_INLINES = new Set(['@nats-io/*', 'pino', 'better-sqlite3']);

function bundle(
  entries: readonly (readonly [string, string])[],
  options: Pick<
    BuildOptions,
    'external' | 'packages' | 'plugins' | 'minifyWhitespace' | 'minifySyntax' | 'legalComments' | 'sourcemap'
  >,
): Promise<unknown> {
  return build({
    entryPoints: entries.map(([out, source]) => ({ out, in: resolve(ROOT, source) })),
    sourcemap: true,
    ...options,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    outdir: DIST,
    tsconfig: resolve(ROOT, 'tsconfig.json'),
    logLevel: 'warning',
    // Nest's ES modules find their optional packages with createRequire(import.meta.url); in one CommonJS
    // bundle that URL is the bundle's own file, whose node_modules are the project's.
    define: { 'import.meta.url': '__haco_import_meta_url' },
    banner: { js: "const __haco_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  });
}

if (require.main === module) {
  void main().catch((error: Error) => {
    process.stderr.write(`build: ${error.message}\n`);
    process.exit(1);
  });
}
