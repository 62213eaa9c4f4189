import uPlot from 'uplot';
import type { HistoryRow } from './views';
import { STATES } from './views';

/** A peer's states over time, from its history rows: where each state began, in seconds. */
export function stateSeries(
  rows: readonly HistoryRow[],
  until: number,
): { times: number[]; levels: number[] } {
  const times: number[] = [];
  const levels: number[] = [];
  for (const row of rows) {
    if (row.from === row.to && !row.cause.startsWith('started')) continue;
    times.push(Date.parse(row.at) / 1000);
    levels.push(STATES.findIndex(([s]) => s === row.to));
  }
  if (levels.length > 0) {
    times.push(until / 1000);
    levels.push(levels[levels.length - 1]);
  }
  return { times, levels };
}

/** Pauses as [from, to] intervals in seconds: from each pause to its continue (or now). */
export function pauseIntervals(rows: readonly HistoryRow[], until: number): [number, number][] {
  const intervals: [number, number][] = [];
  let pausedAt: number | null = null;
  for (const row of rows) {
    const at = Date.parse(row.at) / 1000;
    if (row.cause.startsWith('paused')) pausedAt ??= at;
    if ((row.cause === 'continued' || row.cause.startsWith('started')) && pausedAt !== null) {
      intervals.push([pausedAt, at]);
      pausedAt = null;
    }
  }
  if (pausedAt !== null) intervals.push([pausedAt, until / 1000]);
  return intervals;
}

/**
 * The peer's timeline and its partner's below it, as stepped lines over Kea's states, the pauses shaded;
 * drag to zoom, double-click to zoom out (uPlot), the two charts kept on one time axis.
 */
export function drawTimeline(
  target: HTMLElement,
  lines: readonly { label: string; rows: readonly HistoryRow[] }[],
  until: number,
): () => void {
  const sync = uPlot.sync('haco-timeline');
  const charts = lines.map(({ label, rows }) => {
    const { times, levels } = stateSeries(rows, until);
    const pauses = pauseIntervals(rows, until);
    const chart = new uPlot(
      {
        title: label,
        width: Math.max(600, target.clientWidth - 20),
        height: 220,
        cursor: { sync: { key: sync.key } },
        scales: { x: { time: true }, y: { range: [-0.5, STATES.length - 0.5] } },
        axes: [
          {},
          {
            values: (_u, ticks) => ticks.map((t) => STATES[Math.round(t)]?.[0] ?? ''),
            size: 175,
            splits: () => STATES.map((_s, i) => i),
          },
        ],
        series: [
          {},
          { label: 'state', stroke: '#0f172a', width: 2, paths: uPlot.paths.stepped!({ align: 1 }) },
        ],
        hooks: {
          drawClear: [
            (u: uPlot) => {
              const ctx = u.ctx;
              ctx.save();
              ctx.fillStyle = 'rgba(250, 204, 21, 0.25)';
              for (const [from, to] of pauses) {
                const x0 = u.valToPos(from, 'x', true);
                const x1 = u.valToPos(to, 'x', true);
                ctx.fillRect(x0, u.bbox.top, Math.max(2, x1 - x0), u.bbox.height);
              }
              ctx.restore();
            },
          ],
        },
      },
      [times, levels],
      target,
    );
    sync.sub(chart);
    return chart;
  });
  return () => charts.forEach((chart) => chart.destroy());
}
