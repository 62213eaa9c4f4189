import type { HaState } from '../states';

export const HA_MODES = ['load-balancing', 'hot-standby', 'passive-backup'] as const;
export type HaMode = (typeof HA_MODES)[number];

export const PEER_ROLES = ['primary', 'secondary', 'standby', 'backup'] as const;
export type PeerRole = (typeof PEER_ROLES)[number];

export const PAUSE_MODES = ['always', 'once', 'never'] as const;
export type PauseMode = (typeof PAUSE_MODES)[number];

export interface BasicAuth {
  readonly user: string;
  readonly password?: string;
  readonly passwordFile?: string;
}

export interface PeerConfig {
  readonly name: string;
  readonly url: string;
  readonly role: PeerRole;
  readonly autoFailover: boolean;
  readonly basicAuth?: BasicAuth;
  readonly trustAnchor?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
}

export interface MultiThreadingConfig {
  readonly enableMultiThreading: boolean;
  readonly httpDedicatedListener: boolean;
  readonly httpListenerThreads: number;
  readonly httpClientThreads: number;
}

/** One validated HA relationship, every parameter with its Kea 2.2.0 default filled in (spec 6). */
export interface HaConfig {
  readonly thisServerName: string;
  readonly mode: HaMode;
  readonly sendLeaseUpdates: boolean;
  readonly syncLeases: boolean;
  readonly syncTimeoutMs: number;
  readonly syncPageLimit: number;
  readonly delayedUpdatesLimit: number;
  readonly heartbeatDelayMs: number;
  readonly maxResponseDelayMs: number;
  readonly maxAckDelayMs: number;
  readonly maxUnackedClients: number;
  readonly waitBackupAck: boolean;
  readonly requireClientCerts: boolean;
  readonly restrictCommands: boolean;
  readonly trustAnchor?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly multiThreading: MultiThreadingConfig;
  /** Only states configured with `always` or `once`; every other state never pauses. */
  readonly pausing: Readonly<Partial<Record<HaState, PauseMode>>>;
  /** Peers in Kea's order: sorted by name, as Kea keeps them in a map. */
  readonly peers: readonly PeerConfig[];
}
