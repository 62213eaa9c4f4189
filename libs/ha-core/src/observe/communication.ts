import type { HaConfig } from '../config/types';
import type { CommunicationView } from './communication-view';

/** A DHCPv4 query as failure detection sees it (spec 1.5). */
export interface AnalysedQuery {
  readonly messageType: 'DISCOVER' | 'REQUEST' | 'DECLINE' | 'RELEASE' | 'INFORM' | string;
  readonly hwAddress: string;
  readonly clientId?: string;
  /** The `secs` field: how long the client has been trying. */
  readonly secs: number;
}

/**
 * What failure detection remembers: when the partner last answered a heartbeat (or when the service
 * started), and the clients seen knocking on the partner's scopes since communication was interrupted.
 */
export interface CommunicationTally {
  readonly lastPokeAt: number;
  /** Client key -> whether that client is unacked (trying longer than max-ack-delay). */
  readonly clients: Readonly<Record<string, boolean>>;
  readonly analyzedPackets: number;
}

const LEASE_MESSAGE_TYPES = ['DISCOVER', 'REQUEST', 'DECLINE', 'RELEASE', 'INFORM'];

export function startTracking(at: number): CommunicationTally {
  return { lastPokeAt: at, clients: {}, analyzedPackets: 0 };
}

/** A successful heartbeat: the partner is alive, so the traffic analysis starts over. */
export function poke(_tracker: CommunicationTally, at: number): CommunicationTally {
  return startTracking(at);
}

export function isInterrupted(tracker: CommunicationTally, at: number, config: HaConfig): boolean {
  return at - tracker.lastPokeAt > config.maxResponseDelayMs;
}

/** Kea reads a `secs` above 255 whose low byte is 0 as sent in the wrong byte order. */
export function effectiveSecs(secs: number): number {
  return secs > 255 && (secs & 0xff) === 0 ? ((secs >> 8) & 0xff) | ((secs & 0xff) << 8) : secs;
}

/**
 * Records a query for a scope this server does not serve while communication is interrupted; only
 * lease-related message types count. Outside an interruption nothing is analysed.
 */
export function analyseQuery(
  tracker: CommunicationTally,
  query: AnalysedQuery,
  at: number,
  config: HaConfig,
): CommunicationTally {
  if (!isInterrupted(tracker, at, config) || !LEASE_MESSAGE_TYPES.includes(query.messageType)) return tracker;
  const key = `${query.hwAddress.toLowerCase()}|${(query.clientId ?? '').toLowerCase()}`;
  // Once a client is unacked it stays so until the partner answers again.
  const unacked = tracker.clients[key] === true || effectiveSecs(query.secs) * 1000 > config.maxAckDelayMs;
  return {
    ...tracker,
    clients: { ...tracker.clients, [key]: unacked },
    analyzedPackets: tracker.analyzedPackets + 1,
  };
}

/** The communication status the state machine acts on, measured at `at` (spec 1.5). */
export function communicationView(
  tracker: CommunicationTally,
  at: number,
  config: HaConfig,
): CommunicationView {
  const interrupted = isInterrupted(tracker, at, config);
  const unackedClients = interrupted ? Object.values(tracker.clients).filter(Boolean).length : 0;
  const failed = interrupted && (config.maxUnackedClients === 0 || unackedClients > config.maxUnackedClients);
  return {
    status: failed ? 'failed' : interrupted ? 'interrupted' : 'ok',
    ageSeconds: Math.max(0, Math.floor((at - tracker.lastPokeAt) / 1000)),
    connectingClients: interrupted ? Object.keys(tracker.clients).length : 0,
    unackedClients,
    analyzedPackets: interrupted ? tracker.analyzedPackets : 0,
  };
}
