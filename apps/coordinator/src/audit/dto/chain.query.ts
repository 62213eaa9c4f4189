import { z } from 'zod';

/** `GET /audit/verify`: every stream of the log, or the one `stream` (`cluster/peer`, `_coordinator/…`). */
export const ChainQuery = z.object({
  stream: z
    .string()
    .regex(/^[^/]+\/[^/]+$/, { error: "'stream' must be CLUSTER/PEER" })
    .optional(),
});
export type ChainQuery = z.output<typeof ChainQuery>;
