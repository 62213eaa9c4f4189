import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { streamId } from '@haco/contracts';
import { HistoryQuery, PeerHistoryQuery } from './dto/history.query';
import { VerifyQuery } from './dto/verify.query';
import type { CoordinatorSettings } from '../config/coordinator-config';
import { SETTINGS } from '../config/settings.token';
import type { EventStore } from '@haco/event-store';
import { exportLines, verifyFromSnapshot } from '@haco/event-store';
import type { Projections } from '@haco/event-store';
import { EVENT_STORE, PROJECTIONS } from '../common/tokens';
import { requireKnownStream } from './known-stream';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import { ErrorBody, HistoryResponse, ReplayResponse } from '../common/responses';

/** The audit side: filtered history, a stream's export, and replay verification, all from the log. */
@Controller()
export class AuditController {
  constructor(
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SETTINGS) private readonly settings: CoordinatorSettings,
  ) {}

  @ApiOkResponse({ standardSchema: HistoryResponse })
  @ApiBadRequestResponse({ standardSchema: ErrorBody })
  @ApiNotFoundResponse({ standardSchema: ErrorBody })
  @Get('history')
  async history(@Query({ schema: HistoryQuery }) query: HistoryQuery) {
    if (query.peer !== undefined) await requireKnownStream(this.store, query.peer);
    return this.page(query.peer === undefined ? undefined : [query.peer], query);
  }

  /** One peer's history, by the same rules as `/history`. */
  @ApiOkResponse({ standardSchema: HistoryResponse })
  @ApiBadRequestResponse({ standardSchema: ErrorBody })
  @ApiNotFoundResponse({ standardSchema: ErrorBody })
  @Get('peers/:cluster/:peer/history')
  async peerHistory(
    @Param('cluster') cluster: string,
    @Param('peer') peer: string,
    @Query({ schema: PeerHistoryQuery }) query: PeerHistoryQuery,
  ) {
    const stream = streamId(cluster, peer);
    await requireKnownStream(this.store, stream);
    return this.page([stream], query);
  }

  private async page(streams: string[] | undefined, query: PeerHistoryQuery) {
    const { total, transitions } = await this.projections.history({
      streams,
      state: query.state,
      sinceMs: query.since,
      untilMs: query.until,
      cause: query.cause,
      commandId: query.command,
      limit: query.limit,
      offset: query.offset,
    });
    // A row at or past a disputed place of its stream is not a fact: it says so.
    const disputed = await this.store.disputedStreams();
    const marked = transitions.map((row) => {
      const dispute = disputed.get(streamId(row.cluster, row.peer));
      return dispute !== undefined && row.seq >= dispute.firstSeq ? { ...row, disputed: true } : row;
    });
    return { total, offset: query.offset, limit: query.limit, transitions: marked };
  }

  /** JSON lines, written page by page: a stream of any length without holding it in memory. */
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'the stream as JSON lines, one stored event a line' })
  @ApiNotFoundResponse({ standardSchema: ErrorBody })
  @Get('streams/:cluster/:peer/export')
  async export(
    @Param('cluster') cluster: string,
    @Param('peer') peer: string,
    @Res() response: Response,
  ): Promise<void> {
    const stream = streamId(cluster, peer);
    await requireKnownStream(this.store, stream);
    response.status(200).setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    try {
      await exportLines(this.store, stream, response, this.settings.retention.archiveDir);
      response.end();
    } catch (error) {
      // Headers are gone: only an aborted connection tells the reader the export is incomplete.
      response.destroy(error as Error);
    }
  }

  @ApiOkResponse({ standardSchema: ReplayResponse })
  @Get('replay/verify')
  async verify(@Query({ schema: VerifyQuery }) query: VerifyQuery) {
    const streams = query.stream !== undefined ? [query.stream] : await this.projections.peerStreams();
    const { archiveDir } = this.settings.retention;
    const reports = [];
    for (const name of streams) {
      const checked = await verifyFromSnapshot(this.store, name, { fromStart: query.fromStart, archiveDir });
      const { state, ...report } = checked.report;
      void state;
      const verified = report.divergence === null && checked.snapshotMismatch === null;
      reports.push({
        stream: name,
        verified,
        fromSnapshotSeq: checked.fromSeq,
        snapshotMismatch: checked.snapshotMismatch,
        ...report,
      });
    }
    return { verified: reports.every((r) => r.verified), streams: reports };
  }
}
