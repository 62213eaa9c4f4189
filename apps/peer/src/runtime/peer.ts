import { randomUUID } from 'node:crypto';
import type { JetStreamClient, Msg, NatsConnection, Subscription } from 'nats';
import type { CommunicationTracker, HaEvent, HaInput, HaMachineState, KeaResponse } from '@haco/ha-core';
import {
  analyseQuery,
  answer,
  communicationView,
  evolve,
  failoverPartner,
  HaService,
  heartbeatAnswer,
  interpretHeartbeatAnswer,
  KEA_RESULT,
  keaLogLines,
  leaseUpdateRoute,
  otherServers,
  poke,
  startTracking,
  statusGetAnswer,
} from '@haco/ha-core';
import {
  COMMAND_ID_FIELD,
  commandSubject,
  eventSubject,
  GUARD_FIELD,
  guardRefusal,
  streamId,
  toEnvelope,
} from '@haco/contracts';
import type { PeerSettings } from '../config/peer-config';
import { EventPublisher } from '../events/event-publisher';
import { Outbox } from '../events/outbox';
import { allocateAddress } from '../leases/allocator';
import { leaseToJson } from '../leases/lease';
import { handleLeaseCommand, isLeaseCommand } from '../leases/lease-commands';
import type { LeaseStore } from '../leases/lease-store';
import type { BacklogEntry } from '../partner/call-performer';
import { CallPerformer } from '../partner/call-performer';
import { PeerClient, PEER_REQUEST_TIMEOUT_MS } from '../partner/peer-client';
import type { ClientQuery } from './dhcp-query';
import { decideScope, readClientQuery } from './dhcp-query';
import type { Logger } from './logger';
import { SerialQueue } from '@haco/contracts';

/**
 * One HA member on a real clock: feeds heartbeats, commands, lease updates and peer-call outcomes to the
 * pure state machine one at a time, records every event in the outbox before acting on it, and talks to
 * everyone else only through NATS.
 */
/** The largest command a peer takes over NATS. */
export const MAX_COMMAND_BYTES = 64 * 1024;

export class Peer {
  private readonly service = new HaService();
  private readonly queue = new SerialQueue();
  private readonly client: PeerClient;
  private readonly performer: CallPerformer;
  private readonly publisher: EventPublisher;
  private readonly outbox: Outbox;
  private readonly answers = new Map<string, (response: KeaResponse) => void>();
  private tracker: CommunicationTracker;
  private backlog: BacklogEntry[] = [];
  private heartbeatTimer: NodeJS.Timeout | null = null;
  /** dhcp-disable's max-period: the DHCP service comes back on by itself when it runs out. */
  private reenableTimer: NodeJS.Timeout | null = null;
  private heartbeatInFlight = false;
  private callInFlight = false;
  private subscription: Subscription | null = null;
  private stopped = false;

  constructor(
    private readonly settings: PeerSettings,
    private readonly nc: NatsConnection,
    js: JetStreamClient,
    private readonly leases: LeaseStore,
    private readonly log: Logger,
  ) {
    this.client = new PeerClient(nc, settings.cluster);
    this.performer = new CallPerformer(
      this.client,
      settings.ha,
      leases,
      () => this.backlog,
      () => this.nowSeconds(),
    );
    this.outbox = new Outbox(settings.dataDir, { archive: settings.outboxArchive });
    this.publisher = new EventPublisher(nc, js, this.outbox, eventSubject(settings.cluster, this.name), log);
    this.tracker = startTracking(Date.now());
  }

  get name(): string {
    return this.settings.ha.thisServerName;
  }

  get machine(): HaMachineState | null {
    return this.service.state;
  }

  async start(): Promise<void> {
    this.subscription = this.nc.subscribe(commandSubject(this.settings.cluster, this.name), {
      callback: (error, message) => {
        if (error === null) void this.onRequest(message);
      },
    });
    await this.queue.run(() => this.feed({ type: 'start', at: Date.now(), config: this.settings.ha }, null));
    this.publisher.kick();
  }

