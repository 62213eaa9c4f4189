import { readFileSync } from 'node:fs';
import { mismatches } from '../test/support/expectations';

/** `check-conformance VECTORS OUTPUT|- NAME`: compares probe output with the vectors' expected_* fields. */
const [vectorFile, outputFile, name = vectorFile] = process.argv.slice(2);
const parseLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
const vectors = parseLines(readFileSync(vectorFile, 'utf8'));
const outputs = parseLines(readFileSync(outputFile === '-' ? 0 : outputFile, 'utf8'));
let failed = 0;
vectors.forEach((vector, index) => {
  const problems = mismatches(vector, outputs[index] ?? {});
  if (problems.length > 0) {
    failed += 1;
    console.log(`  FAIL ${String(vector['id'])}: ${JSON.stringify(problems)}`);
  }
});
console.log(`${name}: ${vectors.length - failed} of ${vectors.length} cases as expected`);
process.exitCode = failed === 0 ? 0 : 1;
