/**
 * dist/<name>.js from each source (`npm run build`): the names are what the units, the image, compose, the
 * main job and bin/haco run.
 */
export const BUNDLES: Readonly<Record<string, string>> = {
  'peer/main': 'apps/peer/src/main.ts',
  'coordinator/main': 'apps/coordinator/src/main.ts',
  'kea-watch/main': 'apps/kea-watch/src/main.ts',
  'cli/haco': 'apps/cli/src/haco/main.ts',
  'cli/replay': 'apps/cli/src/replay/main.ts',
  'cli/conformance': 'apps/cli/src/conformance/main.ts',
  'cli/check-conformance': 'scripts/check-conformance.ts',
  'cluster/main': 'scripts/local-cluster.ts',
};
