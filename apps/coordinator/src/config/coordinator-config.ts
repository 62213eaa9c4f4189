import { dirname, join } from 'node:path';
import { durationMs } from '@haco/event-store';
import type { RetentionSettings } from './retention-settings';
import { RETENTION_SCHEMA } from './retention-settings';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { NatsSettings } from '@haco/nats';
import { DEFAULT_EVENTS_MAX_BYTES } from '@haco/nats';
import { settingsError } from './settings-error';
import type { AuthSettings } from './auth-settings';
import { AUTH_SCHEMA } from './auth-settings';
import type { DatabaseSettings } from './database-settings';
import { DATABASE_SCHEMA } from './database-settings';

export interface CoordinatorSettings {
  /**
   * NATS, and the events stream the coordinator creates when there is none: how many copies
   * (HACO_EVENTS_REPLICAS, 1 to 5) and how many bytes it may hold while waiting (HACO_EVENTS_MAX_BYTES).
   */
  readonly nats: NatsSettings & {
    readonly eventsReplicas: number;
    readonly eventsMaxBytes: number;
    readonly maxSeqAhead: number;
  };
  readonly database: DatabaseSettings;
  /** `sseKeepAliveMs`: how often a quiet live stream gets a comment line. */
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly sseKeepAliveMs: number;
    readonly sseStallMs: number;
    readonly tls?: { readonly certFile: string; readonly keyFile: string };
  };
  readonly auth: AuthSettings;
  readonly retention: RetentionSettings;
  /** debug, info, warn or error; HACO_LOG_LEVEL wins over the file. Taken again on SIGHUP. */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** A number of milliseconds from 100 to 600,000 (ten minutes). */
const milliseconds = (fallback: number) => {
  const error = 'must be a number of milliseconds from 100 to 600000';
  return z.int({ error }).min(100, { error }).max(600_000, { error }).default(fallback);
};

const text = (what: string) => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });

/**
 * Every setting of the coordinator, as the file spells it. Objects are strict: a misspelled key is refused
 * rather than ignored, and each refusal names the field's path.
 */
