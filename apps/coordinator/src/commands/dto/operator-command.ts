import { z } from 'zod';
import { isSubjectToken } from '@haco/contracts';

const person = (field: string) =>
  z
    .string({ error: `'${field}' must name a person` })
    .refine((name) => name.trim().length > 0 && name.length <= 128, {
      error: `'${field}' must name a person (1 to 128 characters)`,
    });

/**
 * An operator command's body, whichever route it came by: the one validation of the REST route's body and
 * of Kea's channel. Stricter than Kea's own channel on purpose: malformed arguments never reach a peer.
 * Who sent it is never taken from the body: it is the authenticated caller. `onBehalfOf` (or, as before,
 * `who` when it names someone else) is a note recorded as such.
 */
export const CommandBody = z.object({
  command: z
    .string({ error: "'command' must be a non-empty string" })
    .min(1, { error: "'command' must be a non-empty string" }),
  arguments: z.record(z.string(), z.unknown(), { error: "'arguments' must be a JSON map" }).optional(),
  who: person('who').optional(),
  onBehalfOf: person('onBehalfOf').optional(),
  why: z.string({ error: "'why' must be a string" }).default(''),
  /** ha-continue only: the paused state the operator means to release. */
  guard: z.string({ error: "'guard' must name the paused state to release" }).nullable().optional(),
  /** ha-continue only: answer what the release would do, sending and recording nothing. */
  dryRun: z.boolean({ error: "'dryRun' must be true or false" }).optional(),
  /** With dryRun: keep the preview on record (who asked, and what it said); nothing else is recorded. */
  record: z.boolean({ error: "'record' must be true or false" }).optional(),
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
