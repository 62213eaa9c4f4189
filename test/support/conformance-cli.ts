import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PROJECT_ROOT, SHARED_DIR } from '../../tools/harness/project-root';

export { PROJECT_ROOT, SHARED_DIR } from '../../tools/harness/project-root';

/** Runs `npm run --silent conformance -- FILE` exactly as the checker does; returns its JSON lines. */
export function runConformance(fileText: string): {
  status: number | null;
  lines: Record<string, unknown>[];
  stderr: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'haco-conformance-'));
  try {
    const file = join(dir, 'cases.json');
    writeFileSync(file, fileText);
    const result = spawnSync('npm', ['run', '--silent', 'conformance', '--', file], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const lines = result.stdout
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { status: result.status, lines, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The JSON examples of ../shared/CONFORMANCE.md, one per fenced block, when that reference file is beside
 * the project; none otherwise (the project's own examples stand alone).
 */
export function sharedExamples(): Record<string, unknown>[] {
  const file = join(SHARED_DIR, 'CONFORMANCE.md');
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/```json\n([\s\S]*?)```/g)].map(
    (m) => JSON.parse(m[1]) as Record<string, unknown>,
  );
}

export function readVectors(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
