import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ContinueProposed } from '@haco/contracts';
import { APPROVALS_STREAM, streamId } from '@haco/contracts';
import type { EventStore, Projections } from '@haco/event-store';
import type { Principal } from '../auth/roles';
import type { CoordinatorSettings } from '../config/coordinator-config';
import { EVENT_STORE, PROJECTIONS } from '../common/tokens';
import { SETTINGS } from '../config/settings.token';
import { LogTail } from '../store/log-tail';

/** A proposal older than this has lapsed: a release needs two people at about the same time. */
export const PROPOSAL_LIFETIME_MS = 15 * 60_000;

/** What the rule says of an ha-continue: go ahead (approved by a second operator, or not under the rule), or not yet. */
export type TwoPersonVerdict =
  | { readonly proceed: true; readonly proposedBy?: string }
  | { readonly proceed: false; readonly status: 202 | 403; readonly text: string };

/**
 * The two-person rule for `ha-continue` (`auth.twoPersonStates`): a pause in one of those states is
 * released only when two different operators ask for it within PROPOSAL_LIFETIME_MS. The first request is
 * recorded as ContinueProposed and goes nowhere; the second, by someone else, is recorded as
 * ContinueApproved and then sent as that operator's command, naming who proposed it. Every step is in the
 * approvals stream with its operator's authenticated name, so replicas share the proposals.
 */
@Injectable()
export class TwoPersonRule {
  constructor(
    @Inject(SETTINGS) private readonly settings: CoordinatorSettings,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(LogTail) private readonly tail: LogTail,
  ) {}

  async verdict(
    target: { cluster: string; peer: string; why: string },
    caller: Principal,
    nowMs: number,
  ): Promise<TwoPersonVerdict> {
    const states = this.settings.auth.twoPersonStates;
    if (states.length === 0) return { proceed: true };
    // The fold alone: whether it is paused, and in which state (nothing of its partner or disputes).
    const view = await this.projections.peer(streamId(target.cluster, target.peer));
    if (view === null || !view.paused || !states.includes(view.state)) return { proceed: true };
    const open = await this.openProposal(target.cluster, target.peer, view.state, nowMs);
    if (open === null) {
      const proposalId = randomUUID();
      await this.record('ContinueProposed', {
        proposalId,
        cluster: target.cluster,
        peer: target.peer,
        state: view.state,
        who: caller.name,
        why: target.why,
      });
      return {
        proceed: false,
        status: 202,
        text: `a pause in ${view.state} needs a second operator: the continue proposed by ${caller.name} waits for another operator's ha-continue (proposal ${proposalId})`,
      };
    }
    if (open.who === caller.name) {
      return {
        proceed: false,
        status: 403,
        text: `${caller.name} proposed this continue: a second operator must approve it`,
      };
    }
    await this.record('ContinueApproved', { proposalId: open.proposalId, who: caller.name, why: target.why });
    return { proceed: true, proposedBy: open.who };
  }

  /** The latest proposal for this peer and state that is neither approved nor lapsed. */
  private async openProposal(
    cluster: string,
    peer: string,
    state: string,
    nowMs: number,
  ): Promise<ContinueProposed | null> {
    const events = await this.store.readStream(APPROVALS_STREAM);
    const approved = new Set(
      events.filter((e) => e.type === 'ContinueApproved').map((e) => String(e.data['proposalId'])),
    );
    const proposals = events.filter(
      (e) =>
        e.type === 'ContinueProposed' &&
        e.data['cluster'] === cluster &&
        e.data['peer'] === peer &&
        e.data['state'] === state &&
        !approved.has(String(e.data['proposalId'])) &&
        nowMs - Date.parse(e.at) < PROPOSAL_LIFETIME_MS,
    );
    const latest = proposals[proposals.length - 1];
    return latest === undefined ? null : (latest.data as unknown as ContinueProposed);
  }

  private async record(
    type: 'ContinueProposed' | 'ContinueApproved',
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.store.appendNext(
      APPROVALS_STREAM,
      { type, data },
      { id: randomUUID(), at: new Date().toISOString() },
    );
    this.tail.committed();
  }
}
