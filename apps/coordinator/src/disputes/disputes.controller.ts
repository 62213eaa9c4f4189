import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, HttpException, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse } from '@nestjs/swagger';
import { z } from 'zod';
import type { Logger } from '@haco/common';
import { STORE_OPERATIONS_STREAM, streamId } from '@haco/contracts';
import type { EventStore } from '@haco/event-store';
import { Caller } from '../auth/caller.decorator';
import type { Principal } from '../auth/roles';
import { Access } from '../auth/access.decorator';
import { EVENT_STORE, LOGGER } from '../common/tokens';
import { LogTail } from '../store/log-tail';

const ResolveBody = z.object({
  why: z
    .string({ error: "'why' must say why the disputes are settled" })
    .refine((why) => why.trim().length > 0, { error: "'why' must say why the disputes are settled" }),
});
type ResolveBody = z.output<typeof ResolveBody>;

const DisputesResponse = z.object({ disputes: z.array(z.object({}).loose()) });

/**
 * Disputed streams: both sides of every place claimed twice, for an operator to look at, and an admin's
 * settlement of them (recorded with its name and reason in the coordinator's store-operations stream).
 */
@Controller()
export class DisputesController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LogTail) private readonly tail: LogTail,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  @ApiOkResponse({ standardSchema: DisputesResponse })
  @Get('disputes')
  async all() {
    return { disputes: await this.store.disputes() };
  }

  @ApiOkResponse({ standardSchema: DisputesResponse })
  @Get('peers/:cluster/:peer/disputes')
  async ofPeer(@Param('cluster') cluster: string, @Param('peer') peer: string) {
    return { disputes: await this.store.disputes(streamId(cluster, peer)) };
  }

  @ApiBearerAuth()
  @Post('peers/:cluster/:peer/disputes/resolve')
  @HttpCode(200)
  @Access('admin')
  async resolve(
    @Param('cluster') cluster: string,
    @Param('peer') peer: string,
    @Body({ schema: ResolveBody }) body: ResolveBody,
    @Caller() caller: Principal,
  ) {
    const stream = streamId(cluster, peer);
    // Counted, not read: both sides of each are for the operator's GET, not for settling them.
    const count = (await this.store.disputedStreams()).get(stream)?.count ?? 0;
    if (count === 0) throw new HttpException({ error: `${stream} has no open disputes` }, 404);
    await this.store.appendNext(
      STORE_OPERATIONS_STREAM,
      { type: 'DisputesResolved', data: { stream, count, who: caller.name, why: body.why } },
      { id: randomUUID(), at: new Date().toISOString() },
    );
    await this.store.resolveDisputes(stream, new Date().toISOString());
    this.tail.committed();
    this.log.warn('disputes resolved', { stream, count, who: caller.name, why: body.why });
    return { stream, resolved: count };
  }
}
