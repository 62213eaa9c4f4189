import { Inject, Injectable } from '@nestjs/common';
import type { Effect, HaEvent, HaInput, HaMachineState } from '@haco/ha-core';
import { effectsOf, HaService } from '@haco/ha-core';
import { SerialQueue } from '@haco/common';
import { streamId, toEnvelope } from '@haco/contracts';
import type { PeerSettings } from '../config/peer-config';
import { Outbox } from '@haco/nats';
import type { IdSource } from '../ports/ids';
import { IDS, PEER_SETTINGS } from '../ports/tokens';

/** What one decision produced: the state before it, its events and the effects they call for. */
export interface Decided {
  /** What the events were caused by: the command's id for a command, else the decision's own id. */
  readonly causationId: string;
  /** Set when an operator's or a peer's command caused the decision. */
  readonly commandId: string | null;
  readonly before: HaMachineState | null;
  readonly events: readonly HaEvent[];
  readonly effects: readonly Effect[];
  /** The seq of the first event in the peer's stream, and the input's time (ms). */
  readonly firstSeq: number;
  readonly at: number;
}

/** A part of the peer that acts on decisions (logs them, arms timers, answers commands, publishes). */
export interface DecidedListener {
  onDecided(decided: Decided): void;
}

/**
 * The state machine on a real peer: takes inputs one at a time (Kea's handlers are single-threaded too),
 * records every event in the outbox before anything acts on it, then hands the decision to its listeners.
 * It knows none of them: each part subscribes itself, so no part calls back into another.
 */
@Injectable()
export class MachineRunner {
  private readonly service = new HaService();
  private readonly queue = new SerialQueue();
  private readonly listeners: DecidedListener[] = [];
  private accepting = true;

  constructor(
    @Inject(PEER_SETTINGS) private readonly settings: PeerSettings,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(IDS) private readonly ids: IdSource,
  ) {}

  get state(): HaMachineState | null {
    return this.service.state;
  }

  /** The started machine; the control channel answers nothing before the service has started. */
  requireState(): HaMachineState {
    const state = this.service.state;
    if (state === null) throw new Error('HA service not started');
    return state;
  }

  listen(listener: DecidedListener): void {
    this.listeners.push(listener);
  }

  /** Runs `job` in the machine's turn: nothing else is decided meanwhile. */
  turn<T>(job: () => T | Promise<T>): Promise<T> {
    return this.queue.run(job);
  }

  /**
   * Stops taking inputs: once a peer begins to stop, nothing it decides may be recorded (a heartbeat cut
   * off by its own shutdown is not a partner failure).
   */
  close(): void {
    this.accepting = false;
  }

  get closed(): boolean {
    return !this.accepting;
  }

  /** Decides one input and records its events. Call inside `turn`. */
  submit(input: HaInput, causationId: string | null = null): readonly HaEvent[] {
    if (!this.accepting) return [];
    const before = this.service.state;
    const events = this.service.handle(input);
    const cause = causationId ?? (input.type === 'command' ? input.commandId : this.ids.next());
    const firstSeq = this.record(events, input, cause);
    const commandId = input.type === 'command' ? input.commandId : null;
    const decided: Decided = {
      causationId: cause,
      commandId,
      before,
      events,
      effects: effectsOf(before, events),
      firstSeq,
      at: input.at,
    };
    for (const listener of this.listeners) listener.onDecided(decided);
    return events;
  }

  /** Appends the events to the outbox; the seq of the first. */
  private record(events: readonly HaEvent[], input: HaInput, cause: string): number {
    // The envelope carries the input's own time, so that replay decides on exactly what the peer saw.
    const at = new Date(input.at).toISOString();
    const stream = streamId(this.settings.cluster, this.settings.ha.thisServerName);
    const first = this.outbox.nextSeq();
    this.outbox.append(
      events.map((event, index) =>
        toEnvelope(event, { id: this.ids.next(), stream, seq: first + index, at, causationId: cause }),
      ),
    );
    return first;
  }
}
