import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { EventStoreOptions, PostgresStoreOptions } from '@haco/event-store';

const text = (what: string) => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });
const file = (what: string) => text(`the path of ${what}`).optional();

/**
 * The event store: SQLite (the default: a file, one coordinator) or PostgreSQL (a URL or its parts, TLS,
 * one or several coordinators on one database). Fields of the other kind are refused, not ignored.
 */
export const DATABASE_SCHEMA = z
  .object({
    type: z.enum(['sqlite', 'postgres'], { error: 'must be sqlite or postgres' }).default('sqlite'),
    path: text('the path of the SQLite file').optional(),
    synchronous: z
      .enum(['OFF', 'NORMAL', 'FULL', 'EXTRA'], { error: 'must be one of OFF, NORMAL, FULL, EXTRA' })
      .optional(),
    url: z
      .string({ error: 'must be a postgres:// URL' })
      .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// URL' })
      .optional(),
    host: text('a host name or address').optional(),
    port: z
      .int({ error: 'must be a port number' })
      .min(1, { error: 'must be a port number' })
      .max(65535, { error: 'must be a port number' })
      .optional(),
    user: text('a user name').optional(),
    password: z.string({ error: 'must be a string' }).optional(),
    database: text('a database name').optional(),
    poolSize: z
      .int({ error: 'must be an integer from 2 to 100' })
      .min(2, { error: 'must be an integer from 2 to 100' })
      .max(100, { error: 'must be an integer from 2 to 100' })
      .optional(),
    tls: z
      .object({
        rejectUnauthorized: z.boolean({ error: 'must be true or false' }).default(true),
        caFile: file('the CA certificate (PEM)'),
        certFile: file('the client certificate (PEM)'),
        keyFile: file('the client key (PEM)'),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((db, ctx) => {
    const only = (kind: string, keys: (keyof typeof db)[]) => {
      for (const key of keys)
        if (db[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], message: `is a ${kind} setting (type is ${db.type})` });
    };
    if (db.type === 'sqlite')
      only('postgres', ['url', 'host', 'port', 'user', 'password', 'database', 'poolSize', 'tls']);
    else {
      only('sqlite', ['path', 'synchronous']);
      if (db.url === undefined && (db.host === undefined || db.database === undefined))
        ctx.addIssue({
          code: 'custom',
          path: ['url'],
          message: 'or host and database must be given for postgres',
        });
    }
  })
  .transform((db): DatabaseSettings => {
    if (db.type === 'sqlite')
      return {
        type: 'sqlite',
        path: db.path ?? 'data/coordinator/events.sqlite',
        synchronous: db.synchronous ?? 'FULL',
      };
    const { type, path, synchronous, tls, ...connection } = db;
    void [type, path, synchronous];
    return { type: 'postgres', ...connection, ...(tls === undefined ? {} : { tls }) };
  });

export type DatabaseSettings =
  | {
      readonly type: 'sqlite';
      readonly path: string;
      readonly synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
    }
  | (Omit<PostgresStoreOptions, 'tls' | 'readOnly' | 'migrations'> & {
      /** The store's TLS, with its certificates as files (read at boot by storeOptions). */
      readonly tls?: {
        readonly rejectUnauthorized: boolean;
        readonly caFile?: string;
        readonly certFile?: string;
        readonly keyFile?: string;
      };
    });

/** The store's options from the settings: TLS files are read here, at boot, so a bad path stops it. */
export function storeOptions(db: DatabaseSettings): EventStoreOptions {
  if (db.type === 'sqlite') return db;
  const { tls, ...connection } = db;
  if (tls === undefined) return connection;
  const read = (path: string | undefined) => (path === undefined ? undefined : readFileSync(path, 'utf8'));
  return {
    ...connection,
    tls: {
      rejectUnauthorized: tls.rejectUnauthorized,
      ca: read(tls.caFile),
      cert: read(tls.certFile),
      key: read(tls.keyFile),
    },
  };
}

/** Where the log is, for a log line: never the password. */
export function describeDatabase(db: DatabaseSettings): string {
  if (db.type === 'sqlite') return db.path;
  if (db.url !== undefined) {
    const url = new URL(db.url);
    url.password = url.password === '' ? '' : '***';
    return url.toString();
  }
  return `postgres://${db.user ?? ''}@${db.host ?? ''}:${db.port ?? 5432}/${db.database ?? ''}`;
}
