import type { HaEvent, HaInput, HaMachineState } from '@haco/ha-core';
import { causeText, decide, evolve } from '@haco/ha-core';

/** What a release would do, as the pair's own state machines decide it (docs/operator-guide.md, dry run). */
export interface ContinuePreview {
  /** The transitions that would follow, both servers', in order. */
  readonly transitions: readonly {
    readonly server: string;
    readonly from: string;
    readonly to: string;
    readonly cause: string;
  }[];
  /** Where each server would end: its state, the scopes it would serve, its DHCP service, a pause. */
  readonly servers: readonly {
    readonly server: string;
    readonly state: string;
    readonly scopes: readonly string[];
    readonly dhcpEnabled: boolean;
    readonly paused: boolean;
  }[];
  /** A pause the run would stop at (the first): the server and its state; null when none is met. */
  readonly stopsAt: { readonly server: string; readonly state: string; readonly pause: string } | null;
  /** The pauses still configured ahead of each server (always, or once and not yet used). */
  readonly pausesAhead: readonly {
    readonly server: string;
    readonly state: string;
    readonly pause: string;
  }[];
}

/** Rounds of heartbeats simulated at most: a pair settles in a few; a pause or a settled pair ends sooner. */
const MAX_ROUNDS = 40;
/** Rounds without a transition that count as settled. */
const SETTLED_ROUNDS = 3;

const OK = { transportFailed: false, result: 0, text: '' } as const;

const ANSWERED = {
  status: 'ok',
  ageSeconds: 0,
  connectingClients: 0,
  unackedClients: 0,
  analyzedPackets: 0,
} as const;

/**
 * Failure detection facing a partner that answers nothing: past max-response-delay, failed where clients
 * do not decide (max-unacked-clients 0), else interrupted (no client traffic is simulated).
 */
function silence(machine: HaMachineState) {
  return {
    status: machine.config.maxUnackedClients === 0 ? ('failed' as const) : ('interrupted' as const),
    ageSeconds: Math.ceil(machine.config.maxResponseDelayMs / 1000) + 1,
    connectingClients: 0,
    unackedClients: 0,
    analyzedPackets: 0,
  };
}

/**
 * Runs the pair's state machines forward from their folded states, through the core's `decide`: the
 * release first, then heartbeats in turn, each answered with the partner as it stands (its state and
 * scopes), and every call between the partners answered as done. A partner that is not up to the
 * coordinator (`partnerUp` false) stays as it is and answers nothing. Nothing leaves this function: no
 * peer is sent anything, nothing is recorded. `partner` null: its partner is unknown to the log.
 */
export function previewContinue(
  paused: HaMachineState,
  partner: HaMachineState | null,
  nowMs: number,
  partnerUp = true,
): ContinuePreview {
  const machines = new Map<string, HaMachineState>([[paused.config.thisServerName, paused]]);
  if (partner !== null) machines.set(partner.config.thisServerName, partner);
  const transitions: { server: string; from: string; to: string; cause: string }[] = [];
  let stopsAt: ContinuePreview['stopsAt'] = null;
  const apply = (server: string, input: HaInput): HaEvent[] => {
    let machine = machines.get(server)!;
    const events = decide(machine, input);
    for (const event of events) {
      machine = evolve(machine, event);
      if (event.type === 'StateTransitioned' && event.from !== event.to) {
        transitions.push({ server, from: event.from, to: event.to, cause: causeText(event.cause) });
      }
      if (event.type === 'StateMachinePaused') stopsAt ??= { server, state: event.state, pause: event.pause };
    }
    machines.set(server, machine);
    return events;
  };
  const settle = (server: string, at: number) => {
    for (let guard = 0; machines.get(server)!.pendingCall !== null && guard < 20; guard += 1) {
      apply(server, { type: 'partner-call-completed', at, outcome: OK });
    }
  };
  const first = paused.config.thisServerName;
  apply(first, { type: 'command', at: nowMs, commandId: 'dry-run', request: { command: 'ha-continue' } });
  settle(first, nowMs);
  let quiet = 0;
  for (let round = 1; round <= MAX_ROUNDS && stopsAt === null && quiet < SETTLED_ROUNDS; round += 1) {
    const at = nowMs + round * paused.config.heartbeatDelayMs;
    const before = transitions.length;
    for (const [server, machine] of machines) {
      if (machine.paused || (server !== first && !partnerUp)) continue;
      const peerOf = [...machines.values()].find((m) => m !== machine);
      const other = server === first && !partnerUp ? undefined : peerOf;
      settle(server, at);
      apply(server, {
        type: 'heartbeat-completed',
        at,
        communication: other === undefined ? silence(machine) : ANSWERED,
        result:
          other === undefined
            ? { ok: false, reason: 'the partner does not answer' }
            : {
                ok: true,
                partnerState: other.state,
                scopes: other.scopes,
                unsentUpdateCount: 0,
                clockSkewSeconds: 0,
              },
      });
      settle(server, at);
      if (stopsAt !== null) break;
    }
    quiet = transitions.length === before ? quiet + 1 : 0;
  }
  const servers = [...machines].map(([server, m]) => ({
    server,
    state: m.state,
    scopes: m.scopes,
    dhcpEnabled: m.dhcpEnabled,
    paused: m.paused,
  }));
  const pausesAhead = [...machines].flatMap(([server, m]) =>
    Object.entries(m.config.pausing)
      .filter(([state, pause]) => pause === 'always' || !m.pauseOnceConsumed.includes(state as never))
      .map(([state, pause]) => ({ server, state, pause: pause as string })),
  );
  return { transitions, servers, stopsAt, pausesAhead };
}
