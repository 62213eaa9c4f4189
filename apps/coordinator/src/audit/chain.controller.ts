import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import type { ChainReport, EventStore } from '@haco/event-store';
import { verifyStoreChains } from '@haco/event-store';
import { EVENT_STORE } from '../common/tokens';
import { ChainResponse, ErrorBody } from '../common/responses';
import type { CoordinatorSettings } from '../config/coordinator-config';
import { SETTINGS } from '../config/settings.token';
import { ChainQuery } from './dto/chain.query';
import { requireKnownStream } from './known-stream';

/**
 * The log's hash chains recomputed (docs/audit.md): each stream from its first event, through the archive,
 * met with its head; the first broken link named. Read page by page, so a log of any length is checked in
 * the memory of a page.
 */
@Controller()
export class ChainController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SETTINGS) private readonly settings: CoordinatorSettings,
  ) {}

  @ApiOkResponse({ standardSchema: ChainResponse })
  @ApiBadRequestResponse({ standardSchema: ErrorBody })
  @ApiNotFoundResponse({ standardSchema: ErrorBody })
  @Get('audit/verify')
  async verify(@Query({ schema: ChainQuery }) query: ChainQuery) {
    if (query.stream !== undefined) await requireKnownStream(this.store, query.stream);
    const streams: ChainReport[] = [];
    for await (const report of verifyStoreChains(
      this.store,
      this.settings.retention.archiveDir,
      query.stream,
    ))
      streams.push(report);
    const first = streams.find((s) => s.broken !== null);
    return {
      verified: first === undefined,
      firstBroken: first === undefined ? null : { stream: first.stream, ...first.broken! },
      streams,
    };
  }
}
