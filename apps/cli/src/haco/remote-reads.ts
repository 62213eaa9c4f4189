import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ApiClient } from './api-client';
import { CliError } from './api-client';
import { describeReport } from '../replay/replay';
import { write } from './views';

/** `export` through the coordinator's API: its JSON lines, streamed to stdout as they come. */
export async function exportRemote(api: ApiClient, stream: string): Promise<number> {
  const response = await api.raw(`/streams/${stream}/export`);
  if (response.status === 404) throw new CliError(`no events in stream ${stream}`);
  if (!response.ok || response.body === null) throw new CliError(`export failed (${response.status})`);
  await pipeline(
    Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
    process.stdout,
    {
      end: false,
    },
  );
  return 0;
}

type StreamReport = Parameters<typeof describeReport>[1] & { stream: string; verified: boolean };

/** `replay --verify` through the coordinator's API, printed as the local one prints it. */
export async function replayRemote(
  api: ApiClient,
  stream: string | undefined,
  fromStart = false,
): Promise<number> {
  const params = new URLSearchParams();
  if (stream !== undefined) params.set('stream', stream);
  if (fromStart) params.set('fromStart', 'true');
  const query = params.size === 0 ? '' : `?${params.toString()}`;
  const report = await api.get<{ verified: boolean; streams: StreamReport[] }>(`/replay/verify${query}`);
  for (const s of report.streams) write(describeReport(s.stream, s));
  const verified = report.streams.filter((s) => s.verified).length;
  write(`${verified} of ${report.streams.length} streams verified`);
  return report.verified ? 0 : 1;
}

/** `haco replay`'s options, through the coordinator or on a local log. */
export interface ReplayOptions {
  verify?: boolean;
  fromStart?: boolean;
  archive?: string;
  stateAt?: string;
  stream?: string;
  db?: string;
}
