import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The rules of the layout (README, Architecture): imports run one way, and each file does one job. */
const ROOT = join(__dirname, '..', '..');
const SKIP = new Set(['node_modules', 'dist', '.git', '.node', '.tmp', 'data', 'coverage']);
const LONG_FILE_REASON = 'Longer than 250 lines because';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [relative(ROOT, path)] : [];
  });
}

const files = sources(ROOT);
const importsOf = (file: string): string[] =>
  [...readFileSync(join(ROOT, file), 'utf8').matchAll(/(?:from|import)\s+'([^']+)'/g)].map((m) => m[1]);
/** An import as a project path (relative ones resolved), or the package name. */
const resolved = (file: string, spec: string): string =>
  spec.startsWith('.') ? relative(ROOT, join(ROOT, file, '..', spec)) : spec;
const offenders = (from: (file: string) => boolean, to: (target: string) => boolean): string[] =>
  files
    .filter(from)
    .flatMap((file) => importsOf(file).map((spec) => [file, resolved(file, spec)] as const))
    .filter(([, target]) => to(target))
    .map(([file, target]) => `${file} -> ${target}`);

describe('the layout', () => {
  it('has sources to check', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('libs never import apps', () => {
    expect(
      offenders(
        (f) => f.startsWith('libs/'),
        (t) => t.startsWith('apps/'),
      ),
    ).toEqual([]);
  });

  it('bench and soak never import an app\u2019s internals', () => {
    const fromTools = (f: string) => f.startsWith('bench/') || f.startsWith('soak/');
    expect(offenders(fromTools, (t) => /^apps\/[^/]+\/src\//.test(t))).toEqual([]);
  });

  it('application and library code never imports test support', () => {
    const production = (f: string) => /^(apps|libs)\/[^/]+\/src\//.test(f);
    expect(offenders(production, (t) => t.startsWith('test/') || t.startsWith('tools/'))).toEqual([]);
  });

  it('in ha-core, machine/ imports neither commands/ nor the router above both', () => {
    const machine = (f: string) => f.startsWith('libs/ha-core/src/machine/');
    const above = (t: string) =>
      t.startsWith('libs/ha-core/src/commands/') ||
      t === 'libs/ha-core/src/decide' ||
      t === 'libs/ha-core/src/ha-service';
    expect(offenders(machine, above)).toEqual([]);
  });

  it('in ha-core, commands/ never imports the router', () => {
    const commands = (f: string) => f.startsWith('libs/ha-core/src/commands/');
    expect(offenders(commands, (t) => t === 'libs/ha-core/src/decide')).toEqual([]);
  });

  it('contracts are the wire only: no NATS client, no environment, no framework', () => {
    const contracts = files.filter((f) => f.startsWith('libs/contracts/src/'));
    expect(contracts.length).toBeGreaterThan(3);
    const found = contracts.filter((f) => {
      const text = readFileSync(join(ROOT, f), 'utf8');
      return /process\.env/.test(text) || importsOf(f).some((s) => /^(nats|@nats-io\/|@nestjs\/)/.test(s));
    });
    expect(found).toEqual([]);
  });

  it('names every test file by its tier (.unit, .int or .e2e), so that npm run test:<tier> finds it', () => {
    const specs = files.filter((f) => f.endsWith('.spec.ts'));
    expect(specs.length).toBeGreaterThan(30);
    expect(specs.filter((f) => !/\.(unit|int|e2e)\.spec\.ts$/.test(f))).toEqual([]);
  });

  it(`keeps every file within 250 lines, or says why ("${LONG_FILE_REASON}")`, () => {
    const long = files.filter((f) => {
      const text = readFileSync(join(ROOT, f), 'utf8');
      return text.split('\n').length > 251 && !text.includes(LONG_FILE_REASON);
    });
    expect(long).toEqual([]);
  });
});
