/**
 * One conformance vector as CONFORMANCE.md describes it. Every field is optional and untrusted: the
 * probe reads what it needs and ignores the rest.
 */
export type ConformanceCase = { readonly [field: string]: unknown };

/** The outputs printed for a case, besides its id. */
export type CaseOutput = Record<string, unknown>;

/** Reads FILE's text: a JSON array of cases, a single case, or one case per line. */
export function readCases(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed.length === 0) return [];
  try {
    const whole: unknown = JSON.parse(trimmed);
    return Array.isArray(whole) ? whole : [whole];
  } catch {
    return trimmed
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0)
      .map((line) => {
        try {
          return JSON.parse(line) as unknown;
        } catch (error) {
          return { unreadable: line, reason: (error as Error).message };
        }
      });
  }
}
