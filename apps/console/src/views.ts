/** What the console reads of the API (the document at /openapi.json has the whole shapes). */
export interface PeerView {
  cluster: string;
  peer: string;
  mode: string;
  role: string;
  state: string;
  paused: boolean;
  pausedSince: string | null;
  pause: 'once' | 'always' | null;
  partner: { name?: string | null; state: string; scopes: string[] };
  scopes: string[];
  lastHeartbeatAt: string | null;
  stateSince: string | null;
  status: 'up' | 'unreachable' | 'stopped' | 'unknown';
  statusSince: string | null;
  /** Set while another event claims a place in the peer's stream: its state is then not a fact. */
  disputed?: { count: number; firstSeq: number } | null;
  /** Running, but held by its partner's pause (Kea's pausing holds the partner too). */
  waitingOn?: { peer: string; pausedIn: string } | null;
  /** A real Kea server haco watches rather than runs: who watches it. */
  observedBy?: string | null;
  /** Its observed transitions that Kea 2.2's rules would not make (the shadow check). */
  unexplainedTransitions?: number;
  /** Set while it and its partner, both up, serve the same scopes (a partition between them). */
  splitBrain?: { partner: string; scopes: string[]; since: string | null } | null;
  /** How long until it would take over its partner's scopes, were the partner gone now. */
  failoverForecast?: { takeoverInMs: number | null; why: string } | null;
}

/** The forecast as a card says it: "takes over ≤ 4.5 s", "serves its partner", or nothing. */
export function takeoverText(forecast: PeerView['failoverForecast']): string | null {
  if (forecast == null || forecast.takeoverInMs === null) return null;
  if (forecast.takeoverInMs === 0) return 'serves its partner';
  return `takes over ≤ ${Math.round(forecast.takeoverInMs / 100) / 10} s`;
}

export interface HistoryRow {
  cluster: string;
  peer: string;
  seq: number;
  at: string;
  from: string;
  to: string;
  cause: string;
  commandId: string | null;
  durationInPreviousMs: number | null;
  who: string | null;
  why: string | null;
}

export interface CommandRow {
  commandId: string;
  at: string;
  command: string;
  who: string;
  why: string;
  outcome: 'completed' | 'refused' | 'failed' | 'pending';
  text: string | null;
}

export interface KeaAnswer {
  result: number;
  text?: string;
  commandId?: string;
}

/** Kea's states in the order the timeline stacks them, and the colour each is drawn in. */
export const STATES: readonly [string, string][] = [
  ['terminated', '#7f1d1d'],
  ['partner-down', '#dc2626'],
  ['communication-recovery', '#f97316'],
  ['in-maintenance', '#a855f7'],
  ['partner-in-maintenance', '#c084fc'],
  ['waiting', '#94a3b8'],
  ['syncing', '#38bdf8'],
  ['ready', '#facc15'],
  ['backup', '#64748b'],
  ['passive-backup', '#64748b'],
  ['hot-standby', '#22c55e'],
  ['load-balancing', '#16a34a'],
];

export const colourOf = (state: string): string => STATES.find(([s]) => s === state)?.[1] ?? '#94a3b8';

export function ago(iso: string | null, now = Date.now()): string {
  if (iso === null) return '-';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds}s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m ago`;
  return `${Math.round(seconds / 3600)}h ago`;
}
