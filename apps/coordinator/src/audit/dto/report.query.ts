import { z } from 'zod';
import { isoTimeMs } from '../../common/query-fields';

/** `GET /report?cluster=&since=&until=&format=`: one cluster over a window, as JSON, Markdown or HTML. */
export const ReportQuery = z.object({
  cluster: z.string({ error: "'cluster' is required" }).min(1, { error: "'cluster' is required" }),
  since: isoTimeMs('since'),
  until: isoTimeMs('until').optional(),
  format: z.enum(['json', 'md', 'html'], { error: "'format' must be json, md or html" }).default('json'),
});
export type ReportQuery = z.output<typeof ReportQuery>;
