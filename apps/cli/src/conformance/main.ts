import { readFileSync } from 'node:fs';
import { readCases } from './conformance-case';
import type { ConformanceCase } from './conformance-case';
import { runCase } from './run-case';

/**
 * `npm run --silent conformance -- FILE`: one JSON line per case on stdout, in order. A case that cannot
 * be run prints `{"id", "error"}` and the run goes on; the exit status is 0 once every case was tried.
 */
function main(argv: string[]): number {
  const file = argv[0];
  if (file === undefined) {
    process.stderr.write('usage: npm run --silent conformance -- FILE\n');
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`conformance: cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  for (const raw of readCases(text)) {
    const c: ConformanceCase =
      typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as ConformanceCase) : {};
    const id = c['id'] ?? null;
    let line: Record<string, unknown>;
    try {
      line = { id, ...runCase(c) };
    } catch (error) {
      line = { id, error: (error as Error).message };
    }
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  return 0;
}

// A reader that stops early (`| head`) is not an error of the probe.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
process.exitCode = main(process.argv.slice(2));
