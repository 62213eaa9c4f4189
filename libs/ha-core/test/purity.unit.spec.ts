import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SRC = join(__dirname, '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Code without comments and string contents, so that words in prose do not count. */
function code(path: string): string {
  return readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, "''");
}

describe('libs/ha-core is pure', () => {
  const files = sources(SRC);

  it('has sources to check', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((f) => [f.slice(SRC.length + 1), f]))(
    '%s imports only the core itself',
    (_name, file) => {
      const imports = [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      expect(imports.filter((spec) => !spec.startsWith('.'))).toEqual([]);
    },
  );

  it.each(files.map((f) => [f.slice(SRC.length + 1), f]))(
    '%s reads no clock, randomness or process',
    (_name, file) => {
      const text = code(file);
      expect(text).not.toMatch(/\bDate\b/);
      expect(text).not.toMatch(/Math\.random/);
      expect(text).not.toMatch(/\bprocess\b/);
      expect(text).not.toMatch(/\b(setTimeout|setInterval|performance|require)\b/);
      expect(text).not.toMatch(/:\s*any\b|as any\b/);
    },
  );
});
