import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ContinuePreviewed } from '@haco/contracts';
import { PREVIEWS_STREAM, streamId } from '@haco/contracts';
import type { EventStore, Projections } from '@haco/event-store';
import type { KeaResponse } from '@haco/ha-core';
import { failoverPartner } from '@haco/ha-core';
import { EVENT_STORE, PROJECTIONS } from '../common/tokens';
import { FleetView } from '../store/fleet-view';
import { previewContinue } from './continue-simulation';

/**
 * A release previewed (`dryRun`, by either route): the pair's folded states run forward through the core.
 * Nothing is sent to a peer and nothing is recorded.
 */
@Injectable()
export class ContinuePreviewer {
  constructor(
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(FleetView) private readonly fleet: FleetView,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** Keeps a preview on record, in the coordinator's stream of previews: asked for, never implied. */
  async record(cluster: string, peer: string, who: string, why: string, answer: KeaResponse): Promise<void> {
    const data: ContinuePreviewed = { cluster, peer, who, why, preview: answer.arguments };
    await this.store.appendNext(
      PREVIEWS_STREAM,
      { type: 'ContinuePreviewed', data: data as unknown as Record<string, unknown> },
      { id: randomUUID(), at: new Date().toISOString() },
    );
  }

  async preview(
    cluster: string,
    peer: string,
    command: string,
  ): Promise<{ status: number; answer: KeaResponse }> {
    if (command !== 'ha-continue') {
      return { status: 400, answer: { result: 1, text: "'dryRun' is for ha-continue only" } };
    }
    const paused = await this.projections.machineOf(streamId(cluster, peer));
    if (paused === null)
      return { status: 404, answer: { result: 1, text: `no events of ${cluster}/${peer}` } };
    if (!paused.paused) {
      return {
        status: 200,
        answer: { result: 1, text: `${cluster}/${peer} is not paused: there is nothing to release` },
      };
    }
    const partnerName = failoverPartner(paused.config)?.name;
    const partner =
      partnerName === undefined ? null : await this.projections.machineOf(streamId(cluster, partnerName));
    const partnerView =
      partnerName === undefined ? null : await this.fleet.peer(streamId(cluster, partnerName));
    const preview = previewContinue(paused, partner, Date.now(), partnerView?.status === 'up');
    return {
      status: 200,
      answer: {
        result: 0,
        text: 'dry run: nothing was sent or recorded',
        arguments: preview as unknown as Record<string, unknown>,
      },
    };
  }
}
