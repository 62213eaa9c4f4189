import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { EmptyResponseException } from '@nestjs/microservices/errors/empty-response.exception';
import { firstValueFrom, timeout } from 'rxjs';
import type { EventStore, StoredEvent } from '@haco/event-store';
import {
  COMMAND_ID_FIELD,
  COMMANDS_STREAM,
  commandSubject,
  GUARD_FIELD,
  isSubjectToken,
} from '@haco/contracts';
import type { KeaResponse } from '@haco/ha-core';
import { isGuardRefusal, readCommandRequest } from '@haco/ha-core';
import { EVENT_STORE, PEER_COMMANDS } from '../common/tokens';

export interface OperatorCommand {
  readonly cluster: string;
  readonly peer: string;
  /** Kea control-channel JSON: `{"command", "arguments"?}`. */
  readonly request: unknown;
  readonly who: string;
  readonly why: string;
  /** ha-continue only: the paused state the operator means to release. */
  readonly guard?: string | null;
}

export interface CommandOutcome {
  readonly commandId: string;
  readonly response: KeaResponse;
}

export interface CommandRecord {
  readonly issued: StoredEvent | null;
  readonly outcome: StoredEvent | null;
  /** Everything the peer recorded as caused by the command. */
  readonly effects: StoredEvent[];
}

const PEER_TIMEOUT_MS = 10_000;

/**
 * The one path for operator commands: CommandIssued is committed to the log before the command reaches
 * the peer, the peer's Kea answer (or the failure to reach it) is committed linked to the command id, and
 * only then does the operator get the answer.
 */
@Injectable()
export class CommandService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PEER_COMMANDS) private readonly peers: Pick<ClientProxy, 'send'>,
  ) {}

  async issue(command: OperatorCommand): Promise<CommandOutcome | { error: string }> {
    const problem = this.validate(command);
    if (problem !== null) return { error: problem };
    const request = readCommandRequest(command.request);
    if (typeof request === 'string') return { error: request };
    const commandId = randomUUID();
    const guard = command.guard ?? null;
    await this.record(commandId, 'CommandIssued', {
      commandId,
      cluster: command.cluster,
      peer: command.peer,
      request,
      who: command.who,
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
      const reply = this.peers.send<KeaResponse>(commandSubject(command.cluster, command.peer), wire);
      response = await firstValueFrom(reply.pipe(timeout({ first: PEER_TIMEOUT_MS })));
    } catch (error) {
      // nats-server answers a subject nobody listens to with an empty "no responders" message.
      const reason = error instanceof EmptyResponseException ? 'no such peer is listening' : errorText(error);
      const text = `peer ${command.cluster}/${command.peer} is unreachable: ${reason}`;
      await this.record(commandId, 'CommandFailed', { commandId, error: text });
      return { commandId, response: { result: 1, text } };
    }
    const refused = isGuardRefusal(response);
    await this.record(
      commandId,
      refused ? 'CommandRefused' : 'CommandCompleted',
      refused ? { commandId, reason: response.text } : { commandId, response },
    );
    return { commandId, response };
  }

  async record(commandId: string, type: string, data: Record<string, unknown>): Promise<void> {
    await this.store.appendNext(
      COMMANDS_STREAM,
      { type, data },
      { id: randomUUID(), at: new Date().toISOString(), causationId: commandId },
    );
  }

  async find(commandId: string): Promise<CommandRecord> {
    const own = await this.store.findByData('CommandIssued', 'commandId', commandId);
    const caused = await this.store.causedBy(commandId);
    const outcome = caused.find((e) => e.stream === COMMANDS_STREAM && e.type !== 'CommandIssued') ?? null;
    return { issued: own[0] ?? null, outcome, effects: caused.filter((e) => e.stream !== COMMANDS_STREAM) };
  }

  private validate(command: OperatorCommand): string | null {
    if (!isSubjectToken(command.cluster)) return `unknown cluster name ${JSON.stringify(command.cluster)}`;
    if (!isSubjectToken(command.peer)) return `unknown peer name ${JSON.stringify(command.peer)}`;
    if (typeof command.who !== 'string' || command.who.trim().length === 0)
      return "'who' must name the operator";
    if (typeof command.why !== 'string') return "'why' must be a string";
    if (command.guard !== undefined && command.guard !== null && typeof command.guard !== 'string') {
      return "'guard' must name the paused state to release";
    }
    // Stricter than Kea's own channel on purpose: an operator's malformed arguments never reach a peer.
    const args = (command.request as { arguments?: unknown } | null)?.arguments;
    if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
      return "'arguments' must be a JSON map";
    }
    return null;
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
