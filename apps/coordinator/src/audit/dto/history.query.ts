import { z } from 'zod';
import { integerIn, isoTimeMs } from '../../common/query-fields';

/** `GET /history`: every filter optional, paged. */
export const HistoryQuery = z.object({
  peer: z.string().optional(),
  state: z.string().optional(),
  since: isoTimeMs('since').optional(),
  until: isoTimeMs('until').optional(),
  cause: z.string().optional(),
  command: z.string().optional(),
  limit: integerIn('limit', 0, 10_000, 100),
  offset: integerIn('offset', 0, Number.MAX_SAFE_INTEGER, 0),
});
export type HistoryQuery = z.output<typeof HistoryQuery>;
