import { z } from 'zod';
import type { NatsSettings } from './connection-options';

/** Where a process connects when its file names no NATS server. */
export const DEFAULT_NATS_SERVER = 'nats://127.0.0.1:4222';

const setting = (name: string) => z.string({ error: `'${name}' must be a string` });

/**
 * A configuration file's `nats` map (a peer's, a watcher's): the servers, one way in (an nkey seed file, user and password, a token or a
 * creds file) and TLS (the CA, and a client certificate when the server asks for one).
 */
export const NATS_SCHEMA = z
  .object(
    {
      servers: z
        .array(z.string().min(1), { error: "'servers' must be a non-empty list of NATS URLs" })
        .min(1, { error: "'servers' must be a non-empty list of NATS URLs" })
        .default([DEFAULT_NATS_SERVER]),
      user: setting('user').optional(),
      pass: setting('pass').optional(),
      token: setting('token').optional(),
      credentials: setting('credentials').optional(),
      'nkey-file': setting('nkey-file').optional(),
      tls: z
        .object(
          {
            'ca-file': setting('ca-file'),
            'cert-file': setting('cert-file').optional(),
            'key-file': setting('key-file').optional(),
          },
          {
            error:
              "'tls' must be a map with 'ca-file' (and 'cert-file' and 'key-file' for a client certificate)",
          },
        )
        .strict()
        .refine((tls) => (tls['cert-file'] === undefined) === (tls['key-file'] === undefined), {
          error: "'cert-file' and 'key-file' go together",
        })
        .optional(),
    },
    { error: "'nats' must be a map" },
  )
  .strict()
  .refine((nats) => (nats.user === undefined) === (nats.pass === undefined), {
    error: "'user' and 'pass' go together",
  });

/** The file's `nats` map in the shape every haco process connects with. */
export function natsSettings(nats: z.infer<typeof NATS_SCHEMA> | undefined): NatsSettings {
  if (nats === undefined) return { servers: [DEFAULT_NATS_SERVER] };
  const { 'nkey-file': nkeyFile, tls, ...rest } = nats;
  return {
    ...rest,
    ...(nkeyFile === undefined ? {} : { nkeyFile }),
    ...(tls === undefined
      ? {}
      : {
          tls: {
            caFile: tls['ca-file'],
            ...(tls['cert-file'] === undefined
              ? {}
              : { certFile: tls['cert-file'], keyFile: tls['key-file'] }),
          },
        }),
  };
}
