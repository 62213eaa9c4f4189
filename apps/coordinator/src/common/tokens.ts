/** Injection tokens: explicit, because the coordinator also runs from esbuild bundles without type metadata. */
export const DATA_SOURCE = Symbol('DataSource');
export const EVENT_STORE = Symbol('EventStore');
export const STORE_OPTIONS = Symbol('EventStoreOptions');
export const NATS_CONNECTION = Symbol('NatsConnection');
/** The ClientProxy that carries operator commands to peers. */
export const PEER_COMMANDS = Symbol('PeerCommandsClient');
export const PROJECTIONS = Symbol('Projections');
export const LOGGER = Symbol('Logger');
