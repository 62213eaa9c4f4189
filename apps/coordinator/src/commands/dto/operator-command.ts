import { z } from 'zod';
import { isSubjectToken } from '@haco/contracts';

/**
 * An operator command, whichever route it came by: the one validation of the REST route's body and of
 * Kea's channel. Stricter than Kea's own channel on purpose: malformed arguments never reach a peer.
 */
export const CommandBody = z.object({
  command: z
    .string({ error: "'command' must be a non-empty string" })
    .min(1, { error: "'command' must be a non-empty string" }),
  arguments: z.record(z.string(), z.unknown(), { error: "'arguments' must be a JSON map" }).optional(),
  who: z
    .string({ error: "'who' must name the operator" })
    .refine((who) => who.trim().length > 0, { error: "'who' must name the operator" }),
  why: z.string({ error: "'why' must be a string" }).default(''),
  /** ha-continue only: the paused state the operator means to release. */
  guard: z.string({ error: "'guard' must name the paused state to release" }).nullable().optional(),
});
export type CommandBody = z.output<typeof CommandBody>;

/** The peer a command goes to, as the route or Kea's arguments name it. */
export const CommandTarget = z.object({
  cluster: z.custom<string>(isSubjectToken, {
    error: (issue) => `unknown cluster name ${JSON.stringify(issue.input)}`,
  }),
  peer: z.custom<string>(isSubjectToken, {
    error: (issue) => `unknown peer name ${JSON.stringify(issue.input)}`,
  }),
});

export const OperatorCommand = CommandTarget.and(CommandBody);
export type OperatorCommand = z.output<typeof OperatorCommand>;
