import { readFileSync } from 'node:fs';
import type { SynchronousMode } from '@haco/event-store';
import type { NatsSettings } from '@haco/nats';

export interface CoordinatorSettings {
  /** NATS, and how many copies of the events stream to ask for (HACO_EVENTS_REPLICAS, 1 to 5). */
  readonly nats: NatsSettings & { readonly eventsReplicas: number };
  readonly database: { readonly path: string; readonly synchronous: SynchronousMode };
  readonly http: { readonly host: string; readonly port: number };
  /** Bearer token for every call that changes anything; reads need it too when `protectReads`. */
  readonly auth: { readonly token: string | null; readonly protectReads: boolean };
}

export const DEFAULT_SETTINGS: CoordinatorSettings = {
  nats: { servers: ['nats://127.0.0.1:4222'], eventsReplicas: 1 },
  database: { path: 'data/coordinator/events.sqlite', synchronous: 'FULL' },
  http: { host: '127.0.0.1', port: 8080 },
  auth: { token: null, protectReads: false },
};

const SYNCHRONOUS: readonly string[] = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

/** Reads `--config FILE` (JSON with any of nats, database, http); environment variables win over the file. */
export function loadCoordinatorSettings(argv: string[], env: NodeJS.ProcessEnv): CoordinatorSettings {
  const index = argv.indexOf('--config');
  const file = index >= 0 ? argv[index + 1] : undefined;
  const raw =
    file === undefined ? {} : (JSON.parse(readFileSync(file, 'utf8')) as Partial<CoordinatorSettings>);
  const settings: CoordinatorSettings = {
    nats: { ...DEFAULT_SETTINGS.nats, ...raw.nats },
    database: { ...DEFAULT_SETTINGS.database, ...raw.database },
    http: { ...DEFAULT_SETTINGS.http, ...raw.http },
    auth: { ...DEFAULT_SETTINGS.auth, ...raw.auth },
  };
  const withEnv: CoordinatorSettings = {
    nats: {
      ...settings.nats,
      ...(env.HACO_NATS_URL ? { servers: env.HACO_NATS_URL.split(',') } : {}),
      ...(env.HACO_EVENTS_REPLICAS ? { eventsReplicas: Number(env.HACO_EVENTS_REPLICAS) } : {}),
    },
    database: {
      path: env.HACO_DB ?? settings.database.path,
      synchronous: (env.HACO_DB_SYNCHRONOUS as SynchronousMode | undefined) ?? settings.database.synchronous,
    },
    http: {
      host: env.HACO_HTTP_HOST ?? settings.http.host,
      port: env.HACO_HTTP_PORT ? Number(env.HACO_HTTP_PORT) : settings.http.port,
    },
    auth: {
      token: env.HACO_API_TOKEN ?? settings.auth.token,
      protectReads:
        env.HACO_PROTECT_READS !== undefined ? env.HACO_PROTECT_READS === 'true' : settings.auth.protectReads,
    },
  };
  if (!SYNCHRONOUS.includes(withEnv.database.synchronous)) {
    throw new Error(`database.synchronous must be one of ${SYNCHRONOUS.join(', ')}`);
  }
  const replicas = withEnv.nats.eventsReplicas;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) {
    throw new Error('nats.eventsReplicas (HACO_EVENTS_REPLICAS) must be an integer from 1 to 5');
  }
  if (!Number.isInteger(withEnv.http.port) || withEnv.http.port < 0 || withEnv.http.port > 65535) {
    throw new Error('http.port must be a port number');
  }
  return withEnv;
}
