import { z } from 'zod';
import type { HaConfig } from '@haco/ha-core';
import { HaConfigError, parseHaConfig } from '@haco/ha-core';
import { subjectTokenError } from '@haco/contracts';
import type { AddressPool } from '../leases/address-pool';
import { DEFAULT_POOL } from '../leases/address-pool';
import { ipv4ToNumber } from '../leases/lease';
import { PeerConfigError } from './peer-config-error';
import { checkKeaPartners } from './kea-partners';
import { NATS_SCHEMA, natsSettings } from '@haco/nats';
import type { NatsSettings } from '@haco/nats';
import type { HooksSettings } from './hook-settings';
import { HOOKS_SCHEMA, hooksSettings } from './hook-settings';

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

/** Everything a peer needs to start, validated as a whole before anything starts. */
export interface PeerSettings {
  readonly cluster: string;
  readonly nats: NatsSettings;
  readonly ha: HaConfig;
  /** Where the HA relationship is in the file (`high-availability`, or inside the HA hook's parameters). */
  readonly haPath: string;
  readonly leases: LeaseStoreSettings;
  /** Where the peer keeps its outbox of events (and, with sqlite, nothing else). */
  readonly dataDir: string;
  /** Keep every published envelope in the data dir's archive.jsonl (audits, the soak checker). */
  readonly outboxArchive: boolean;
  /**
   * Partners that are real Kea servers: reached over Kea's HA HTTP channel at their `url`, and answered
   * on this peer's own `url` (empty: every partner is a haco peer on NATS, and no HTTP is served).
   */
  readonly keaPartners: readonly string[];
  /** Executables or local URLs run on the peer's events (docs/operations.md, callbacks). */
  readonly hooks: HooksSettings;
  /** The peer's log level (debug, info, warn, error); null: HACO_LOG_LEVEL's, else info. */
  readonly logLevel: string | null;
}

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What must be true of each setting beside the HA relationship, with the texts a user reads. */
const positiveInteger = (name: string) =>
  z
    .int({ error: `'${name}' must be a positive integer` })
    .min(1, { error: `'${name}' must be a positive integer` })
    .max(0xffffffff, { error: `'${name}' must be a positive integer` });
const SUBJECT_TOKEN = (name: string) =>
  z.custom<string>((value) => subjectTokenError(`'${name}'`, value) === null, {
    error: (issue) => subjectTokenError(`'${name}'`, issue.input) ?? `'${name}' is not valid`,
  });

const LEASES_SCHEMA = z
  .object(
    {
      store: z
        .unknown()
        .refine((store) => store === undefined || store === 'memory' || store === 'sqlite', {
          error: (issue) => `unsupported lease store ${JSON.stringify(issue.input)} (memory or sqlite)`,
        })
        .optional(),
      path: z.unknown().optional(),
      pool: z.unknown().optional(),
      'valid-lifetime': positiveInteger('valid-lifetime').optional(),
      'subnet-id': positiveInteger('subnet-id').optional(),
    },
    { error: "'leases' must be a map" },
  )
  .strict();

/**
 * The peer's file. Strict: a misspelled key is refused, not ignored. `high-availability` (or the HA hook's
 * parameters inside `Dhcp4`) is read by Kea's own parser, with Kea's texts; `Dhcp4` is Kea's to define.
 */
const PEER_SCHEMA = z
  .object(
    {
      cluster: SUBJECT_TOKEN('cluster').default('default'),
      nats: NATS_SCHEMA.optional(),
      leases: LEASES_SCHEMA.optional(),
      'data-dir': z
        .string({ error: "'data-dir' must be a non-empty string" })
        .min(1, { error: "'data-dir' must be a non-empty string" })
        .optional(),
      'outbox-archive': z.boolean({ error: "'outbox-archive' must be a boolean" }).default(false),
      'kea-partners': z
        .array(z.string({ error: "'kea-partners' must be a list of peer names" }), {
          error: "'kea-partners' must be a list of peer names",
        })
        .default([]),
      hooks: HOOKS_SCHEMA.optional(),
      'log-level': z
        .enum(['debug', 'info', 'warn', 'error'], { error: "'log-level' must be debug, info, warn or error" })
        .optional(),
      'high-availability': z.unknown().optional(),
      Dhcp4: z.unknown().optional(),
    },
    { error: 'the configuration must be a JSON object' },
  )
  .strict();

