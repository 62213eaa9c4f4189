import type { PeerView } from '@haco/event-store';
import type { Presence } from '../nats/presence-tracker';
import { PRESENCE_TIMEOUT_MS } from '../nats/presence-tracker';

/** Up, unreachable, stopped, or unknown while this coordinator cannot tell (its own restart, NATS lost). */
export type LiveStatus = PeerView['status'] | 'unknown';

export interface LivenessInput {
  readonly view: PeerView;
  readonly heard: Presence | undefined;
  /** Whether this coordinator has been listening long enough for silence to mean something. */
  readonly judging: boolean;
  readonly listeningSince: number | null;
  readonly nowMs: number;
}

/**
 * A peer's status on the coordinator's own clock: up while its presence was heard within
 * PRESENCE_TIMEOUT_MS, whatever its HA state, pause or clock; stopped when its log says it stopped cleanly
 * and nothing was heard since; unknown while the coordinator cannot judge; unreachable otherwise, since
 * the moment it fell silent (or since the coordinator began listening, for a peer it never heard).
 */
export function judgeLiveness(input: LivenessInput): { status: LiveStatus; statusSince: string | null } {
  const { view, heard, judging, listeningSince, nowMs } = input;
  if (heard !== undefined && nowMs - heard.atMs <= PRESENCE_TIMEOUT_MS) {
    return { status: 'up', statusSince: view.status === 'up' ? view.statusSince : view.startedAt };
  }
  const stoppedAt =
    view.status === 'stopped' && view.statusSince !== null ? Date.parse(view.statusSince) : null;
  if (stoppedAt !== null && (heard === undefined || heard.atMs <= stoppedAt + PRESENCE_TIMEOUT_MS)) {
    return { status: 'stopped', statusSince: view.statusSince };
  }
  if (!judging) return { status: 'unknown', statusSince: null };
  const silentFrom = heard?.atMs ?? listeningSince ?? nowMs;
  return { status: 'unreachable', statusSince: new Date(silentFrom + PRESENCE_TIMEOUT_MS).toISOString() };
}
