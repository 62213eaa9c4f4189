import type { Decision } from '../machine/decision';
import type { CommandRequest } from '../machine/events';
import type { KeaResponse } from '../kea/kea-response';
import { answer, KEA_RESULT } from '../kea/kea-response';

/** One command being handled: where its events go, and how to answer it. */
export class CommandContext {
  constructor(
    readonly d: Decision,
    readonly commandId: string,
    readonly request: CommandRequest,
  ) {}

  get name(): string {
    return this.request.command;
  }

  reply(response: KeaResponse): void {
    this.d.emit({ type: 'CommandAnswered', commandId: this.commandId, command: this.name, response });
  }

  ok(text: string, args?: unknown): void {
    this.reply(answer(KEA_RESULT.success, text, args));
  }

  error(text: string, result: number = KEA_RESULT.error): void {
    this.reply(answer(result, text));
  }

  /** Kea 2.2.0 closes the connection without any answer here; the reason is kept for the log. */
  noAnswer(failure: string): void {
    this.d.emit({
      type: 'CommandAnswered',
      commandId: this.commandId,
      command: this.name,
      response: null,
      failure,
    });
  }
}

/**
 * Kea's usual argument preamble ("arguments not found ...", "... are not a map"): returns the argument
 * map, or the error text to answer with.
 */
export function argumentMap(ctx: CommandContext): { readonly [key: string]: unknown } | string {
  const args = ctx.request.arguments;
  if (args === undefined || args === null) return `arguments not found in the '${ctx.name}' command`;
  if (typeof args !== 'object' || Array.isArray(args)) {
    return `arguments in the '${ctx.name}' command are not a map`;
  }
  return args as { readonly [key: string]: unknown };
}
