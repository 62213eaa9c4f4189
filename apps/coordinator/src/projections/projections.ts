import type { HaEvent, HaMachineState } from '@haco/ha-core';
import { evolve } from '@haco/ha-core';
import type { EventStore, StoredEvent } from '@haco/event-store';
import { COMMANDS_STREAM } from '@haco/contracts';

export interface PeerView {
  readonly cluster: string;
  readonly peer: string;
  readonly mode: string;
  readonly role: string;
  readonly state: string;
  readonly paused: boolean;
  readonly pausedSince: string | null;
  readonly partner: { readonly state: string; readonly scopes: readonly string[] };
  readonly scopes: readonly string[];
  readonly lastHeartbeatAt: string | null;
  readonly stateSince: string | null;
  readonly lastSeq: number;
  /** Transitions to a different state over the whole stream. */
  readonly transitions: number;
}

export interface TransitionRecord {
  readonly cluster: string;
  readonly peer: string;
  readonly seq: number;
  readonly at: string;
  readonly from: string;
  readonly to: string;
  readonly partnerState: string;
  /** `rule:<trigger>:<rule>` or `command:<name>`. */
  readonly cause: string;
  readonly commandId: string | null;
  /** How long the peer had been in `from`, when that is known from the log. */
  readonly durationInPreviousMs: number | null;
}

const asEvent = (stored: StoredEvent): HaEvent => ({ type: stored.type, ...stored.data }) as HaEvent;

export function isPeerStream(stream: string): boolean {
  return stream !== COMMANDS_STREAM && !stream.startsWith('_');
}

export function splitStream(stream: string): { cluster: string; peer: string } {
  const [cluster, peer] = stream.split('/');
  return { cluster, peer };
}

/** Folds a peer's stored events into what operators ask about: where it is and how it got there. */
export function projectPeer(
  stream: string,
  events: readonly StoredEvent[],
): { view: PeerView | null; history: TransitionRecord[] } {
  const { cluster, peer } = splitStream(stream);
  let machine: HaMachineState | null = null;
  let pausedSince: string | null = null;
  let lastHeartbeatAt: string | null = null;
  let enteredAt: string | null = null;
  const history: TransitionRecord[] = [];
  for (const stored of events) {
    const event = asEvent(stored);
    try {
      machine = evolve(machine, event);
    } catch {
      continue;
    }
    switch (event.type) {
      case 'ServiceStarted':
        enteredAt = stored.at;
        pausedSince = null;
        break;
      case 'StateMachinePaused':
        pausedSince ??= stored.at;
        break;
      case 'StateMachineContinued':
        pausedSince = null;
        break;
      case 'HeartbeatSucceeded':
      case 'HeartbeatFailed':
        lastHeartbeatAt = stored.at;
        break;
      case 'StateTransitioned':
        if (event.from === event.to) break;
        history.push({
          cluster,
          peer,
          seq: stored.seq,
          at: stored.at,
          from: event.from,
          to: event.to,
          partnerState: event.partnerState,
          cause:
            event.cause.kind === 'rule'
              ? `rule:${event.cause.trigger}:${event.cause.rule}`
              : `command:${event.cause.command}`,
          commandId: event.cause.kind === 'command' ? event.cause.commandId : null,
          durationInPreviousMs: enteredAt === null ? null : Date.parse(stored.at) - Date.parse(enteredAt),
        });
        enteredAt = stored.at;
        break;
      default:
        break;
    }
  }
  if (machine === null) return { view: null, history };
  const last = events[events.length - 1];
  return {
    view: {
      cluster,
      peer,
      mode: machine.config.mode,
      role: machine.config.peers.find((p) => p.name === machine?.config.thisServerName)?.role ?? '',
      state: machine.state,
      paused: machine.paused,
      pausedSince: machine.paused ? pausedSince : null,
      partner: { state: machine.partner.state, scopes: machine.partner.scopes },
      scopes: machine.scopes,
      lastHeartbeatAt,
      stateSince: enteredAt,
      lastSeq: last.seq,
      transitions: history.length,
    },
    history,
  };
}

/** Projections rebuilt from the log on demand: nothing here is stored besides the events themselves. */
export class Projections {
  constructor(private readonly store: EventStore) {}

  async peerStreams(): Promise<string[]> {
    return (await this.store.streams()).map((h) => h.stream).filter(isPeerStream);
  }

  async peer(
    stream: string,
    until?: string,
  ): Promise<{ view: PeerView | null; history: TransitionRecord[] }> {
    const events = await this.store.readStream(stream);
    const upTo = until === undefined ? events : events.filter((e) => Date.parse(e.at) <= Date.parse(until));
    return projectPeer(stream, upTo);
  }

  async peers(): Promise<PeerView[]> {
    const views = await Promise.all(
      (await this.peerStreams()).map(async (stream) => (await this.peer(stream)).view),
    );
    return views.filter((v): v is PeerView => v !== null);
  }
}
