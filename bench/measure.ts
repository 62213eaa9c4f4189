/** Shared by the benchmarks: percentiles over samples, and a logger that says nothing. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export { silentLogger as quiet } from '@haco/common';

export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;
