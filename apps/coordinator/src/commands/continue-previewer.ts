import { Inject, Injectable } from '@nestjs/common';
import { streamId } from '@haco/contracts';
import type { Projections } from '@haco/event-store';
import type { KeaResponse } from '@haco/ha-core';
import { failoverPartner } from '@haco/ha-core';
import { PROJECTIONS } from '../common/tokens';
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
  ) {}

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
