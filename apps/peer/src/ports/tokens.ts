/**
 * Injection tokens of the peer. Explicit, because the peer also runs from esbuild bundles (and tsx), which
 * emit no constructor type metadata for Nest to read.
 */
export const PEER_SETTINGS = Symbol('PeerSettings');
export const NATS_CONNECTION = Symbol('NatsConnection');
export const LEASE_STORE = Symbol('LeaseStore');
export const CLOCK = Symbol('Clock');
export const IDS = Symbol('IdSource');
export const LOGGER = Symbol('Logger');
export const PARTNER_PROXY = Symbol('PartnerClientProxy');
export const EVENTS_STREAM_OPTIONS = Symbol('EventsStreamOptions');
