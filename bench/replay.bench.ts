import { evolve, verifyStream } from '@haco/ha-core';
import type { HaEvent, HaMachineState } from '@haco/ha-core';
import { recordedEvents } from '@haco/event-store';
import { generateStream } from '../test/support/stream-generator';

export interface ReplayResult {
  readonly events: number;
  readonly foldEventsPerSecond: number;
  readonly verifyEventsPerSecond: number;
  readonly peakRssMiB: number;
}

/** Folds and verifies a long generated peer stream through libs/ha-core. */
export function benchReplay(events: number): ReplayResult {
  const envelopes = generateStream('bench/server1', events, 11);
  const recorded = recordedEvents(envelopes.map((e) => ({ ...e, data: e.data as Record<string, unknown> })));
  let peak = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  let state: HaMachineState | null = null;
  for (const r of recorded) state = evolve(state, r.event as HaEvent);
  const t1 = process.hrtime.bigint();
  peak = Math.max(peak, process.memoryUsage().rss);
  const report = verifyStream(recorded);
  const t2 = process.hrtime.bigint();
  peak = Math.max(peak, process.memoryUsage().rss);
  if (report.divergence !== null) throw new Error(`generated stream diverged at ${report.divergence.seq}`);
  const seconds = (from: bigint, to: bigint) => Number(to - from) / 1e9;
  return {
    events: recorded.length,
    foldEventsPerSecond: Math.round(recorded.length / seconds(t0, t1)),
    verifyEventsPerSecond: Math.round(recorded.length / seconds(t1, t2)),
    peakRssMiB: Math.round(peak / 2 ** 20),
  };
}
