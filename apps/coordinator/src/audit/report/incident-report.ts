/** What an incident report holds (docs/operations.md, incident report): everything is from the log. */
export interface IncidentReport {
  readonly cluster: string;
  readonly since: string;
  readonly until: string;
  readonly generatedAt: string;
  readonly peers: readonly PeerReport[];
  readonly commands: readonly ReportCommand[];
}

export interface PeerReport {
  readonly peer: string;
  /** The state it was in at `since` (null: not started yet). */
  readonly stateAtSince: string | null;
  /** Each span of a state within the window, in order. */
  readonly spans: readonly { readonly state: string; readonly from: string; readonly to: string }[];
  readonly transitions: readonly {
    readonly at: string;
    readonly from: string;
    readonly to: string;
    readonly cause: string;
    readonly who: string | null;
    readonly why: string | null;
  }[];
  readonly pauses: readonly ReportPause[];
  /** Milliseconds in each state within the window. */
  readonly timeInState: Readonly<Record<string, number>>;
  readonly heartbeatFailures: number;
  readonly observationGaps: readonly { readonly from: string; readonly to: string }[];
  readonly replay: {
    readonly verified: boolean;
    readonly events: number;
    readonly divergence: string | null;
  };
}

export interface ReportPause {
  readonly state: string;
  readonly pause: string;
  readonly from: string;
  /** null while it still held at the window's end. */
  readonly to: string | null;
  readonly heldMs: number;
  readonly releasedBy: string | null;
  readonly why: string | null;
}

export interface ReportCommand {
  readonly at: string;
  readonly peer: string;
  readonly command: string;
  readonly who: string;
  readonly why: string;
  readonly outcome: string;
}
