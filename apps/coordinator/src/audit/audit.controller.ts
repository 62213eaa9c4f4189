import { Controller, Get, HttpException, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { streamId } from '@haco/contracts';
import type { EventStore } from '@haco/event-store';
import { exportLines, verifyStoredStream } from '@haco/event-store';
import type { Projections } from '@haco/event-store';
import { EVENT_STORE, PROJECTIONS } from '../common/tokens';

const time = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new HttpException({ error: `'${name}' must be an ISO 8601 time` }, 400);
  return ms;
};

const count = (name: string, value: string | undefined, fallback: number, max: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new HttpException({ error: `'${name}' must be an integer from 0 to ${max}` }, 400);
  return n;
};

/** The audit side: filtered history, a stream's export, and replay verification, all from the log. */
@Controller()
export class AuditController {
  constructor(
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('history')
  async history(
    @Query('peer') peer?: string,
    @Query('state') state?: string,
    @Query('since') since?: string,
    @Query('until') until?: string,
    @Query('cause') cause?: string,
    @Query('command') command?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ) {
    const from = time('since', since);
    const to = time('until', until);
    const take = count('limit', limit, 100, 10_000);
    const skip = count('offset', offset, 0, Number.MAX_SAFE_INTEGER);
    const { total, transitions } = await this.projections.history({
      streams: peer === undefined ? undefined : [peer],
      state,
      sinceMs: from,
      untilMs: to,
      cause,
      commandId: command,
      limit: take,
      offset: skip,
    });
    return { total, offset: skip, limit: take, transitions };
  }

  /** JSON lines, written page by page: a stream of any length without holding it in memory. */
  @Get('streams/:cluster/:peer/export')
  async export(
    @Param('cluster') cluster: string,
    @Param('peer') peer: string,
    @Res() response: Response,
  ): Promise<void> {
    const stream = streamId(cluster, peer);
    if ((await this.store.readStream(stream, 1, 1)).length === 0)
      throw new HttpException({ error: `no events of ${cluster}/${peer}` }, 404);
    response.status(200).setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    try {
      await exportLines(this.store, stream, response);
      response.end();
    } catch (error) {
      // Headers are gone: only an aborted connection tells the reader the export is incomplete.
      response.destroy(error as Error);
    }
  }

  @Get('replay/verify')
  async verify(@Query('stream') stream?: string) {
    const streams = stream !== undefined ? [stream] : await this.projections.peerStreams();
    const reports = [];
    for (const name of streams) {
      const { state, ...report } = await verifyStoredStream(this.store, name);
      reports.push({ stream: name, verified: report.divergence === null, ...report });
    }
    return { verified: reports.every((r) => r.verified), streams: reports };
  }
}
