/** What the CLI reads of the coordinator's answers (the API document has the whole shapes). */
export interface PeerView {
  cluster: string;
  peer: string;
  state: string;
  paused: boolean;
  pausedSince: string | null;
  partner: { state: string };
  scopes: string[];
  lastHeartbeatAt: string | null;
  stateSince: string | null;
  status: 'up' | 'unreachable' | 'stopped';
  statusSince: string | null;
}

export interface Transition {
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

export function write(text: string): void {
  process.stdout.write(`${text}\n`);
}
