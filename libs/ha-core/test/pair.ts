import type { HaConfig, HaEvent, KeaResponse, PartnerCallOutcome } from '../src';
import type { CommunicationStatus } from '../src/probe';
import { HaService, interpretHeartbeatAnswer } from '../src';

type Side = 'primary' | 'secondary';

/**
 * Two state machines wired to each other in memory: each heartbeat is answered by the other machine's
 * real ha-heartbeat answer, and peer calls (maintenance notify, ha-reset, lease sync) reach the other
 * machine as commands. Time only moves when the test says so.
 */
export class InMemoryPair {
  readonly services: Record<Side, HaService> = { primary: new HaService(), secondary: new HaService() };
  readonly alive: Record<Side, boolean> = { primary: false, secondary: false };
  readonly events: Record<Side, HaEvent[]> = { primary: [], secondary: [] };
  private at = 1_764_000_000_000;
  private commandSeq = 0;

  constructor(private readonly configs: Record<Side, HaConfig>) {}

  start(side: Side): void {
    this.alive[side] = true;
    this.feed(side, { type: 'start', at: this.tick(), config: this.configs[side] });
  }

  kill(side: Side): void {
    this.alive[side] = false;
  }

  state(side: Side) {
    const machine = this.services[side].state;
    if (machine === null) throw new Error(`${side} never started`);
    return machine;
  }

  /** One heartbeat from `side` to its partner, with the communication status the test says holds. */
  heartbeat(side: Side, communication: CommunicationStatus = 'ok'): void {
    const other = this.other(side);
    const at = this.tick();
    const result = this.alive[other]
      ? interpretHeartbeatAnswer(this.command(other, { command: 'ha-heartbeat' }), at)
      : ({ ok: false, reason: 'Connection refused' } as const);
    this.feed(side, {
      type: 'heartbeat-completed',
      at,
      result,
      communication: {
        status: communication,
        ageSeconds: 0,
        connectingClients: 0,
        unackedClients: 0,
        analyzedPackets: 0,
      },
    });
  }

  /** Heartbeats both ways until neither machine changes state any more. */
  settle(rounds = 6): void {
    for (let i = 0; i < rounds; i += 1) {
      for (const side of ['primary', 'secondary'] as const) if (this.alive[side]) this.heartbeat(side);
    }
  }

  command(side: Side, request: unknown): KeaResponse | null {
    const commandId = `cmd-${(this.commandSeq += 1)}`;
    this.feed(side, { type: 'command', at: this.tick(), commandId, request });
    const answered = [...this.events[side]]
      .reverse()
      .find((e) => e.type === 'CommandAnswered' && e.commandId === commandId);
    return answered?.type === 'CommandAnswered' ? answered.response : null;
  }

  private feed(side: Side, input: Parameters<HaService['handle']>[0]): void {
    this.events[side].push(...this.services[side].handle(input));
    for (
      let pending = this.state(side).pendingCall;
      pending !== null;
      pending = this.state(side).pendingCall
    ) {
      const outcome = this.perform(side, pending.call);
      this.events[side].push(
        ...this.services[side].handle({ type: 'partner-call-completed', at: this.tick(), outcome }),
      );
    }
  }

  private perform(
    side: Side,
    call: NonNullable<ReturnType<InMemoryPair['state']>['pendingCall']>['call'],
  ): PartnerCallOutcome {
    const other = this.other(side);
    if (!this.alive[other]) return { transportFailed: true, error: 'Connection refused' };
    const forward = (request: unknown): PartnerCallOutcome => {
      const response = this.command(other, request);
      return response === null
        ? { transportFailed: true, error: 'connection closed without an answer' }
        : { transportFailed: false, result: response.result, text: response.text ?? '' };
    };
    switch (call.kind) {
      case 'maintenance-notify':
        return forward({ command: 'ha-maintenance-notify', arguments: { cancel: call.cancel } });
      case 'ha-reset':
        return forward({ command: 'ha-reset' });
      case 'lease-sync':
        forward({
          command: 'dhcp-disable',
          arguments: { origin: 'ha-partner', 'max-period': call.maxPeriodSeconds ?? 60 },
        });
        return forward({ command: 'ha-sync-complete-notify' });
      case 'send-lease-backlog':
        return { transportFailed: false, result: 0, text: '' };
    }
  }

  private other(side: Side): Side {
    return side === 'primary' ? 'secondary' : 'primary';
  }

  private tick(): number {
    this.at += 250;
    return this.at;
  }
}
