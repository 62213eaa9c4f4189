import { randomUUID } from 'node:crypto';
import { notSupported } from './not-supported';
import type { OnModuleInit } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { EmptyResponseException } from '@nestjs/microservices/errors/empty-response.exception';
import { firstValueFrom, timeout } from 'rxjs';
import type { CommandFilter, CommandSummary, EventStore, StoredEvent } from '@haco/event-store';
import type { CommandEvent } from '@haco/contracts';
import { COMMAND_ID_FIELD, COMMANDS_STREAM, commandSubject, GUARD_FIELD } from '@haco/contracts';
import type { CommandRequest, KeaResponse } from '@haco/ha-core';
import { NoAnswerError } from '@haco/nats';
import { isGuardRefusal, isHaCommand, isReadOnly } from '@haco/ha-core';
import type { Principal } from '../auth/roles';
import type { z } from 'zod';
import { OperatorCommand } from './dto/operator-command';
import { TwoPersonRule } from './two-person-rule';
import { HacoMetrics } from '../metrics/haco-metrics';
import { LogTail } from '../store/log-tail';
import type { Logger } from '@haco/common';
import { EVENT_STORE, LOGGER, PEER_COMMANDS } from '../common/tokens';

export interface CommandOutcome {
  /** Null for a read: it was answered, not recorded. */
  readonly commandId: string | null;
  readonly response: KeaResponse;
}

/**
 * A command refused before it was recorded: invalid, for a peer the log has never heard of, or held by the
 * two-person rule (`status`: 202 waiting for a second operator, 403 the proposer asked again).
 */
export interface CommandRefusal {
  readonly error: string;
  readonly unknownPeer?: boolean;
  readonly status?: 202 | 403;
}

export interface CommandRecord {
  readonly issued: StoredEvent | null;
  readonly outcome: StoredEvent | null;
  /** Everything the peer recorded as caused by the command. */
  readonly effects: StoredEvent[];
}

const PEER_TIMEOUT_MS = 10_000;

/**
 * Longer than 250 lines because reads, changes and the two-person rule share one path to the peers.
 *
 * The one path for operator commands: CommandIssued is committed to the log before the command reaches
 * the peer, the peer's Kea answer (or the failure to reach it) is committed linked to the command id, and
 * only then does the operator get the answer.
 */
