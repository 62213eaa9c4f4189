import type { FleetPeer } from '../store/fleet-view';

/** One gauge per peer: its name, help, and its value for a peer (null: no sample, never NaN). */
export interface PeerGauge {
  readonly name: string;
  readonly help: string;
  readonly value: (peer: FleetPeer) => number | null;
}

/** Unix seconds of an ISO time; null when unknown. */
const timestamp = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso) / 1000);
const flag = (value: boolean): number => (value ? 1 : 0);

/**
 * The per-peer gauges with one sample each. Times are timestamps (Prometheus computes ages with time()),
 * and the failover progress is Kea's status-get `remote` section as Stork shows it.
 */
export const PEER_GAUGES: readonly PeerGauge[] = [
  {
    name: 'haco_peer_up',
    help: 'Whether the peer is up: 0 once the coordinator has not heard its presence for 3 s (its own clock), or it stopped; no sample while unknown.',
    value: (p) => (p.status === 'unknown' ? null : flag(p.status === 'up')),
  },
  {
    name: 'haco_peer_paused',
    help: 'Whether the peer\u2019s state machine is paused.',
    value: (p) => flag(p.paused),
  },
  {
    name: 'haco_peer_waiting_on_partner_pause',
    help: 'Whether the peer, running, is held in waiting, syncing or ready by its partner\u2019s pause.',
    value: (p) => flag(p.waitingOn !== null),
  },
  {
    name: 'haco_peer_split_brain',
    help: 'Whether the peer and its partner, both up, serve the same scopes at once (a partition between them): 1 while it lasts.',
    value: (p) => flag(p.splitBrain !== null),
  },
  {
    name: 'haco_peer_disputed',
    help: 'Whether another event claims a place in the peer\u2019s stream (a forgery or a second instance): 1 until settled.',
    value: (p) => flag(p.disputed !== null),
  },
  {
    name: 'haco_peer_state_since_timestamp_seconds',
    help: 'When the peer entered its current state (unix time).',
    value: (p) => timestamp(p.stateSince),
  },
  {
    name: 'haco_peer_paused_since_timestamp_seconds',
    help: 'When the peer\u2019s state machine paused (unix time); no sample while it runs.',
    value: (p) => (p.paused ? timestamp(p.pausedSince) : null),
  },
  {
    name: 'haco_peer_last_heartbeat_timestamp_seconds',
    help: 'When the peer last recorded a heartbeat outcome, success or failure (unix time).',
    value: (p) => timestamp(p.lastHeartbeatAt),
  },
  {
    name: 'haco_peer_partner_last_heartbeat_timestamp_seconds',
    help: 'When a heartbeat of the peer to its partner last succeeded (unix time).',
    value: (p) => timestamp(p.lastHeartbeatSucceededAt),
  },
  {
    name: 'haco_peer_partner_in_touch',
    help: 'Kea\u2019s in-touch: whether the peer has heard its partner since it started.',
    value: (p) => (p.failover === null ? null : flag(p.failover.inTouch)),
  },
  {
    name: 'haco_peer_communication_interrupted',
    help: 'Kea\u2019s communication-interrupted: no answer from the partner for longer than max-response-delay.',
    value: (p) => (p.failover === null ? null : flag(p.failover.communicationInterrupted)),
  },
  {
    name: 'haco_peer_connecting_clients',
    help: 'Kea\u2019s connecting-clients: clients seen trying the partner while communication is interrupted.',
    value: (p) => p.failover?.connectingClients ?? null,
  },
  {
    name: 'haco_peer_unacked_clients',
    help: 'Kea\u2019s unacked-clients: those of them the partner did not answer in max-ack-delay.',
    value: (p) => p.failover?.unackedClients ?? null,
  },
  {
    name: 'haco_peer_unacked_clients_left',
    help: 'Kea\u2019s unacked-clients-left: how many more unacked clients before partner-down.',
    value: (p) => p.failover?.unackedClientsLeft ?? null,
  },
  {
    name: 'haco_peer_failover_forecast_seconds',
    help: "How long, at most, until the peer would take over its partner's scopes were the partner gone now (heartbeat-delay, max-response-delay); 0 once it serves them; no sample when no time can be told (max-unacked-clients above 0, paused, stopped).",
    value: (p) => (p.failoverForecast?.takeoverInMs == null ? null : p.failoverForecast.takeoverInMs / 1000),
  },
  {
    name: 'haco_peer_analyzed_packets',
    help: 'Kea\u2019s analyzed-packets: client packets analysed since communication was interrupted.',
    value: (p) => p.failover?.analyzedPackets ?? null,
  },
];

/** One counter per peer, counted over its whole stream by the peer's view. */
export interface PeerCounter {
  readonly name: string;
  readonly help: string;
  readonly count: (peer: FleetPeer) => number;
}

export const PEER_COUNTERS: readonly PeerCounter[] = [
  {
    name: 'haco_peer_transitions_total',
    help: 'State transitions of the peer.',
    count: (p) => p.transitions,
  },
  {
    name: 'haco_peer_unexplained_transitions_total',
    help: "Transitions of a watched Kea server that Kea 2.2's rules, as haco reproduces them, would not make.",
    count: (p) => p.unexplainedTransitions,
  },
  {
    name: 'haco_peer_hook_failures_total',
    help: "Runs of the peer's hooks that failed, timed out or were dropped.",
    count: (p) => p.failedHooks,
  },
  {
    name: 'haco_peer_events_refused_total',
    help: 'Stored events of the peer that the state machine refused to fold, left out of its view.',
    count: (p) => p.refusedEvents,
  },
];
