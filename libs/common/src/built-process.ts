import { join } from 'node:path';

/**
 * The built processes that run from a V8 startup snapshot, dist/<name>.blob, rather than from their
 * bundle (scripts/startup-snapshot.ts; docs/operations.md, start-up): a peer, whose start its partner
 * waits for. The build makes one for each, and fails if its list of sources differs from this one.
 */
export const SNAPSHOT_BUNDLES: ReadonlySet<string> = new Set(['peer/main']);

/**
 * The node arguments that run a built process from `dist`: `--snapshot-blob dist/<name>.blob --` (Node
 * reads everything before `--` as its own options) when it has a snapshot, else dist/<name>.js.
 */
export function launchArgs(bundle: string, dist: string): string[] {
  return SNAPSHOT_BUNDLES.has(bundle)
    ? ['--snapshot-blob', join(dist, `${bundle}.blob`), '--']
    : [join(dist, `${bundle}.js`)];
}
