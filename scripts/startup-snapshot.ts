import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { BuildOptions, Plugin } from 'esbuild';

/**
 * The builtins Node's snapshot builder cannot hold (http's parser: "global handle not serialized";
 * worker_threads and the others: "unknown external reference") or warns it has not verified. Each is loaded
 * on first use instead: every use of them in a peer is at run time, after the snapshot is deserialized
 * (one used at load would load it in the builder, which would then fail the build as before).
 */
const LAZY_BUILTINS = [
  'http',
  'https',
  'tls',
  'child_process',
  'worker_threads',
  'async_hooks',
  'perf_hooks',
];

/**
 * A builtin as a stand-in that loads it on first use. The names it exports are the builder's own (read
 * here, in the same Node that builds and runs the blob), so that esbuild's interop can copy them without
 * loading it; `__esModule` is answered without loading for the same reason.
 */
export function lazyBuiltinSource(name: string, keys: readonly string[]): string {
  return `
const KEYS = ${JSON.stringify(keys)};
let real;
const load = () => (real ??= process.getBuiltinModule('node:${name}'));
module.exports = new Proxy({}, {
  get: (_, key) => (key === '__esModule' ? undefined : load()[key]),
  has: (_, key) => KEYS.includes(key),
  ownKeys: () => KEYS,
  getOwnPropertyDescriptor: (_, key) =>
    KEYS.includes(key) ? { configurable: true, enumerable: true, get: () => load()[key] } : undefined,
});`;
}

const lazyBuiltins: Plugin = {
  name: 'snapshot-lazy-builtins',
  setup(build) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
    build.onResolve({ filter }, ({ path }) => ({
      path: path.replace(/^node:/, ''),
      namespace: 'lazy-builtin',
    }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, ({ path }) => {
      const module = process.getBuiltinModule(`node:${path}`) as object;
      const keys = Reflect.ownKeys(module).filter((key): key is string => typeof key === 'string');
      return { contents: lazyBuiltinSource(path, keys), loader: 'js' };
    });
  },
};

const SQLITE_ADDON = "require('bindings')('better_sqlite3.node')";

/**
 * better-sqlite3's JavaScript is inlined, but its native addon cannot be in a snapshot: it is loaded when
 * the first database opens, from the node_modules above the blob (its path is in process.execArgv), so that
 * dist/ moves with its project. In place of the `bindings` package, which finds the addon from its
 * caller's file: in a snapshot, that file is the build's. The build fails if better-sqlite3 no longer has
 * the call, so that an upgrade looks again.
 */
const SQLITE_ADDON_SOURCE = `(() => {
  const args = process.execArgv;
  const at = args.findIndex((arg) => arg === '--snapshot-blob' || arg.startsWith('--snapshot-blob='));
  const blob = args[at].startsWith('--snapshot-blob=') ? args[at].slice('--snapshot-blob='.length) : args[at + 1];
  const { createRequire } = process.getBuiltinModule('node:module');
  const fromBlob = createRequire(process.getBuiltinModule('node:path').resolve(blob));
  return fromBlob('better-sqlite3/build/Release/better_sqlite3.node');
})()`;

const sqliteAddonOnUse: Plugin = {
  name: 'snapshot-sqlite-addon-on-use',
  setup(build) {
    build.onLoad({ filter: /better-sqlite3[\\/]lib[\\/]database\.js$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      if (!source.includes(SQLITE_ADDON)) throw new Error(`${path}: no ${SQLITE_ADDON} to replace`);
      return { contents: source.replace(SQLITE_ADDON, SQLITE_ADDON_SOURCE), loader: 'js' };
    });
  },
};

const NATS_BY_NAME = "createRequire(import.meta.url)('@nats-io/transport-node')";

/**
 * Nest's NATS client finds the NATS package with createRequire, which esbuild cannot follow
 * (evanw/esbuild#1828): written as a plain require, it takes the inlined copy, the same one the rest of
 * the peer uses. The build fails if Nest's source no longer has the call, so that an upgrade looks again.
 */
const natsClientByName: Plugin = {
  name: 'snapshot-nats-client-by-name',
  setup(build) {
    build.onLoad({ filter: /@nestjs[\\/]microservices[\\/]client[\\/]client-nats\.js$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      if (!source.includes(NATS_BY_NAME)) throw new Error(`${path}: no ${NATS_BY_NAME} to inline`);
      return { contents: source.replace(NATS_BY_NAME, "require('@nats-io/transport-node')"), loader: 'js' };
    });
  },
};

/**
 * How a snapshot's bundle differs from the plain one: every package inlined (better-sqlite3's addon comes
 * on first use), the stand-ins above, and minified whitespace and syntax (names are kept; Nest injects by class name). The
 * smaller its source, the less there is to deserialize at each start.
 */
export const SNAPSHOT_BUNDLE: Pick<
  BuildOptions,
  'plugins' | 'minifyWhitespace' | 'minifySyntax' | 'legalComments' | 'sourcemap'
> = {
  plugins: [lazyBuiltins, sqliteAddonOnUse, natsClientByName],
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  sourcemap: false,
};

/**
 * esbuild escapes what is not ASCII in strings and names, but not in a regular expression (one in NATS's
 * JetStream client has a µ). A single such character makes V8 keep the whole source as two bytes a
 * character, twice the heap to deserialize at every start; as a \u escape it means the same.
 */
export function asciiOnly(source: string): string {
  return source.replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Runs `bundle` in Node's snapshot builder (this same node) and writes the heap it leaves to `blob`. */
export function buildSnapshotBlob(bundle: string, blob: string): void {
  writeFileSync(bundle, asciiOnly(readFileSync(bundle, 'utf8')));
  const built = spawnSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', bundle], {
    encoding: 'utf8',
  });
  if (built.status !== 0) {
    throw new Error(`snapshot of ${bundle} failed (${built.status ?? built.signal}):\n${built.stderr}`);
  }
}
