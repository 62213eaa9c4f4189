import type { HaConfig } from '@haco/ha-core';
import { HaConfigError, parseHaConfig } from '@haco/ha-core';
import { subjectTokenError } from '@haco/contracts';
import { ipv4ToNumber } from '../leases/lease';

import type { NatsSettings } from '@haco/nats';

export interface AddressPool {
  readonly first: string;
  readonly last: string;
}

export type LeaseStoreSettings = (
  { readonly store: 'memory' } | { readonly store: 'sqlite'; readonly path: string }
) & {
  /** Addresses `dhcp4-query` allocates from. */
  readonly pool: AddressPool;
  /** The subnet and lifetime of the leases it hands out (Kea's `subnet4[].id` and `valid-lifetime`). */
  readonly subnetId: number;
  readonly validLifetime: number;
};

/** The lifetime and subnet id of leases when the configuration names none (haco's defaults since 0.1). */
export const DEFAULT_VALID_LIFETIME = 3600;
export const DEFAULT_SUBNET_ID = 1;

export const DEFAULT_POOL: AddressPool = { first: '192.0.2.10', last: '192.0.2.250' };

/** Everything a peer needs to start, validated as a whole before anything starts. */
export interface PeerSettings {
  readonly cluster: string;
  readonly nats: NatsSettings;
  readonly ha: HaConfig;
  readonly leases: LeaseStoreSettings;
  /** Where the peer keeps its outbox of events (and, with sqlite, nothing else). */
  readonly dataDir: string;
  /** Keep every published envelope in the data dir's archive.jsonl (audits, the soak checker). */
  readonly outboxArchive: boolean;
}

/** A refused peer configuration: the reason and the path of the offending field. */
export class PeerConfigError extends Error {
  constructor(
    readonly reason: string,
    readonly path: string,
  ) {
    super(path.length > 0 ? `${reason} (at ${path})` : reason);
    this.name = 'PeerConfigError';
  }
}

export const DEFAULT_NATS_SERVER = 'nats://127.0.0.1:4222';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a peer configuration: `{"cluster", "nats", "high-availability", "leases"}`, or a whole Kea
 * `Dhcp4` configuration whose HA hook library carries the `high-availability` parameters (with
 * `cluster`, `nats` and `leases` beside `Dhcp4`).
 */
export function readPeerSettings(raw: unknown): PeerSettings {
  if (!isMap(raw)) throw new PeerConfigError('the configuration must be a JSON object', '');
  const { value: haValue, path: haPath } = locateHighAvailability(raw);
  let ha: HaConfig;
  try {
    ha = parseHaConfig(haValue);
  } catch (error) {
    if (error instanceof HaConfigError) throw new PeerConfigError(error.keaText, `${haPath}${error.path}`);
    throw error;
  }
  const cluster = raw['cluster'] ?? 'default';
  const clusterError = subjectTokenError("'cluster'", cluster);
  if (clusterError !== null) throw new PeerConfigError(clusterError, 'cluster');
  const nameError = subjectTokenError("'this-server-name'", ha.thisServerName);
  if (nameError !== null) throw new PeerConfigError(nameError, `${haPath}[0].this-server-name`);
  const dataDir = raw['data-dir'] ?? `data/${cluster as string}/${ha.thisServerName}`;
  if (typeof dataDir !== 'string' || dataDir.length === 0) {
    throw new PeerConfigError("'data-dir' must be a non-empty string", 'data-dir');
  }
  const outboxArchive = raw['outbox-archive'] ?? false;
  if (typeof outboxArchive !== 'boolean') {
    throw new PeerConfigError("'outbox-archive' must be a boolean", 'outbox-archive');
  }
  return {
    cluster: cluster as string,
    outboxArchive,
    nats: readNats(raw['nats']),
    ha,
    leases: readLeases(raw['leases'], leaseDefaults(raw['Dhcp4'])),
    dataDir,
  };
}