type PeerFile = z.infer<typeof PEER_SCHEMA>;

/**
 * Reads a peer configuration: `{"cluster", "nats", "high-availability", "leases"}`, or a whole Kea
 * `Dhcp4` configuration whose HA hook library carries the `high-availability` parameters (with
 * `cluster`, `nats` and `leases` beside `Dhcp4`).
 */
export function readPeerSettings(raw: unknown): PeerSettings {
  const parsed = PEER_SCHEMA.safeParse(raw);
  if (!parsed.success) throw configError(parsed.error);
  const file = parsed.data;
  const { value: haValue, path: haPath } = locateHighAvailability(file);
  let ha: HaConfig;
  try {
    ha = parseHaConfig(haValue);
  } catch (error) {
    if (error instanceof HaConfigError) throw new PeerConfigError(error.keaText, `${haPath}${error.path}`);
    throw error;
  }
  const nameError = subjectTokenError("'this-server-name'", ha.thisServerName);
  if (nameError !== null) throw new PeerConfigError(nameError, `${haPath}[0].this-server-name`);
  checkKeaPartners(file['kea-partners'], ha);
  return {
    cluster: file.cluster,
    outboxArchive: file['outbox-archive'],
    keaPartners: file['kea-partners'],
    hooks: hooksSettings(file.hooks),
    logLevel: file['log-level'] ?? null,
    nats: natsSettings(file.nats),
    ha,
    haPath,
    leases: readLeases(file.leases, leaseDefaults(file.Dhcp4)),
    dataDir: file['data-dir'] ?? `data/${file.cluster}/${ha.thisServerName}`,
  };
}

/** The first problem zod found, as the refusal a user reads: the reason and the field's path. */
function configError(error: z.ZodError): PeerConfigError {
  const issue = error.issues[0];
  const path = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    return new PeerConfigError(
      `unknown setting${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`,
      path,
    );
  }
  return new PeerConfigError(issue.message, path);
}

function locateHighAvailability(raw: PeerFile): { value: unknown; path: string } {
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

/** A whole Kea Dhcp4 configuration gives the lifetime and the first subnet's id; otherwise haco's defaults. */
function leaseDefaults(dhcp4: unknown): LeaseDefaults {
  const config = isMap(dhcp4) ? dhcp4 : {};
  const subnets = Array.isArray(config['subnet4']) ? config['subnet4'] : [];
  const first: unknown = subnets[0];
  const subnetId = isMap(first) && typeof first['id'] === 'number' ? first['id'] : DEFAULT_SUBNET_ID;
  const lifetime = config['valid-lifetime'];
  return { subnetId, validLifetime: typeof lifetime === 'number' ? lifetime : DEFAULT_VALID_LIFETIME };
}

function readLeases(
  value: z.infer<typeof LEASES_SCHEMA> | undefined,
  defaults: LeaseDefaults,
): LeaseStoreSettings {
  const common = {
    pool: readPool(value?.pool),
    subnetId: value?.['subnet-id'] ?? defaults.subnetId,
    validLifetime: value?.['valid-lifetime'] ?? defaults.validLifetime,
  };
  if (value?.store !== 'sqlite') return { store: 'memory', ...common };
  if (typeof value.path !== 'string' || value.path.length === 0) {
    throw new PeerConfigError("a sqlite lease store needs a 'path'", 'leases.path');
  }
  return { store: 'sqlite', path: value.path, ...common };
}
