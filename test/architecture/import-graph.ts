import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The project's TypeScript sources and their imports, read from disk (no compiler needed). */
export const ROOT = join(__dirname, '..', '..');
const SKIP = new Set(['node_modules', 'dist', '.git', '.node', '.tmp', 'data', 'coverage']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [relative(ROOT, path)] : [];
  });
}

export const files = sources(ROOT);

export const importsOf = (file: string): string[] =>
  [...readFileSync(join(ROOT, file), 'utf8').matchAll(/(?:from|import)\s+'([^']+)'/g)].map((m) => m[1]);

/** An import as a project path (relative ones resolved), or the package name. */
export const resolved = (file: string, spec: string): string =>
  spec.startsWith('.') ? relative(ROOT, join(ROOT, file, '..', spec)) : spec;

/** One import: the importing file, the import as written, and where it points. */
export interface ImportEdge {
  readonly file: string;
  readonly spec: string;
  readonly target: string;
}

export const edges: ImportEdge[] = files.flatMap((file) =>
  importsOf(file).map((spec) => ({ file, spec, target: resolved(file, spec) })),
);

/**
 * A folder's floors, highest first: a folder (or top-level file, named with its .ts) may import only
 * from floors below its own, never from its own floor or above. Returns every import that breaks it,
 * and every folder the floors do not name (a new folder has to be given its place).
 */
export function floorViolations(
  root: string,
  floors: readonly (readonly string[])[],
  graph: readonly ImportEdge[],
): string[] {
  const floorOf = new Map<string, number>();
  floors.forEach((names, index) => names.forEach((name) => floorOf.set(name, index)));
  const unit = (path: string): string | null => {
    if (!path.startsWith(`${root}/`)) return null;
    const rest = path.slice(root.length + 1);
    const slash = rest.indexOf('/');
    return slash === -1 ? `${rest.replace(/\.ts$/, '')}.ts` : rest.slice(0, slash);
  };
  const found: string[] = [];
  for (const { file, target } of graph) {
    const from = unit(file);
    if (from === null) continue;
    const fromFloor = floorOf.get(from);
    if (fromFloor === undefined) {
      found.push(`${file}: '${from}' has no floor`);
      continue;
    }
    const to = unit(target);
    if (to === null || to === from) continue;
    const toFloor = floorOf.get(to);
    if (toFloor === undefined || toFloor <= fromFloor)
      found.push(`${file} -> ${target} (upward or sideways)`);
  }
  return [...new Set(found)];
}

const CORE = 'libs/ha-core/src';
const isTest = (file: string): boolean => file.endsWith('.spec.ts') || /(^|\/)test\//.test(file);
const CONFORMANCE_PROBE = 'apps/cli/src/conformance/';

/**
 * The core's two doors: outside libs/ha-core, only `@haco/ha-core` (the decider) and `@haco/ha-core/probe`
 * (drivers) are imported, never machine/ or commands/ by any path; only the conformance probe and tests
 * use the probe door; the decider door never re-exports the probe.
 */
export function doorViolations(graph: readonly ImportEdge[]): string[] {
  return graph
    .filter(({ file, spec, target }) => {
      const insideCore = file.startsWith('libs/ha-core/');
      const intoCore = target.startsWith(`${CORE}/`) || spec.startsWith('@haco/ha-core/');
      const intoProbe = spec === '@haco/ha-core/probe' || target.startsWith(`${CORE}/probe`);
      if (intoProbe) {
        const allowed =
          isTest(file) || file.startsWith(CONFORMANCE_PROBE) || file.startsWith(`${CORE}/probe/`);
        return !allowed;
      }
      return !insideCore && intoCore;
    })
    .map(({ file, spec }) => `${file} imports '${spec}'`);
}