function locateHighAvailability(raw: Json): { value: unknown; path: string } {
  if (raw['high-availability'] !== undefined)
    return { value: raw['high-availability'], path: 'high-availability' };
  const dhcp4 = raw['Dhcp4'];
  if (!isMap(dhcp4)) {
    throw new PeerConfigError("no 'high-availability' list and no 'Dhcp4' configuration carrying one", '');
  }
  const hooks = dhcp4['hooks-libraries'];
  if (!Array.isArray(hooks))
    throw new PeerConfigError("'hooks-libraries' must be a list", 'Dhcp4.hooks-libraries');
  const index = hooks.findIndex(
    (h) => isMap(h) && typeof h['library'] === 'string' && /libdhcp_ha\.so$/.test(h['library']),
  );
  if (index < 0)
    throw new PeerConfigError('no libdhcp_ha.so hook library is configured', 'Dhcp4.hooks-libraries');
  const parameters = (hooks[index] as Json)['parameters'];
  const path = `Dhcp4.hooks-libraries[${index}].parameters`;
  if (!isMap(parameters)) throw new PeerConfigError("the HA hook library has no 'parameters' map", path);
  return { value: parameters['high-availability'], path: `${path}.high-availability` };
}

function readNats(value: unknown): NatsSettings {
  if (value === undefined) return { servers: [DEFAULT_NATS_SERVER] };
  if (!isMap(value)) throw new PeerConfigError("'nats' must be a map", 'nats');
  const servers = value['servers'] ?? [DEFAULT_NATS_SERVER];
  if (
    !Array.isArray(servers) ||
    servers.length === 0 ||
    !servers.every((s) => typeof s === 'string' && s.length > 0)
  ) {
    throw new PeerConfigError("'servers' must be a non-empty list of NATS URLs", 'nats.servers');
  }
  const settings: { -readonly [K in keyof NatsSettings]: NatsSettings[K] } = { servers };
  for (const key of ['user', 'pass', 'token', 'credentials'] as const) {
    const field = value[key];
    if (field === undefined) continue;
    if (typeof field !== 'string') throw new PeerConfigError(`'${key}' must be a string`, `nats.${key}`);
    settings[key] = field;
  }
  if ((settings.user === undefined) !== (settings.pass === undefined)) {
    throw new PeerConfigError("'user' and 'pass' go together", 'nats');
  }
  return settings;
}

function readPool(value: unknown): AddressPool {
  if (value === undefined) return DEFAULT_POOL;
  const match = typeof value === 'string' ? /^\s*([\d.]+)\s*-\s*([\d.]+)\s*$/.exec(value) : null;
  const first = match ? ipv4ToNumber(match[1]) : null;
  const last = match ? ipv4ToNumber(match[2]) : null;
  if (match === null || first === null || last === null || first > last) {
    throw new PeerConfigError('\'pool\' must read "<first IPv4> - <last IPv4>"', 'leases.pool');
  }
  return { first: match[1], last: match[2] };
}

interface LeaseDefaults {
  readonly subnetId: number;
  readonly validLifetime: number;
}

/** A whole Kea Dhcp4 configuration gives the lifetime and the first subnet's id; otherwise Kea's defaults. */
function leaseDefaults(dhcp4: unknown): LeaseDefaults {
  const config = isMap(dhcp4) ? dhcp4 : {};
  const subnets = Array.isArray(config['subnet4']) ? config['subnet4'] : [];
  const first: unknown = subnets[0];
  const subnetId = isMap(first) && typeof first['id'] === 'number' ? first['id'] : DEFAULT_SUBNET_ID;
  const lifetime = config['valid-lifetime'];
  return { subnetId, validLifetime: typeof lifetime === 'number' ? lifetime : DEFAULT_VALID_LIFETIME };
}

function positiveInteger(value: unknown, fallback: number, path: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 0xffffffff) {
    throw new PeerConfigError(`'${path.split('.').pop()}' must be a positive integer`, path);
  }
  return value;
}

function readLeases(value: unknown, defaults: LeaseDefaults): LeaseStoreSettings {
  if (value === undefined) return { store: 'memory', pool: DEFAULT_POOL, ...defaults };
  if (!isMap(value)) throw new PeerConfigError("'leases' must be a map", 'leases');
  const pool = readPool(value['pool']);
  const subnetId = positiveInteger(value['subnet-id'], defaults.subnetId, 'leases.subnet-id');
  const validLifetime = positiveInteger(
    value['valid-lifetime'],
    defaults.validLifetime,
    'leases.valid-lifetime',
  );
  const common = { pool, subnetId, validLifetime };
  const store = value['store'] ?? 'memory';
  if (store === 'memory') return { store, ...common };
  if (store === 'sqlite') {
    const path = value['path'];
    if (typeof path !== 'string' || path.length === 0) {
      throw new PeerConfigError("a sqlite lease store needs a 'path'", 'leases.path');
    }
    return { store, path, ...common };
  }
  throw new PeerConfigError(
    `unsupported lease store ${JSON.stringify(store)} (memory or sqlite)`,
    'leases.store',
  );
}
