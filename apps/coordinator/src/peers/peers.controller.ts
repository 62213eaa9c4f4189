import { Controller, Get, HttpException, Inject, Param, Query } from '@nestjs/common';
import { SPLIT_BRAIN_STREAM, streamId } from '@haco/contracts';
import { failoverPartner, reviewPauses } from '@haco/ha-core';
import { DeadLettersQuery, PeerViewQuery, ReviewQuery } from './dto/peer.query';
import { EVENT_STORE, PROJECTIONS } from '../common/tokens';
import { FleetView } from '../store/fleet-view';
import type { EventStore, Projections } from '@haco/event-store';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import {
  ClustersResponse,
  DeadLettersResponse,
  ErrorBody,
  GapsResponse,
  PeerViewSchema,
  PeersResponse,
} from '../common/responses';
import { ReviewResponse, SplitBrainsResponse } from '../common/review-responses';
import { splitBrains as splitBrainsOf } from '../store/split-brain-watch';

@Controller()
export class PeersController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(FleetView) private readonly fleet: FleetView,
    @Inject(PROJECTIONS) private readonly projections: Projections,
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

  /**
   * The review of the peer's pause configuration (as its run started with it), with its partner's when the
   * log has it: the same findings as `haco config check` on both files (docs/operations.md).
   */
  @ApiOkResponse({ standardSchema: ReviewResponse })
  @ApiBadRequestResponse({ standardSchema: ErrorBody })
  @ApiNotFoundResponse({ standardSchema: ErrorBody })
  @Get('peers/:cluster/:peer/review')
  async review(
    @Param('cluster') cluster: string,
    @Param('peer') peer: string,
    @Query({ schema: ReviewQuery }) { failoverTarget }: ReviewQuery,
  ) {
    const config = await this.projections.configOf(streamId(cluster, peer));
    if (config === null) throw new HttpException({ error: `no events of ${cluster}/${peer}` }, 404);
    const partnerName = failoverPartner(config)?.name ?? null;
    const partner =
      partnerName === null ? null : await this.projections.configOf(streamId(cluster, partnerName));
    const findings = reviewPauses(config, partner, { failoverTargetMs: failoverTarget });
    return { server: peer, partner: partner === null ? null : partnerName, findings };
  }

  /**
   * Split brains: those the fleet shows now, and every one the coordinator recorded (raised, and cleared
   * with how long it lasted), from its own stream.
   */
  @ApiOkResponse({ standardSchema: SplitBrainsResponse })
  @Get('split-brains')
  async splitBrains() {
    const current = [...splitBrainsOf(await this.fleet.peers()).values()].map(
      ({ cluster, peers, scopes, since }) => ({ cluster, peers: [...peers], scopes: [...scopes], since }),
    );
    const recorded: {
      cluster: string;
      peers: string[];
      scopes: string[];
      since: string;
      until: string | null;
      durationMs: number | null;
    }[] = [];
    for (const event of await this.store.readStream(SPLIT_BRAIN_STREAM)) {
      const data = event.data as { cluster: string; peers: string[]; scopes: string[]; since: string };
      if (event.type === 'SplitBrainRaised') {
        recorded.push({ ...data, until: null, durationMs: null });
      } else if (event.type === 'SplitBrainCleared') {
        const open = recorded.find(
          (r) => r.until === null && r.cluster === data.cluster && r.peers.join() === data.peers.join(),
        );
        const cleared = event.data as { until: string; durationMs: number };
        if (open !== undefined) Object.assign(open, { until: cleared.until, durationMs: cleared.durationMs });
      }
    }
    return { current, recorded };
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
