/**
 * NATS subjects haco uses. Per peer: `haco.<cluster>.<peer>.cmd` answers operators' Kea control-channel
 * requests (request/reply, published by coordinators only), `haco.<cluster>.<peer>.partner` answers its HA
 * partners' calls (heartbeats, lease updates, sync, maintenance notify: Kea's restricted command set), and
 * `haco.<cluster>.<peer>.events` carries the peer's event envelopes, in order. Each process receives its
 * replies under an inbox prefix of its own, so that NATS permissions can keep every other process out.
 */
export const SUBJECT_ROOT = 'haco';

export function commandSubject(cluster: string, peer: string): string {
  return `${SUBJECT_ROOT}.${cluster}.${peer}.cmd`;
}

export function partnerSubject(cluster: string, peer: string): string {
  return `${SUBJECT_ROOT}.${cluster}.${peer}.partner`;
}

/**
 * A peer's presence: a small signal it publishes every PRESENCE_INTERVAL_MS whatever its HA state or pause,
 * on core NATS (never stored), so that a coordinator judges liveness on its own clock from when it last
 * heard the peer, not from the peer's timestamps or its heartbeats to a partner.
 */
export function presenceSubject(cluster: string, peer: string): string {
  return `${SUBJECT_ROOT}.${cluster}.${peer}.presence`;
}

/**
 * Where a coordinator asks a peer to publish again the events it keeps from `fromSeq` on (core NATS
 * request/reply): after a restore from a backup, the log lacks what the peer recorded since.
 */
export function resendSubject(cluster: string, peer: string): string {
  return `${SUBJECT_ROOT}.${cluster}.${peer}.resend`;
}

/** Every peer's presence, every cluster: what a coordinator listens to. */
export const ALL_PRESENCE_SUBJECTS = `${SUBJECT_ROOT}.*.*.presence`;

/** How often a peer says it is there. */
export const PRESENCE_INTERVAL_MS = 1_000;

/** The cluster and peer named by a presence subject, or null when the subject is not one. */
export function parsePresenceSubject(subject: string): { cluster: string; peer: string } | null {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[0] !== SUBJECT_ROOT || parts[3] !== 'presence') return null;
  return { cluster: parts[1], peer: parts[2] };
}

/** Where a peer's replies arrive: only that peer may subscribe below it. */
export function peerInboxPrefix(cluster: string, peer: string): string {
  return `_INBOX.${SUBJECT_ROOT}-peer.${cluster}.${peer}`;
}

/** Where a Kea watcher's replies arrive (JetStream's publish acknowledgements). */
export function watcherInboxPrefix(cluster: string): string {
  return `_INBOX.${SUBJECT_ROOT}-watch.${cluster}`;
}

/** Where coordinators' replies arrive (requests to peers, JetStream's API and deliveries). */
export const COORDINATOR_INBOX_PREFIX = `_INBOX.${SUBJECT_ROOT}-coordinator`;

export function eventSubject(cluster: string, peer: string): string {
  return `${SUBJECT_ROOT}.${cluster}.${peer}.events`;
}

/** Every peer's events, every cluster: what the events JetStream stream captures. */
export const ALL_EVENT_SUBJECTS = `${SUBJECT_ROOT}.*.*.events`;

/** The JetStream stream that keeps events until the coordinator has committed them. */
export const EVENTS_STREAM = 'HACO_EVENTS';

/** The event-store stream id of one peer: its events form one gap-free sequence. */
export function streamId(cluster: string, peer: string): string {
  return `${cluster}/${peer}`;
}

/** The cluster and peer named by an event subject, or null when the subject is not one. */
export function parseEventSubject(subject: string): { cluster: string; peer: string } | null {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[0] !== SUBJECT_ROOT || parts[3] !== 'events') return null;
  return { cluster: parts[1], peer: parts[2] };
}