  /** NATS went away: peers are unreachable until it comes back (events keep waiting in the outbox). */
  natsLost(): void {
    this.client.setConnected(false);
  }

  /** NATS came back: peers are reachable again, and what waited in the outbox is published. */
  natsRestored(): void {
    this.client.setConnected(true);
    this.publisher.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    if (this.reenableTimer) clearTimeout(this.reenableTimer);
    this.subscription?.unsubscribe();
    await Promise.race([this.publisher.idle(), new Promise((resolve) => setTimeout(resolve, 2_000))]);
    this.publisher.stop();
  }

  private nowSeconds(): number {
    return Math.floor(Date.now() / 1000);
  }

  /** Decides one input, records its events, then acts on them. Only ever called inside the queue. */
  private feed(input: HaInput, causationId: string | null): HaEvent[] {
    const before = this.service.state;
    const events = this.service.handle(input);
    // The envelope carries the input's own time, so that replay decides on exactly what the peer saw.
    const at = new Date(input.at).toISOString();
    const stream = streamId(this.settings.cluster, this.name);
    const inputId = input.type === 'command' ? input.commandId : randomUUID();
    const first = this.outbox.nextSeq();
    this.outbox.append(
      events.map((event, index) =>
        toEnvelope(event, {
          id: randomUUID(),
          stream,
          seq: first + index,
          at,
          causationId: causationId ?? inputId,
        }),
      ),
    );
    this.publisher.kick();
    this.react(before, events);
    return events;
  }

  private react(before: HaMachineState | null, events: readonly HaEvent[]): void {
    let machine = before;
    const requests = new Map<string, { command: string; arguments?: unknown }>();
    for (const event of events) {
      for (const line of keaLogLines(event, machine)) this.log.info(line.text, { kea: line.id });
      if (event.type === 'LeaseBacklogCleared') this.backlog = [];
      if (event.type === 'CommandReceived') requests.set(event.commandId, event.request);
      if (event.type === 'CommandAnswered' && event.response?.result === KEA_RESULT.success) {
        const request = requests.get(event.commandId);
        if (request !== undefined) this.watchDhcpSwitch(request);
      }
      if (event.type === 'CommandAnswered') {
        const response = event.response ?? answer(KEA_RESULT.error, event.failure ?? 'no answer');
        this.answers.get(event.commandId)?.(response);
        this.answers.delete(event.commandId);
      }
      machine = evolve(machine, event);
    }
    this.keepHeartbeat();
    this.performPendingCall();
  }

  /**
   * Kea's network state: `dhcp-disable` with `max-period` re-enables the service when the period ends, and
   * an explicit `dhcp-enable` cancels that. (ha-sync-complete-notify does not, as in Kea 2.2.0.)
   */
  private watchDhcpSwitch(request: { command: string; arguments?: unknown }): void {
    if (request.command !== 'dhcp-disable' && request.command !== 'dhcp-enable') return;
    if (this.reenableTimer) clearTimeout(this.reenableTimer);
    this.reenableTimer = null;
    const maxPeriod = (request.arguments as { 'max-period'?: unknown } | undefined)?.['max-period'];
    if (request.command !== 'dhcp-disable' || typeof maxPeriod !== 'number' || maxPeriod < 1) return;
    this.reenableTimer = setTimeout(() => {
      this.reenableTimer = null;
      void this.command({ command: 'dhcp-enable', arguments: { origin: 'max-period-expired' } });
    }, maxPeriod * 1000);
  }

