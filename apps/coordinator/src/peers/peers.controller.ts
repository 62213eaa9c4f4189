import { Controller, Get, HttpException, Inject, Param, Query } from '@nestjs/common';
import { streamId } from '@haco/contracts';
import type { Projections } from '@haco/event-store';
import { EVENT_STORE, PROJECTIONS } from '../common/tokens';
import type { EventStore } from '@haco/event-store';

@Controller()
export class PeersController {
  constructor(
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('clusters')
  async clusters() {
    const byCluster = new Map<string, { peers: string[]; paused: string[] }>();
    for (const view of await this.projections.peers()) {
      const cluster = byCluster.get(view.cluster) ?? { peers: [], paused: [] };
      cluster.peers.push(view.peer);
      if (view.paused) cluster.paused.push(view.peer);
      byCluster.set(view.cluster, cluster);
    }
    return { clusters: [...byCluster].map(([name, c]) => ({ name, ...c })) };
  }

  @Get('peers')
  async peers() {
    return { peers: await this.projections.peers() };
  }

  @Get('peers/:cluster/:peer')
  async peer(@Param('cluster') cluster: string, @Param('peer') peer: string, @Query('at') at?: string) {
    if (at !== undefined && Number.isNaN(Date.parse(at)))
      throw new HttpException({ error: "'at' must be an ISO 8601 time" }, 400);
    const view = await this.projections.peer(streamId(cluster, peer), at);
    if (view === null)
      throw new HttpException({ error: `no events of ${cluster}/${peer}${at ? ` up to ${at}` : ''}` }, 404);
    return view;
  }

  @Get('peers/:cluster/:peer/history')
  async history(@Param('cluster') cluster: string, @Param('peer') peer: string) {
    const { transitions } = await this.projections.history({
      streams: [streamId(cluster, peer)],
      limit: -1,
      offset: 0,
    });
    return { transitions };
  }

  /** Streams with events held back behind a gap: never papered over, always shown. */
  @Get('gaps')
  async gaps() {
    return { gaps: await this.store.heldBack() };
  }

  @Get('dead-letters')
  async deadLetters(@Query('limit') limit?: string) {
    const count = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(count) || count < 1 || count > 10_000) {
      throw new HttpException({ error: "'limit' must be an integer from 1 to 10000" }, 400);
    }
    return { deadLetters: await this.store.deadLetters(count) };
  }
}
