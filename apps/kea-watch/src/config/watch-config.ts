import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isSubjectToken } from '@haco/contracts';
import type { NatsSettings } from '@haco/nats';
import { NATS_SCHEMA, natsSettings } from '@haco/nats';

/** How the watcher reaches one Kea server's control channel. */
export type KeaControl =
  | { readonly socket: string }
  | {
      readonly url: string;
      readonly basicAuth?: { readonly user: string; readonly passwordFile: string };
      readonly trustAnchor?: string;
      readonly certFile?: string;
      readonly keyFile?: string;
    };

export interface WatchedServer {
  readonly name: string;
  readonly control: KeaControl;
  /** Kea's log file, read for HA lines so that no transition between two polls is lost. */
  readonly logFile?: string;
  readonly pollIntervalMs: number;
}

export interface WatchSettings {
  readonly cluster: string;
  readonly nats: NatsSettings;
  readonly dataDir: string;
  readonly servers: readonly WatchedServer[];
}

/** A refused watcher configuration: the reason and the path of the field. */
export class WatchConfigError extends Error {
  constructor(
    readonly reason: string,
    readonly path: string,
  ) {
    super(path.length > 0 ? `${reason} (at ${path})` : reason);
    this.name = 'WatchConfigError';
  }
}

const text = (name: string) =>
  z.string({ error: `'${name}' must be a string` }).min(1, { error: `'${name}' must not be empty` });
const token = (name: string) =>
  z.custom<string>(isSubjectToken, { error: `'${name}' must be letters, digits, '-' or '_'` });

const CONTROL = z.union(
  [
    z.object({ socket: text('socket') }).strict(),
    z
      .object({
        url: z.url({ protocol: /^https?$/, error: "'url' must be an http or https URL" }),
        'basic-auth-user': text('basic-auth-user').optional(),
        'basic-auth-password-file': text('basic-auth-password-file').optional(),
        'trust-anchor': text('trust-anchor').optional(),
        'cert-file': text('cert-file').optional(),
        'key-file': text('key-file').optional(),
      })
      .strict()
      .refine((c) => (c['basic-auth-user'] === undefined) === (c['basic-auth-password-file'] === undefined), {
        error: "'basic-auth-user' and 'basic-auth-password-file' go together",
      })
      .refine((c) => (c['cert-file'] === undefined) === (c['key-file'] === undefined), {
        error: "'cert-file' and 'key-file' go together",
      }),
  ],
  { error: '\'control\' must be {"socket"} or {"url", ...}' },
);

const FILE = z
  .object({
    cluster: token('cluster'),
    nats: NATS_SCHEMA.optional(),
    'data-dir': text('data-dir'),
    servers: z
      .array(
        z
          .object({
            name: token('name'),
            control: CONTROL,
            'log-file': text('log-file').optional(),
            'poll-interval': z
              .number({ error: "'poll-interval' must be milliseconds" })
              .int()
              .min(100, { error: "'poll-interval' must be at least 100 ms" })
              .default(1_000),
          })
          .strict(),
        { error: "'servers' must be a list" },
      )
      .min(1, { error: "'servers' must name at least one Kea server" })
      .refine((servers) => new Set(servers.map((s) => s.name)).size === servers.length, {
        error: 'each server is named once',
      }),
  })
  .strict();

/** Reads and validates the watcher's one configuration file; a refusal names the field's path. */
export function readWatchSettings(file: string): WatchSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new WatchConfigError(`cannot read ${file}: ${(error as Error).message}`, '');
  }
  const parsed = FILE.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WatchConfigError(issue.message, issue.path.join('.'));
  }
  const config = parsed.data;
  return {
    cluster: config.cluster,
    nats: natsSettings(config.nats),
    dataDir: config['data-dir'],
    servers: config.servers.map((server) => ({
      name: server.name,
      control: control(server.control),
      ...(server['log-file'] === undefined ? {} : { logFile: server['log-file'] }),
      pollIntervalMs: server['poll-interval'],
    })),
  };
}

function control(raw: z.infer<typeof CONTROL>): KeaControl {
  if ('socket' in raw) return { socket: raw.socket };
  const user = raw['basic-auth-user'];
  const passwordFile = raw['basic-auth-password-file'];
  return {
    url: raw.url,
    ...(user === undefined || passwordFile === undefined ? {} : { basicAuth: { user, passwordFile } }),
    ...(raw['trust-anchor'] === undefined ? {} : { trustAnchor: raw['trust-anchor'] }),
    ...(raw['cert-file'] === undefined ? {} : { certFile: raw['cert-file'], keyFile: raw['key-file'] }),
  };
}
