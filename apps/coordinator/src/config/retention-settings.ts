import { z } from 'zod';
import { DEFAULT_SNAPSHOT_EVERY, durationMs } from '@haco/event-store';

/**
 * Replay snapshots and retention (docs/operations.md, retention): how often the coordinator verifies each
 * stream and saves where it stands, and, when `heartbeats` is given, how old a heartbeat outcome may get
 * before it leaves the log for the archive. Transitions, pauses, commands, starts and stops stay for ever.
 */
export const RETENTION_SCHEMA = z
  .object({
    heartbeats: z
      .string({ error: 'must be a duration such as "7d", "12h" or "30m"' })
      .refine((text) => (durationMs(text) ?? 0) > 0, {
        error: 'must be a duration such as "7d", "12h" or "30m"',
      })
      .optional(),
    archiveDir: z.string({ error: 'must be a folder' }).min(1, { error: 'must be a folder' }).optional(),
    snapshotEvery: z
      .int({ error: 'must be a number of events from 100 to 10000000' })
      .min(100, { error: 'must be a number of events from 100 to 10000000' })
      .max(10_000_000, { error: 'must be a number of events from 100 to 10000000' })
      .default(DEFAULT_SNAPSHOT_EVERY),
    intervalMs: z
      .int({ error: 'must be a number of milliseconds from 1000 to 86400000' })
      .min(1_000, { error: 'must be a number of milliseconds from 1000 to 86400000' })
      .max(86_400_000, { error: 'must be a number of milliseconds from 1000 to 86400000' })
      .default(60_000),
    batch: z
      .int({ error: 'must be a number of events from 10 to 10000' })
      .min(10, { error: 'must be a number of events from 10 to 10000' })
      .max(10_000, { error: 'must be a number of events from 10 to 10000' })
      .default(500),
  })
  .strict();

export interface RetentionSettings {
  /** null: nothing leaves the log (snapshots are still saved). */
  readonly heartbeatsMs: number | null;
  /** Where archive segments go; null only when nothing is archived. */
  readonly archiveDir: string | null;
  readonly snapshotEvery: number;
  readonly intervalMs: number;
  readonly batch: number;
}
