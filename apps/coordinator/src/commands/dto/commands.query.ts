import { z } from 'zod';
import { integerIn, isoTimeMs } from '../../common/query-fields';

/** `GET /commands`: every filter optional, paged. */
export const CommandsQuery = z.object({
  peer: z.string().optional(),
  command: z.string().optional(),
  who: z.string().optional(),
  since: isoTimeMs('since').optional(),
  until: isoTimeMs('until').optional(),
  outcome: z
    .enum(['completed', 'refused', 'failed', 'pending'], {
      error: "'outcome' must be one of completed, refused, failed, pending",
    })
    .optional(),
  limit: integerIn('limit', 1, 10_000, 100),
  offset: integerIn('offset', 0, Number.MAX_SAFE_INTEGER, 0),
});
export type CommandsQuery = z.output<typeof CommandsQuery>;
