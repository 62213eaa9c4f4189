import { z } from 'zod';

/**
 * `GET /replay/verify`: one stream or all; from each stream's newest replay snapshot, or with
 * `fromStart=true` from its first event (archived ones too), checking every snapshot on the way.
 */
export const VerifyQuery = z.object({
  stream: z.string().optional(),
  fromStart: z
    .enum(['true', 'false'], { error: "'fromStart' must be true or false" })
    .optional()
    .transform((value) => value === 'true'),
});
export type VerifyQuery = z.output<typeof VerifyQuery>;
