import { isDeepStrictEqual } from 'node:util';

/** One failed comparison: which expected field, what was expected and what the probe printed. */
export interface Mismatch {
  readonly field: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

/** `expected` is contained in `actual`: object keys recursively, list elements each matched somewhere. */
export function isSubset(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.every((e) => actual.some((a) => isSubset(e, a)));
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    const map = actual as Record<string, unknown>;
    return Object.entries(expected).every(([key, value]) => isSubset(value, map[key]));
  }
  return isDeepStrictEqual(expected, actual);
}

function contains(expected: unknown, actual: unknown): boolean {
  if (typeof actual === 'string') return typeof expected === 'string' && actual.includes(expected);
  if (Array.isArray(actual))
    return actual.some((a) => isDeepStrictEqual(a, expected) || contains(expected, a));
  return false;
}

/** A single expected value also matches a list of actual values that holds it (e.g. one log id of many). */
function equals(expected: unknown, actual: unknown): boolean {
  if (isDeepStrictEqual(expected, actual)) return true;
  return (
    Array.isArray(actual) && !Array.isArray(expected) && actual.some((a) => isDeepStrictEqual(a, expected))
  );
}

/** Checks every expected_X (and _subset, _contains, _match) of a vector against the probe's output. */
export function mismatches(vector: Record<string, unknown>, output: Record<string, unknown>): Mismatch[] {
  const found: Mismatch[] = [];
  for (const [key, expected] of Object.entries(vector)) {
    if (!key.startsWith('expected_')) continue;
    const spec = key.slice('expected_'.length);
    const [field, check] = (['subset', 'contains', 'match'] as const)
      .map((suffix) => (spec.endsWith(`_${suffix}`) ? [spec.slice(0, -suffix.length - 1), suffix] : null))
      .find((x) => x !== null) ?? [spec, 'equals'];
    const actual = output[field as string];
    const ok =
      check === 'subset'
        ? isSubset(expected, actual)
        : check === 'contains'
          ? contains(expected, actual)
          : check === 'match'
            ? typeof actual === 'string' && new RegExp(String(expected)).test(actual)
            : equals(expected, actual);
    if (!ok) found.push({ field: key, expected, actual });
  }
  return found;
}
