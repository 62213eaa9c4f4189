import type { EventStore, HistoryRecord, Projections } from '@haco/event-store';
import { peerViewAt, verifyFromSnapshot } from '@haco/event-store';
import type { IncidentReport, PeerReport, ReportPause } from './incident-report';

const ROWS = 10_000;

/**
 * An incident report of one cluster over [since, until], built from the log alone: each peer's states as
 * spans, its transitions with causes, every pause with how long it held and who released it and why, its
 * time in each state, heartbeat failures, gaps in observation, and its replay verification; the commands.
 */
export async function buildReport(
  deps: { readonly store: EventStore; readonly projections: Projections; readonly archiveDir: string | null },
  cluster: string,
  sinceMs: number,
  untilMs: number,
): Promise<IncidentReport> {
  const since = new Date(sinceMs).toISOString();
  const until = new Date(untilMs).toISOString();
  const streams = (await deps.projections.peerStreams()).filter((s) => s.startsWith(`${cluster}/`));
  const peers: PeerReport[] = [];
  for (const stream of streams) peers.push(await peerReport(deps, stream, sinceMs, untilMs));
  const commands = (await deps.store.commands({ sinceMs, untilMs, limit: ROWS, offset: 0 })).commands
    .filter((c) => c.cluster === cluster)
    .map((c) => ({ at: c.at, peer: c.peer, command: c.command, who: c.who, why: c.why, outcome: c.outcome }));
  return { cluster, since, until, generatedAt: new Date().toISOString(), peers, commands };
}

async function peerReport(
  deps: { readonly store: EventStore; readonly projections: Projections; readonly archiveDir: string | null },
  stream: string,
  sinceMs: number,
  untilMs: number,
): Promise<PeerReport> {
  const since = new Date(sinceMs).toISOString();
  const until = new Date(untilMs).toISOString();
  const before = await peerViewAt(deps.store, stream, sinceMs);
  const { transitions: rows } = await deps.projections.history({
    streams: [stream],
    sinceMs,
    untilMs,
    limit: ROWS,
    offset: 0,
  });
  const moves = rows.filter((r) => r.from !== r.to);
  const spans: { state: string; from: string; to: string }[] = [];
  let current = before?.state ?? null;
  let from = since;
  for (const move of moves) {
    if (current !== null) spans.push({ state: current, from, to: move.at });
    current = move.to;
    from = move.at;
  }
  if (current !== null) spans.push({ state: current, from, to: until });
  const timeInState: Record<string, number> = {};
  for (const span of spans) {
    timeInState[span.state] = (timeInState[span.state] ?? 0) + Date.parse(span.to) - Date.parse(span.from);
  }
  const gaps = await deps.store.eventsOfTypeBetween(stream, 'ObservationGap', since, until);
  const checked = await verifyFromSnapshot(deps.store, stream, { archiveDir: deps.archiveDir });
  const d = checked.report.divergence;
  return {
    peer: stream.slice(stream.indexOf('/') + 1),
    stateAtSince: before?.state ?? null,
    spans,
    transitions: moves.map(({ at, from: f, to, cause, who, why }) => ({ at, from: f, to, cause, who, why })),
    pauses: pausesOf(rows, before, until),
    timeInState,
    heartbeatFailures: (await deps.store.eventsOfTypeBetween(stream, 'HeartbeatFailed', since, until)).length,
    observationGaps: gaps.map((g) => ({ from: String(g.data.from), to: String(g.data.to) })),
    replay: {
      verified: d === null && checked.snapshotMismatch === null,
      events: checked.report.events,
      divergence: d === null ? checked.snapshotMismatch : `seq ${d.seq}: ${d.reason}`,
    },
  };
}

/** Each pause: opened by a `paused:` row (or already held at the window's start), closed by `continued`. */
function pausesOf(
  rows: readonly HistoryRecord[],
  before: { paused: boolean; state: string; pause: string | null; pausedSince: string | null } | null,
  until: string,
): ReportPause[] {
  const pauses: ReportPause[] = [];
  let open: { state: string; pause: string; from: string } | null =
    before?.paused === true
      ? { state: before.state, pause: before.pause ?? '', from: before.pausedSince ?? until }
      : null;
  const close = (to: string | null, releasedBy: string | null, why: string | null) => {
    if (open === null) return;
    const end = to ?? until;
    pauses.push({ ...open, to, heldMs: Date.parse(end) - Date.parse(open.from), releasedBy, why });
    open = null;
  };
  for (const row of rows) {
    if (row.cause.startsWith('paused:'))
      open = { state: row.to, pause: row.cause.slice('paused:'.length), from: row.at };
    else if (row.cause === 'continued') close(row.at, row.who, row.why);
    else if (row.cause.startsWith('stopped:')) close(row.at, null, row.cause);
  }
  close(null, null, null);
  return pauses;
}
