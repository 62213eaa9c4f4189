import { z } from 'zod';
import { integerIn, isoTime } from '../../common/query-fields';

/** `GET /peers/:cluster/:peer?at=`: the view at a past time. */
export const PeerViewQuery = z.object({ at: isoTime('at').optional() });
export type PeerViewQuery = z.output<typeof PeerViewQuery>;

/** `GET /dead-letters?limit=`. */
export const DeadLettersQuery = z.object({ limit: integerIn('limit', 1, 10_000, 100) });
export type DeadLettersQuery = z.output<typeof DeadLettersQuery>;

/** `GET /peers/:cluster/:peer/review?failoverTarget=`: a partner-down slower than this (ms) is named. */
export const ReviewQuery = z.object({
  failoverTarget: integerIn('failoverTarget', 1, 86_400_000, 0).transform((ms) =>
    ms === 0 ? undefined : ms,
  ),
});
export type ReviewQuery = z.output<typeof ReviewQuery>;