const SETTINGS_SCHEMA = z
  .object({
    nats: z
      .object({
        servers: z
          .array(text('a NATS URL'), { error: 'must be a list of NATS URLs' })
          .min(1, { error: 'must name at least one NATS server' })
          .default(['nats://127.0.0.1:4222']),
        user: text('a user name').optional(),
        pass: text('a password').optional(),
        token: text('a token').optional(),
        credentials: text('the path of a .creds file').optional(),
        nkeyFile: text('the path of an nkey seed file').optional(),
        tls: z
          .object({
            caFile: text('the path of the CA certificate NATS presents'),
            certFile: text('the path of a client certificate').optional(),
            keyFile: text("the path of the client certificate's key").optional(),
          })
          .strict()
          .refine((tls) => (tls.certFile === undefined) === (tls.keyFile === undefined), {
            error: "'certFile' and 'keyFile' go together",
          })
          .optional(),
        /** How far past its stream's head an event is held for a gap to fill; further is refused. */
        maxSeqAhead: z
          .int({ error: 'must be an integer from 1' })
          .min(1, { error: 'must be an integer from 1' })
          .default(100_000),
        eventsReplicas: z
          .int({ error: 'must be an integer from 1 to 5' })
          .min(1, { error: 'must be an integer from 1 to 5' })
          .max(5, { error: 'must be an integer from 1 to 5' })
          .default(1),
        eventsMaxBytes: z
          .int({ error: 'must be a number of bytes, at least 1 MiB' })
          .min(1024 * 1024, { error: 'must be a number of bytes, at least 1 MiB' })
          .default(DEFAULT_EVENTS_MAX_BYTES),
      })
      .strict()
      .refine((nats) => (nats.user === undefined) === (nats.pass === undefined), {
        error: "'user' and 'pass' go together",
      })
      .prefault({}),
    database: DATABASE_SCHEMA.prefault({}),
    http: z
      .object({
        host: text('a host name or address').default('127.0.0.1'),
        port: z
          .int({ error: 'must be a port number' })
          .min(0, { error: 'must be a port number' })
          .max(65535, { error: 'must be a port number' })
          .default(8080),
        sseKeepAliveMs: milliseconds(15_000),
        /** How long a live (SSE) reader may take nothing before it is disconnected. */
        sseStallMs: milliseconds(30_000),
        /** HTTPS instead of HTTP: the server's certificate (chain) and its key (0600). */
        tls: z
          .object({
            certFile: text('the path of the certificate the API presents'),
            keyFile: text("the path of the certificate's key"),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    auth: AUTH_SCHEMA.prefault({}),
    retention: RETENTION_SCHEMA.prefault({}),
    logLevel: z
      .enum(['debug', 'info', 'warn', 'error'], { error: 'must be debug, info, warn or error' })
      .optional(),
  })
  .strict();

type RawSettings = Record<string, Record<string, unknown>>;

/** The environment variables, each set on its field of the file's shape; they win over the file. */
const ENVIRONMENT: readonly [string, string, string, (value: string) => unknown][] = [
  ['HACO_NATS_URL', 'nats', 'servers', (v) => v.split(',')],
  ['HACO_NATS_USER', 'nats', 'user', (v) => v],
  ['HACO_NATS_PASS', 'nats', 'pass', (v) => v],
  ['HACO_NATS_NKEY_FILE', 'nats', 'nkeyFile', (v) => v],
  ['HACO_NATS_TLS_CA', 'nats', 'tls.caFile', (v) => v],
  ['HACO_NATS_TLS_CERT', 'nats', 'tls.certFile', (v) => v],
  ['HACO_NATS_TLS_KEY', 'nats', 'tls.keyFile', (v) => v],
  ['HACO_MAX_SEQ_AHEAD', 'nats', 'maxSeqAhead', (v) => number(v)],
  ['HACO_EVENTS_REPLICAS', 'nats', 'eventsReplicas', (v) => number(v)],
  ['HACO_EVENTS_MAX_BYTES', 'nats', 'eventsMaxBytes', (v) => number(v)],
  ['HACO_DB', 'database', 'path', (v) => v],
  ['HACO_DB_SYNCHRONOUS', 'database', 'synchronous', (v) => v],
  ['HACO_DB_TYPE', 'database', 'type', (v) => v],
  ['HACO_DB_URL', 'database', 'url', (v) => v],
  ['HACO_DB_HOST', 'database', 'host', (v) => v],
  ['HACO_DB_PORT', 'database', 'port', (v) => number(v)],
  ['HACO_DB_USER', 'database', 'user', (v) => v],
  ['HACO_DB_PASSWORD', 'database', 'password', (v) => v],
  ['HACO_DB_NAME', 'database', 'database', (v) => v],
  ['HACO_DB_POOL_SIZE', 'database', 'poolSize', (v) => number(v)],
  ['HACO_HTTP_HOST', 'http', 'host', (v) => v],
  ['HACO_HTTP_PORT', 'http', 'port', (v) => number(v)],
  ['HACO_SSE_KEEPALIVE_MS', 'http', 'sseKeepAliveMs', (v) => number(v)],
  ['HACO_SSE_STALL_MS', 'http', 'sseStallMs', (v) => number(v)],
  ['HACO_HTTPS_CERT', 'http', 'tls.certFile', (v) => v],
  ['HACO_HTTPS_KEY', 'http', 'tls.keyFile', (v) => v],
  ['HACO_API_TOKEN', 'auth', 'token', (v) => v],
  ['HACO_API_TOKEN_NAME', 'auth', 'tokenName', (v) => v],
  ['HACO_TOKENS_FILE', 'auth', 'tokensFile', (v) => v],
  ['HACO_TWO_PERSON_STATES', 'auth', 'twoPersonStates', (v) => v.split(',').filter((s) => s.length > 0)],
  ['HACO_JWT_PUBLIC_KEY_FILE', 'auth', 'jwt.publicKeyFile', (v) => v],
  ['HACO_JWT_JWKS_FILE', 'auth', 'jwt.jwksFile', (v) => v],
  ['HACO_JWT_ISSUER', 'auth', 'jwt.issuer', (v) => v],
  ['HACO_JWT_AUDIENCE', 'auth', 'jwt.audience', (v) => v],
  ['HACO_JWT_NAME_CLAIM', 'auth', 'jwt.nameClaim', (v) => v],
  ['HACO_JWT_ROLE_CLAIM', 'auth', 'jwt.roleClaim', (v) => v],
  ['HACO_RETENTION_HEARTBEATS', 'retention', 'heartbeats', (v) => v],
  ['HACO_ARCHIVE_DIR', 'retention', 'archiveDir', (v) => v],
  ['HACO_SNAPSHOT_EVERY', 'retention', 'snapshotEvery', (v) => number(v)],
  ['HACO_RETENTION_INTERVAL_MS', 'retention', 'intervalMs', (v) => number(v)],
  ['HACO_PROTECT_READS', 'auth', 'protectReads', (v) => (v === 'true' ? true : v === 'false' ? false : v)],
];

const asMap = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

const number = (value: string): unknown =>
  value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;

/**
 * The archive folder defaults to `archive/` beside a SQLite file; a PostgreSQL log shared by several
 * coordinators has no such place, so archiving to it must name one.
 */
function retentionSettings(
  retention: z.infer<typeof RETENTION_SCHEMA>,
  database: DatabaseSettings,
): RetentionSettings {
  const heartbeatsMs = retention.heartbeats === undefined ? null : durationMs(retention.heartbeats);
  let archiveDir = retention.archiveDir ?? null;
  if (archiveDir === null && database.type === 'sqlite') archiveDir = join(dirname(database.path), 'archive');
  if (heartbeatsMs !== null && archiveDir === null) {
    throw new Error('retention.archiveDir: must be a folder when retention.heartbeats is set on PostgreSQL');
  }
  const { snapshotEvery, intervalMs, batch } = retention;
  return { heartbeatsMs, archiveDir, snapshotEvery, intervalMs, batch };
}

/**
 * Reads `--config FILE` (JSON with any of nats, database, http, auth) and the environment, which wins over
 * the file, and validates the whole before anything starts. Throws one line naming the field.
 */
export function readCoordinatorSettings(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): CoordinatorSettings {
  const index = argv.indexOf('--config');
  const file = index >= 0 ? argv[index + 1] : undefined;
  let raw: unknown = {};
  if (file !== undefined) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`cannot read ${file}: ${(error as Error).message}`);
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error('the configuration must be a JSON object');
  const merged: RawSettings = { ...(raw as RawSettings) };
  if (env.HACO_LOG_LEVEL !== undefined) (merged as Record<string, unknown>).logLevel = env.HACO_LOG_LEVEL;
  for (const [name, section, key, parse] of ENVIRONMENT) {
    const value = env[name];
    if (value === undefined) continue;
    // `tls.certFile`: a field of a map inside the section.
    const [outer, inner] = key.split('.');
    const current = asMap(merged[section]);
    merged[section] = {
      ...current,
      [outer]: inner === undefined ? parse(value) : { ...asMap(current[outer]), [inner]: parse(value) },
    };
  }
  const parsed = SETTINGS_SCHEMA.safeParse(merged);
  if (!parsed.success) throw new Error(settingsError(parsed.error));
  const { retention, ...rest } = parsed.data;
  return { ...rest, retention: retentionSettings(retention, rest.database) };
}