@Injectable()
export class CommandService implements OnModuleInit {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PEER_COMMANDS) private readonly peers: Pick<ClientProxy, 'send'>,
    @Inject(HacoMetrics) private readonly metrics: HacoMetrics,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(LogTail) private readonly tail: LogTail,
    @Inject(TwoPersonRule) private readonly twoPersonRule: TwoPersonRule,
  ) {}

  /** haco_commands_total starts from what the log holds, once; from then on each outcome counts itself. */
  async onModuleInit(): Promise<void> {
    for (const [type, n] of await this.store.countTypes(COMMANDS_STREAM)) {
      if (type !== 'CommandIssued') this.metrics.commands.inc({ outcome: outcomeLabel(type) }, n);
    }
  }

  /**
   * What either route (REST or Kea's channel) does with a command: a read (status-get, ha-heartbeat), or
   * any call with no authenticated caller (the access guard let it through only as a read), is answered
   * and never recorded; anything else is issued as `caller`'s command.
   */
  handle(
    input: z.input<typeof OperatorCommand>,
    caller: Principal | null,
  ): Promise<CommandOutcome | CommandRefusal> {
    const name = input.command;
    return caller === null || (typeof name === 'string' && isReadOnly(name))
      ? this.read(input)
      : this.issue(input, caller);
  }

  /**
   * `input` is checked against the one schema of operator commands (OperatorCommand) before anything;
   * `caller` is who the access guard authenticated, recorded as `who`.
   */
  private async issue(
    input: z.input<typeof OperatorCommand>,
    caller: Principal,
  ): Promise<CommandOutcome | CommandRefusal> {
    const stopTimer = this.metrics.commandSeconds.startTimer();
    const outcome = await this.deliver(input, caller);
    stopTimer({
      // Only known names label the series: a typo must not make a series of its own.
      command: typeof input.command === 'string' && isHaCommand(input.command) ? input.command : 'other',
      outcome: 'error' in outcome ? 'invalid' : outcome.response.result === 0 ? 'success' : 'error',
    });
    return outcome;
  }

  /**
   * A read (status-get, ha-heartbeat) forwarded to the peer and answered as the peer answers: never
   * recorded, so that a monitoring system polling a peer leaves the audit trail clean.
   */
  async read(
    input: z.input<typeof OperatorCommand>,
    timeoutMs = PEER_TIMEOUT_MS,
  ): Promise<CommandOutcome | CommandRefusal> {
    const parsed = OperatorCommand.safeParse(input);
    if (!parsed.success) return { error: parsed.error.issues[0].message };
    const { cluster, peer, command, arguments: args } = parsed.data;
    // A name no peer supports is answered as Kea does, through either route, and left unrecorded here
    // because an anonymous caller writes nothing; a named caller's is issued and recorded.
    if (!isHaCommand(command)) return { commandId: null, response: notSupported(command) };
    if (!isReadOnly(command)) return { error: `'${command}' is not a read` };
    const request = args === undefined ? { command } : { command, arguments: args };
    return { commandId: null, response: await this.ask(cluster, peer, request, timeoutMs) };
  }

  private async deliver(
    input: z.input<typeof OperatorCommand>,
    caller: Principal,
  ): Promise<CommandOutcome | CommandRefusal> {
    const parsed = OperatorCommand.safeParse(input);
    if (!parsed.success) return { error: parsed.error.issues[0].message };
    const command = parsed.data;
    const onBehalfOf =
      command.onBehalfOf ?? (command.who !== undefined && command.who !== caller.name ? command.who : null);
    // A command to a peer the log has never heard of is refused before it is recorded: nothing happened.
    const stream = `${command.cluster}/${command.peer}`;
    if ((await this.store.readStream(stream, 1, 1)).length === 0) {
      return { error: `no peer ${stream} is known to the coordinator`, unknownPeer: true };
    }
    let proposedBy: string | undefined;
    if (command.command === 'ha-continue') {
      const verdict = await this.twoPersonRule.verdict(command, caller, Date.now());
      if (!verdict.proceed) return { error: verdict.text, status: verdict.status };
      proposedBy = verdict.proposedBy;
    }
    const request: CommandRequest =
      command.arguments === undefined
        ? { command: command.command }
        : { command: command.command, arguments: command.arguments };
    const commandId = randomUUID();
    const guard = command.guard ?? null;
    await this.record({
      type: 'CommandIssued',
      commandId,
      cluster: command.cluster,
      peer: command.peer,
      request,
      who: caller.name,
      role: caller.role,
      via: caller.via,
      onBehalfOf,
      ...(proposedBy === undefined ? {} : { proposedBy }),
      why: command.why,
      guard,
    });
    const wire = {
      ...request,
      [COMMAND_ID_FIELD]: commandId,
      ...(guard === null ? {} : { [GUARD_FIELD]: guard }),
    };
    let response: KeaResponse;
    try {
      response = await this.send(command.cluster, command.peer, wire);
    } catch (error) {
      const text = unreachable(command.cluster, command.peer, error);
      await this.record({ type: 'CommandFailed', commandId, error: text });
      return { commandId, response: { result: 1, text } };
    }
    const refused = isGuardRefusal(response);
    await this.record(
      refused
        ? { type: 'CommandRefused', commandId, reason: response.text ?? '' }
        : { type: 'CommandCompleted', commandId, response },
    );
    return { commandId, response };
  }

  private send(
    cluster: string,
    peer: string,
    wire: unknown,
    timeoutMs = PEER_TIMEOUT_MS,
  ): Promise<KeaResponse> {
    const reply = this.peers.send<KeaResponse>(commandSubject(cluster, peer), wire);
    return firstValueFrom(reply.pipe(timeout({ first: timeoutMs })));
  }

  /** A read's answer: the peer's, or Kea's error when it cannot be reached. */
  private async ask(
    cluster: string,
    peer: string,
    request: CommandRequest,
    timeoutMs: number,
  ): Promise<KeaResponse> {
    try {
      return await this.send(cluster, peer, request, timeoutMs);
    } catch (error) {
      return { result: 1, text: unreachable(cluster, peer, error) };
    }
  }

  /** Appends one of the coordinator's own events to its commands stream, caused by the command. */
  private async record(event: CommandEvent): Promise<void> {
    const { type, ...data } = event;
    if (type !== 'CommandIssued') this.metrics.commands.inc({ outcome: outcomeLabel(type) });
    this.log.info(`command ${outcomeLabel(type)}`, {
      commandId: event.commandId,
      ...(event.type === 'CommandIssued'
        ? {
            stream: `${event.cluster}/${event.peer}`,
            command: event.request.command,
            who: event.who,
            onBehalfOf: event.onBehalfOf ?? undefined,
          }
        : {}),
    });
    await this.store.appendNext(
      COMMANDS_STREAM,
      { type, data },
      { id: randomUUID(), at: new Date().toISOString(), causationId: event.commandId },
    );
    this.tail.committed();
  }

  list(filter: CommandFilter): Promise<{ total: number; commands: CommandSummary[] }> {
    return this.store.commands(filter);
  }

  async find(commandId: string): Promise<CommandRecord> {
    const own = await this.store.findByData('CommandIssued', 'commandId', commandId);
    const caused = await this.store.causedBy(commandId);
    const outcome = caused.find((e) => e.stream === COMMANDS_STREAM && e.type !== 'CommandIssued') ?? null;
    return { issued: own[0] ?? null, outcome, effects: caused.filter((e) => e.stream !== COMMANDS_STREAM) };
  }
}

/** CommandCompleted -> completed: the outcome label of haco_commands_total. */
function outcomeLabel(type: string): string {
  return type.replace(/^Command/, '').toLowerCase();
}

function unreachable(cluster: string, peer: string, error: unknown): string {
  // The peer took the command and, as Kea 2.2.0 does for this one, answered nothing: it is not unreachable.
  if (error instanceof NoAnswerError) {
    return `peer ${cluster}/${peer} sent no answer, as Kea 2.2.0 sends none to this command: ${error.reason}`;
  }
  // nats-server answers a subject nobody listens to with an empty "no responders" message.
  const reason = error instanceof EmptyResponseException ? 'no such peer is listening' : errorText(error);
  return `peer ${cluster}/${peer} is unreachable: ${reason}`;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
