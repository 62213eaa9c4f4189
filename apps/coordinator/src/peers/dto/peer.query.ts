import { z } from 'zod';
import { integerIn, isoTime } from '../../common/query-fields';

/** `GET /peers/:cluster/:peer?at=`: the view at a past time. */
export const PeerViewQuery = z.object({ at: isoTime('at').optional() });
export type PeerViewQuery = z.output<typeof PeerViewQuery>;

/** `GET /dead-letters?limit=`. */
export const DeadLettersQuery = z.object({ limit: integerIn('limit', 1, 10_000, 100) });
export type DeadLettersQuery = z.output<typeof DeadLettersQuery>;
