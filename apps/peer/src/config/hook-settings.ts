import { isIP } from 'node:net';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import type { HaState } from '@haco/ha-core';
import type { HookTrigger } from './hook-types';
import { HA_STATES } from '@haco/ha-core';

export const HOOK_TRIGGERS: readonly HookTrigger[] = [
  'state-entered',
  'paused',
  'continued',
  'dhcp-enabled',
  'dhcp-disabled',
  'scopes-changed',
];

/** One hook: what it runs on, and either an executable (argv, never a shell line) or a local URL to POST. */
export interface HookSettings {
  readonly name: string;
  readonly on: readonly HookTrigger[];
  /** Only on these states (the state the peer is in when the event happens); every state when absent. */
  readonly states: readonly HaState[] | null;
  readonly action:
    | { readonly kind: 'run'; readonly argv: readonly string[] }
    | { readonly kind: 'post'; readonly url: string };
  readonly timeoutMs: number;
  /** Runs after a failure or a timeout, each recorded; 0: none. */
  readonly retries: number;
  readonly retryDelayMs: number;
}

export interface HooksSettings {
  readonly hooks: readonly HookSettings[];
  /** Runs waiting at most; one more is recorded as dropped, never run, and the machine is not held. */
  readonly queueLimit: number;
}

export const NO_HOOKS: HooksSettings = { hooks: [], queueLimit: 100 };

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A URL a hook may POST to: http(s) on the loopback interface, so that a peer's events never leave the host. */
function localUrlError(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `'post' must be a URL, not ${JSON.stringify(value)}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return "'post' must be an http or https URL";
  const host = url.hostname;
  const loopback = LOOPBACK_NAMES.has(host) || (isIP(host) === 4 && host.startsWith('127.'));
  return loopback ? null : `'post' must be a local URL (localhost, 127.0.0.0/8 or [::1]), not ${url.host}`;
}

const HOOK_SCHEMA = z
  .object(
    {
      name: z
        .string({ error: "'name' must be a string of letters, digits, '-' or '_'" })
        .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "'name' must be a string of letters, digits, '-' or '_'" }),
      on: z
        .array(
          z.enum(HOOK_TRIGGERS as [HookTrigger, ...HookTrigger[]], {
            error: `'on' lists some of ${HOOK_TRIGGERS.join(', ')}`,
          }),
          {
            error: `'on' lists some of ${HOOK_TRIGGERS.join(', ')}`,
          },
        )
        .min(1, { error: `'on' lists some of ${HOOK_TRIGGERS.join(', ')}` }),
      states: z
        .array(
          z.enum(HA_STATES as unknown as [HaState, ...HaState[]], { error: "'states' lists HA states" }),
          {
            error: "'states' lists HA states",
          },
        )
        .optional(),
      run: z
        .array(z.string(), {
          error: "'run' must be a list: the executable's absolute path, then its arguments",
        })
        .min(1, { error: "'run' must be a list: the executable's absolute path, then its arguments" })
        .refine((argv) => isAbsolute(argv[0]), {
          error: "'run' must start with the executable's absolute path",
        })
        .optional(),
      post: z
        .string({ error: "'post' must be a URL" })
        .refine((url) => localUrlError(url) === null, {
          error: (issue) => localUrlError(String(issue.input)) ?? '',
        })
        .optional(),
      'timeout-ms': z
        .int({ error: "'timeout-ms' must be an integer from 1 to 600000" })
        .min(1, { error: "'timeout-ms' must be an integer from 1 to 600000" })
        .max(600_000, { error: "'timeout-ms' must be an integer from 1 to 600000" })
        .default(10_000),
      retries: z
        .int({ error: "'retries' must be an integer from 0 to 10" })
        .min(0, { error: "'retries' must be an integer from 0 to 10" })
        .max(10, { error: "'retries' must be an integer from 0 to 10" })
        .default(0),
      'retry-delay-ms': z
        .int({ error: "'retry-delay-ms' must be an integer from 0 to 600000" })
        .min(0, { error: "'retry-delay-ms' must be an integer from 0 to 600000" })
        .max(600_000, { error: "'retry-delay-ms' must be an integer from 0 to 600000" })
        .default(1_000),
    },
    { error: 'a hook must be a map' },
  )
  .strict()
  .refine((hook) => (hook.run === undefined) !== (hook.post === undefined), {
    error: "a hook has either 'run' or 'post', not both or neither",
  });

export const HOOKS_SCHEMA = z
  .object(
    {
      'queue-limit': z
        .int({ error: "'queue-limit' must be an integer from 1 to 10000" })
        .min(1, { error: "'queue-limit' must be an integer from 1 to 10000" })
        .max(10_000, { error: "'queue-limit' must be an integer from 1 to 10000" })
        .default(NO_HOOKS.queueLimit),
      list: z
        .array(HOOK_SCHEMA, { error: "'list' must be a list of hooks" })
        .refine((hooks) => new Set(hooks.map((hook) => hook.name)).size === hooks.length, {
          error: 'two hooks have the same name',
        }),
    },
    { error: "'hooks' must be a map" },
  )
  .strict();

export function hooksSettings(file: z.infer<typeof HOOKS_SCHEMA> | undefined): HooksSettings {
  if (file === undefined) return NO_HOOKS;
  return {
    queueLimit: file['queue-limit'],
    hooks: file.list.map((hook) => ({
      name: hook.name,
      on: hook.on,
      states: hook.states ?? null,
      action:
        hook.run !== undefined ? { kind: 'run', argv: hook.run } : { kind: 'post', url: hook.post ?? '' },
      timeoutMs: hook['timeout-ms'],
      retries: hook.retries,
      retryDelayMs: hook['retry-delay-ms'],
    })),
  };
}
