import { z } from 'zod';
import { HA_STATES } from '@haco/ha-core';
import { integerIn, isoTimeMs } from '../../common/query-fields';

/**
 * One peer's history (`GET /peers/:cluster/:peer/history`): every filter optional, paged. The same rules
 * as `/history` and `/commands`: a value that does not read is 400 with its field.
 */
export const PeerHistoryQuery = z.object({
  state: z.enum(HA_STATES, { error: `'state' must be one of ${HA_STATES.join(', ')}` }).optional(),
  since: isoTimeMs('since').optional(),
  until: isoTimeMs('until').optional(),
  cause: z.string().optional(),
  command: z.string().optional(),
  limit: integerIn('limit', 1, 10_000, 100),
  offset: integerIn('offset', 0, Number.MAX_SAFE_INTEGER, 0),
});
export type PeerHistoryQuery = z.output<typeof PeerHistoryQuery>;

/** `GET /history`: the same, over every peer or the one `peer` (`cluster/peer`) names. */
export const HistoryQuery = PeerHistoryQuery.extend({ peer: z.string().optional() });
export type HistoryQuery = z.output<typeof HistoryQuery>;
