import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from '@haco/common';
import { SerialQueue } from '@haco/common';
import { COMMAND_ID_FIELD, commandSubject, GUARD_FIELD } from '@haco/contracts';
import type { KeaResponse } from '@haco/ha-core';
import { answer, guardRefusal, KEA_RESULT } from '@haco/ha-core';
import type { KeaControlClient } from '../kea/kea-control-client';
import type { ServerWatcher } from './server-watcher';

/** The commands an operator may send a watched Kea server through haco (reads and HA's own). */
export const FORWARDED_COMMANDS = [
  'status-get',
  'ha-continue',
  'ha-maintenance-start',
  'ha-maintenance-cancel',
  'ha-reset',
  'ha-sync',
  'ha-scopes',
] as const;

type Fields = Record<string, unknown>;

/**
 * Takes the coordinator's commands for a watched server on the server's own command subject (so that
 * `bin/haco continue`, the REST route, the console and `POST /` reach it as they reach a peer) and sends
 * them to the real Kea server as Kea commands, answering with Kea's exact answer. The coordinator records
 * who, why, the guard and the answer; Kea's continue line is then recorded as caused by the command.
 *
 * A guard (the paused state an ha-continue means to release) is checked on the server's state read by
 * status-get just before the command goes out, with the pause as its log showed it (Kea 2.2's status-get
 * has no paused flag). What remains is the time between that read and Kea acting: a paused Kea makes no
 * transition of its own, so only another command to the same server in that moment could change it;
 * commands to one server go out one at a time from here, which closes that gap for commands sent through
 * haco.
 *
 * NATS subscriptions by hand rather than a Nest transport: one process serves the subjects of every
 * server it watches, named at run time from its configuration.
 */
export class CommandForwarder {
  private readonly subscriptions: Subscription[] = [];
  private readonly queue = new SerialQueue();

  constructor(
    private readonly nc: NatsConnection,
    private readonly cluster: string,
    private readonly log: Logger,
  ) {}

  serve(watcher: ServerWatcher, client: KeaControlClient): void {
    const subscription = this.nc.subscribe(commandSubject(this.cluster, watcher.name), {
      callback: (error, message) => {
        if (error !== null) return;
        // One command at a time per watcher process: a guard read and its command are never interleaved.
        this.queue
          .run(() => this.handle(watcher, client, message))
          .catch((failure: Error) => this.log.warn('command not answered', { error: failure.message }));
      },
    });
    this.subscriptions.push(subscription);
  }

  stop(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
  }

  private async handle(watcher: ServerWatcher, client: KeaControlClient, message: Msg): Promise<void> {
    const response = await this.answer(watcher, client, message.data).catch((error: Error): KeaResponse =>
      answer(KEA_RESULT.error, `internal error: ${error.message}`),
    );
    message.respond(JSON.stringify(response));
  }

  private async answer(
    watcher: ServerWatcher,
    client: KeaControlClient,
    data: Uint8Array,
  ): Promise<KeaResponse> {
    let body: Fields;
    try {
      body = JSON.parse(new TextDecoder().decode(data)) as Fields;
    } catch {
      return answer(KEA_RESULT.error, 'invalid JSON in the command');
    }
    const command = body['command'];
    if (typeof command !== 'string' || !(FORWARDED_COMMANDS as readonly string[]).includes(command)) {
      return answer(KEA_RESULT.unsupported, `'${String(command)}' is not sent to a watched Kea server`);
    }
    const guard = body[GUARD_FIELD];
    if (guard !== undefined) {
      const now = await watcher.poll();
      if (typeof now === 'string')
        return answer(KEA_RESULT.error, `Kea server ${watcher.name} does not answer: ${now}`);
      const refused = guardRefusal({ state: now.state, paused: watcher.current?.paused ?? false }, guard);
      if (refused !== null) return refused;
    }
    const commandId = body[COMMAND_ID_FIELD];
    if (command === 'ha-continue' && typeof commandId === 'string') watcher.expectContinue(commandId);
    try {
      const kea = await client.command(command, body['arguments']);
      this.log.info('command sent to Kea', { server: watcher.name, command, commandId, result: kea.result });
      return kea;
    } catch (error) {
      return answer(
        KEA_RESULT.error,
        `Kea server ${watcher.name} does not answer: ${(error as Error).message}`,
      );
    }
  }
}
