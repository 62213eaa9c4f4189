import { Controller, Get, HttpException, Inject, Param, Query } from '@nestjs/common';
import { streamId } from '@haco/contracts';
import { DeadLettersQuery, PeerViewQuery } from './dto/peer.query';
import { EVENT_STORE } from '../common/tokens';
import { FleetView } from '../store/fleet-view';
import type { EventStore } from '@haco/event-store';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import {
  ClustersResponse,
  DeadLettersResponse,
  ErrorBody,
  GapsResponse,
  PeerViewSchema,
  PeersResponse,
} from '../common/responses';

@Controller()
export class PeersController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(FleetView) private readonly fleet: FleetView,
  ) {}

  @ApiOkResponse({ standardSchema: ClustersResponse })
  @Get('clusters')
  async clusters() {
    const byCluster = new Map<string, { peers: string[]; paused: string[] }>();
    for (const view of await this.fleet.peers()) {
      const cluster = byCluster.get(view.cluster) ?? { peers: [], paused: [] };
      cluster.peers.push(view.peer);
      if (view.paused) cluster.paused.push(view.peer);
      byCluster.set(view.cluster, cluster);
    }
    return { clusters: [...byCluster].map(([name, c]) => ({ name, ...c })) };
  }

  @ApiOkResponse({ standardSchema: PeersResponse })
  @Get('peers')
  async peers() {
    return { peers: await this.fleet.peers() };
  }

  @ApiOkResponse({ standardSchema: PeerViewSchema })
  @ApiBadRequestResponse({ standardSchema: ErrorBody })
  @ApiNotFoundResponse({ standardSchema: ErrorBody })
  @Get('peers/:cluster/:peer')
  async peer(
    @Param('cluster') cluster: string,
    @Param('peer') peer: string,
    @Query({ schema: PeerViewQuery }) { at }: PeerViewQuery,
  ) {
    const view = await this.fleet.peer(streamId(cluster, peer), at);
    if (view === null)
      throw new HttpException({ error: `no events of ${cluster}/${peer}${at ? ` up to ${at}` : ''}` }, 404);
    return view;
  }

  /** Streams with events held back behind a gap: never papered over, always shown. */
  @ApiOkResponse({ standardSchema: GapsResponse })
  @Get('gaps')
  async gaps() {
    return { gaps: await this.store.heldBack() };
  }

  @ApiOkResponse({ standardSchema: DeadLettersResponse })
  @Get('dead-letters')
  async deadLetters(@Query({ schema: DeadLettersQuery }) { limit }: DeadLettersQuery) {
    return { deadLetters: await this.store.deadLetters(limit) };
  }
}
