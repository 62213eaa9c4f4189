/** Injection tokens: explicit, because the coordinator also runs from esbuild bundles without type metadata. */
export const SETTINGS = Symbol('CoordinatorSettings');
export const DATA_SOURCE = Symbol('DataSource');
export const EVENT_STORE = Symbol('EventStore');
export const NATS = Symbol('NatsConnection');
export const INGEST = Symbol('EventIngest');
export const COMMANDS = Symbol('CommandService');
export const PROJECTIONS = Symbol('Projections');