  private keepHeartbeat(): void {
    const running = this.service.state?.heartbeatRunning ?? false;
    if (!running || this.stopped) {
      if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
      this.heartbeatTimer = null;
      return;
    }
    if (this.heartbeatTimer !== null || this.heartbeatInFlight) return;
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = null;
      void this.heartbeat();
    }, this.settings.ha.heartbeatDelayMs);
  }

  private async heartbeat(): Promise<void> {
    const partner = failoverPartner(this.settings.ha);
    if (partner === undefined || this.stopped) return;
    this.heartbeatInFlight = true;
    const reply = await this.client.send(partner.name, 'ha-heartbeat', undefined, PEER_REQUEST_TIMEOUT_MS);
    await this.queue.run(() => {
      this.heartbeatInFlight = false;
      const at = Date.now();
      const result = reply.ok
        ? interpretHeartbeatAnswer(reply.response, at)
        : ({ ok: false, reason: reply.error } as const);
      if (result.ok) this.tracker = poke(this.tracker, at);
      if (this.service.state?.pendingCall) {
        // Kea's handlers block while they wait for a peer; a heartbeat answered meanwhile is not acted on.
        this.keepHeartbeat();
        return;
      }
      const communication = communicationView(this.tracker, at, this.settings.ha);
      this.feed({ type: 'heartbeat-completed', at, result, communication }, null);
    });
  }

  private performPendingCall(): void {
    const pending = this.service.state?.pendingCall;
    if (pending == null || this.callInFlight) return;
    this.callInFlight = true;
    void this.performer.perform(pending.call).then((outcome) =>
      this.queue.run(() => {
        this.callInFlight = false;
        this.feed({ type: 'partner-call-completed', at: Date.now(), outcome }, null);
      }),
    );
  }

  private async onRequest(message: Msg): Promise<void> {
    let response: unknown;
    try {
      response =
        message.data.length > MAX_COMMAND_BYTES
          ? this.refuseLarge(message.data.length)
          : await this.handleRequest(new TextDecoder().decode(message.data));
    } catch (error) {
      this.log.error('command failed', { error: (error as Error).message });
      response = answer(KEA_RESULT.error, `internal error: ${(error as Error).message}`);
    }
    if (message.reply) message.respond(JSON.stringify(response));
  }

  /**
   * Commands are small; a huge one is refused before the state machine sees it, so that no event carries
   * it (an event must fit in one NATS message to be published at all).
   */
  private refuseLarge(bytes: number): KeaResponse {
    this.log.warn('command refused: too large', { bytes, limit: MAX_COMMAND_BYTES });
    return answer(KEA_RESULT.error, `command too large: ${bytes} bytes, the limit is ${MAX_COMMAND_BYTES}`);
  }

  private async handleRequest(text: string): Promise<KeaResponse> {
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      this.log.warn('command refused: invalid JSON', { bytes: text.length });
      return answer(KEA_RESULT.error, 'invalid JSON in the command');
    }
    const name =
      typeof request === 'object' && request !== null
        ? (request as { command?: unknown }).command
        : undefined;
    const args =
      typeof request === 'object' && request !== null
        ? (request as { arguments?: unknown }).arguments
        : undefined;
    if (typeof name === 'string' && isLeaseCommand(name)) {
      return this.queue.run(() => handleLeaseCommand(this.leases, name, args, this.nowSeconds()));
    }
    if (name === 'dhcp4-query') return this.clientQuery(args);
    // Read-only answers change nothing; they are not events (heartbeats would drown the log).
    if (name === 'ha-heartbeat')
      return this.queue.run(() => heartbeatAnswer(this.requireState(), Date.now()));
    if (name === 'status-get') return this.queue.run(() => statusGetAnswer(this.requireState()));
    return this.command(request);
  }

  private requireState(): HaMachineState {
    const state = this.service.state;
    if (state === null) throw new Error('HA service not started');
    return state;
  }

  /**
   * An HA command. The coordinator's command id, when the request carries one, becomes the command's id
   * here too, so that everything it causes links back to it; its guard is checked in the same turn.
   */
  private command(request: unknown): Promise<KeaResponse> {
    const fields =
      typeof request === 'object' && request !== null ? (request as Record<string, unknown>) : {};
    const given = fields[COMMAND_ID_FIELD];
    const commandId = typeof given === 'string' && given.length > 0 ? given : randomUUID();
    const answered = new Promise<KeaResponse>((resolve) => this.answers.set(commandId, resolve));
    void this.queue.run(() => {
      const refusal = guardRefusal(this.requireState(), fields[GUARD_FIELD]);
      if (refusal !== null) {
        this.answers.get(commandId)?.(refusal);
        this.answers.delete(commandId);
        return;
      }
      this.feed({ type: 'command', at: Date.now(), commandId, request }, commandId);
    });
    return answered;
  }

  /**
   * `dhcp4-query`: decided and recorded in the queue; the lease updates to peers are awaited outside it,
   * as Kea parks the DHCP answer while heartbeats and commands go on.
   */
  private async clientQuery(rawArgs: unknown): Promise<KeaResponse> {
    const plan = await this.queue.run(() => this.planQuery(rawArgs));
    if ('result' in plan) return plan;
    const results = await Promise.all(plan.sends.map((send) => send.delivered));
    const partner = plan.sends.find((send) => send.toPartner);
    if (partner !== undefined) {
      const partnerFailed = !(await partner.delivered);
      await this.queue.run(() => {
        if (this.service.state?.pendingCall) return;
        const at = Date.now();
        const communication = communicationView(this.tracker, at, this.settings.ha);
        this.feed({ type: 'lease-updates-completed', at, partnerFailed, communication }, null);
      });
    }
    const mustSucceed = plan.sends.filter((send) => send.toPartner || this.settings.ha.waitBackupAck);
    if (mustSucceed.some((send) => !results[plan.sends.indexOf(send)])) {
      return answer(KEA_RESULT.error, 'lease update to a peer failed; the DHCP answer is dropped');
    }
    return answer(KEA_RESULT.success, `Lease ${plan.address} allocated in scope ${plan.scope}.`, plan.lease);
  }

  private planQuery(rawArgs: unknown): KeaResponse | QueryPlan {
    const query = readClientQuery(rawArgs);
    if ('result' in query) return query;
    const machine = this.requireState();
    if (machine.pendingCall !== null)
      return answer(KEA_RESULT.error, 'HA service is waiting for its partner; query dropped');
    const decision = decideScope(machine, query);
    if (!decision.serve) {
      const analysed = { ...query, clientId: query.clientId ?? undefined };
      this.tracker = analyseQuery(this.tracker, analysed, Date.now(), this.settings.ha);
      return decision.response;
    }
    return this.allocate(machine, query, decision.scope);
  }

  /** Allocates a lease and starts its updates to the peers the state says get them (spec 3). */
  private allocate(machine: HaMachineState, query: ClientQuery, scope: string): KeaResponse | QueryPlan {
    const address = allocateAddress(this.leases, this.settings.leases.pool, query);
    if (address === null) return answer(KEA_RESULT.error, 'address pool exhausted');
    const lease = {
      ipAddress: address,
      hwAddress: query.hwAddress,
      clientId: query.clientId,
      subnetId: 1,
      validLifetime: 3600,
      cltt: this.nowSeconds(),
      fqdnFwd: false,
      fqdnRev: false,
      hostname: '',
      state: 0,
    };
    this.leases.put(lease);
    const update: BacklogEntry = {
      command: 'lease4-update',
      arguments: { ...leaseToJson(lease), 'force-create': true },
    };
    this.feed({ type: 'lease-updates-generated', at: Date.now(), count: 1 }, null);
    const sends: PlannedSend[] = [];
    for (const peer of otherServers(this.settings.ha)) {
      const route = leaseUpdateRoute(machine, peer);
      if (route === 'queue' && this.backlog.length < this.settings.ha.delayedUpdatesLimit)
        this.backlog.push(update);
      if (route !== 'send') continue;
      const delivered = this.client
        .send(peer.name, update.command, update.arguments)
        .then((reply) => reply.ok && reply.response.result === 0);
      sends.push({ toPartner: peer.role !== 'backup', delivered });
    }
    return { address, scope, lease: leaseToJson(lease), sends };
  }
}

interface PlannedSend {
  readonly toPartner: boolean;
  readonly delivered: Promise<boolean>;
}

interface QueryPlan {
  readonly address: string;
  readonly scope: string;
  readonly lease: Record<string, unknown>;
  readonly sends: readonly PlannedSend[];
}
