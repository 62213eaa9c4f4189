import { Inject, Injectable } from '@nestjs/common';
import type { KeaResponse } from '@haco/ha-core';
import { answer, isReadOnly, KEA_RESULT, readOnlyAnswer } from '@haco/ha-core';
import type { Logger } from '@haco/common';
import { COMMAND_ID_FIELD, GUARD_FIELD } from '@haco/contracts';
import { ClientQueries } from '../dhcp/client-queries';
import { CommandAnswers } from './command-answers';
import { handleLeaseCommand, isLeaseCommand } from '../leases/lease-commands';
import type { LeaseStore } from '../leases/lease-store';
import type { Clock } from '../ports/clock';
import { nowSeconds } from '../ports/clock';
import type { IdSource } from '../ports/ids';
import { MachineRunner } from '../runtime/machine-runner';
import { CLOCK, IDS, LEASE_STORE, LOGGER, PEER_SETTINGS } from '../ports/tokens';
import type { PeerSettings } from '../config/peer-config';
import { isServerCommand, serverCommandAnswer } from './server-commands';
import type { ControlAnswer, ControlMessage } from './control-message';
import { isNoAnswer, MAX_COMMAND_BYTES } from './control-message';
import { FORBIDDEN, isPartnerCommand } from './partner-commands';

type Fields = { readonly [key: string]: unknown };

function commandName(body: unknown): string {
  const name = (body as { command?: unknown } | null)?.command;
  return typeof name === 'string' ? name.slice(0, 64) : typeof name;
}

/**
 * Kea's control channel of one peer: lease commands, `dhcp4-query`, the read-only HA answers and the HA
 * commands that the state machine decides (and records). Every answer is Kea's JSON.
 */
@Injectable()
export class ControlChannel {
  constructor(
    @Inject(MachineRunner) private readonly runner: MachineRunner,
    @Inject(CommandAnswers) private readonly answers: CommandAnswers,
    @Inject(ClientQueries) private readonly clientQueries: ClientQueries,
    @Inject(LEASE_STORE) private readonly leases: LeaseStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdSource,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(PEER_SETTINGS) private readonly settings: PeerSettings,
  ) {}

  /**
   * `restricted`: the partners' channel, which answers Kea's restricted command set only, as Kea's
   * dedicated listener does with `restrict-commands`; any other command is refused unread.
   */
  async handle(message: ControlMessage, options: { restricted?: boolean } = {}): Promise<ControlAnswer> {
    try {
      if (options.restricted === true && message.kind === 'request' && !isPartnerCommand(message.body)) {
        this.log.warn('command refused on the partner channel: not in the restricted set', {
          command: commandName(message.body),
        });
        return FORBIDDEN;
      }
      const answered = await this.route(message);
      if (isNoAnswer(answered))
        this.log.warn('command not answered, as Kea 2.2.0 does', { reason: answered.noAnswer });
      return answered;
    } catch (error) {
      this.log.error('command failed', { error: (error as Error).message });
      return answer(KEA_RESULT.error, `internal error: ${(error as Error).message}`);
    }
  }

  private route(message: ControlMessage): Promise<ControlAnswer> | KeaResponse {
    switch (message.kind) {
      case 'too-large':
        this.log.warn('command refused: too large', { bytes: message.bytes, limit: MAX_COMMAND_BYTES });
        return answer(
          KEA_RESULT.error,
          `command too large: ${message.bytes} bytes, the limit is ${MAX_COMMAND_BYTES}`,
        );
      case 'malformed':
        this.log.warn('command refused: invalid JSON', { bytes: message.bytes });
        return answer(KEA_RESULT.error, 'invalid JSON in the command');
      case 'request':
        return this.request(message.body);
      default: {
        const unknown: never = message;
        throw new Error(`unknown control message ${JSON.stringify(unknown)}`);
      }
    }
  }

  private request(body: unknown): Promise<ControlAnswer> {
    const fields: Fields = typeof body === 'object' && body !== null ? (body as Fields) : {};
    const name = fields['command'];
    if (typeof name === 'string' && isLeaseCommand(name)) {
      return this.runner.turn(() =>
        handleLeaseCommand(this.leases, name, fields['arguments'], nowSeconds(this.clock)),
      );
    }
    if (name === 'dhcp4-query') return this.clientQueries.query(fields['arguments']);
    // What Kea tools ask a server first; answered from the configuration, not events.
    if (typeof name === 'string' && isServerCommand(name)) {
      return Promise.resolve(serverCommandAnswer(name, this.settings));
    }
    // Read-only answers change nothing; they are not events (heartbeats would drown the log).
    if (typeof name === 'string' && isReadOnly(name)) {
      return this.runner.turn(() => readOnlyAnswer(this.runner.requireState(), name, this.clock.now()));
    }
    return this.command(body, fields);
  }

  /**
   * An HA command, decided by the machine. The coordinator's command id, when the request carries one,
   * becomes the command's id here too, so that everything it causes links back to it; its guard is
   * decided by the machine in the same turn.
   */
  private command(body: unknown, fields: Fields): Promise<ControlAnswer> {
    const given = fields[COMMAND_ID_FIELD];
    const commandId = typeof given === 'string' && given.length > 0 ? given : this.ids.next();
    const answered = this.answers.expect(commandId);
    const decided = this.runner.turn(() => {
      if (this.runner.closed) {
        this.answers.settle(commandId, answer(KEA_RESULT.error, 'the peer is stopping; nothing was done'));
        return;
      }
      this.runner.requireState();
      const input = { type: 'command', at: this.clock.now(), commandId, request: body } as const;
      const guard = fields[GUARD_FIELD];
      this.runner.submit(guard === undefined ? input : { ...input, guard }, commandId);
    });
    decided.catch((error: Error) =>
      this.answers.settle(commandId, answer(KEA_RESULT.error, `internal error: ${error.message}`)),
    );
    return answered;
  }
}
