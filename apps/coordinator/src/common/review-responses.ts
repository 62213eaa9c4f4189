import { z } from 'zod';

/** The answers of the pair-level reads: a configuration review, and split brains. */
export const ReviewResponse = z
  .object({
    server: z.string(),
    partner: z.string().nullable(),
    findings: z.array(
      z.object({
        code: z.string(),
        server: z.string(),
        state: z.string().nullable(),
        setting: z.string().nullable(),
        text: z.string(),
      }),
    ),
  })
  .meta({ id: 'ConfigurationReview' });
/** A split brain: the pair, the scopes both serve, and since when. */
export const SplitBrainEntry = z.object({
  cluster: z.string(),
  peers: z.array(z.string()),
  scopes: z.array(z.string()),
  since: z.string(),
});
export const SplitBrainsResponse = z
  .object({
    current: z.array(SplitBrainEntry),
    recorded: z.array(
      SplitBrainEntry.extend({ until: z.string().nullable(), durationMs: z.int().nullable() }),
    ),
  })
  .meta({ id: 'SplitBrains' });
