import { Controller, Get, HttpException, Inject, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import type { EventStore, Projections } from '@haco/event-store';
import { EVENT_STORE, PROJECTIONS } from '../common/tokens';
import { ErrorBody } from '../common/responses';
import type { CoordinatorSettings } from '../config/coordinator-config';
import { SETTINGS } from '../config/settings.token';
import { ReportQuery } from './dto/report.query';
import { buildReport } from './report/report-builder';
import { reportHtml, reportMarkdown } from './report/report-formats';

/** An incident report of one cluster over a window, from the log (docs/operations.md, incident report). */
@Controller()
export class ReportController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(SETTINGS) private readonly settings: CoordinatorSettings,
  ) {}

  @ApiProduces('application/json', 'text/markdown', 'text/html')
  @ApiOkResponse({
    description: 'the report: JSON, Markdown (the timeline as an embedded SVG) or one HTML file',
  })
  @ApiBadRequestResponse({ standardSchema: ErrorBody })
  @ApiNotFoundResponse({ standardSchema: ErrorBody })
  @Get('report')
  async report(@Query({ schema: ReportQuery }) query: ReportQuery, @Res() response: Response): Promise<void> {
    const until = query.until ?? Date.now();
    if (until <= query.since) throw new HttpException({ error: "'until' must be after 'since'" }, 400);
    const streams = (await this.projections.peerStreams()).filter((s) => s.startsWith(`${query.cluster}/`));
    if (streams.length === 0) throw new HttpException({ error: `no peers of cluster ${query.cluster}` }, 404);
    const deps = {
      store: this.store,
      projections: this.projections,
      archiveDir: this.settings.retention.archiveDir,
    };
    const report = await buildReport(deps, query.cluster, query.since, until);
    if (query.format === 'json') {
      response.status(200).json(report);
      return;
    }
    const markdown = query.format === 'md';
    response
      .status(200)
      .setHeader('content-type', markdown ? 'text/markdown; charset=utf-8' : 'text/html; charset=utf-8')
      .send(markdown ? reportMarkdown(report) : reportHtml(report));
  }
}
