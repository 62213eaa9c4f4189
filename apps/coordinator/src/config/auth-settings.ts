import { z } from 'zod';
import { HA_STATES } from '@haco/ha-core';

/**
 * Who may call the API. Named API tokens come from `tokensFile` (stored hashed, each with a role and an
 * optional expiry, reloaded when the file changes); OIDC/JWT bearer tokens are verified against a JWKS
 * file or an issuer's public key; `token` is one admin token given whole (HACO_API_TOKEN), named
 * `tokenName`. Reads are open unless `protectReads`; nothing that writes is ever anonymous.
 */
export interface AuthSettings {
  readonly token: string | null;
  readonly tokenName: string;
  readonly tokensFile?: string;
  readonly jwt?: JwtSettings;
  readonly protectReads: boolean;
  /** Paused states whose ha-continue needs a second operator's approval (a two-person rule). */
  readonly twoPersonStates: readonly string[];
}

export interface JwtSettings {
  readonly publicKeyFile?: string;
  readonly jwksFile?: string;
  readonly issuer?: string;
  readonly audience?: string;
  /** The claim that names the operator (OIDC's `preferred_username`, or `sub`). */
  readonly nameClaim: string;
  /** The claim that carries the role: a string, or a list whose highest haco role counts. */
  readonly roleClaim: string;
}

const text = (what: string) => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });

const JWT_SCHEMA = z
  .object({
    publicKeyFile: text('the path of a PEM public key').optional(),
    jwksFile: text('the path of a JWKS file').optional(),
    issuer: text('the expected issuer (iss)').optional(),
    audience: text('the expected audience (aud)').optional(),
    nameClaim: text('a claim name').default('sub'),
    roleClaim: text('a claim name').default('haco_role'),
  })
  .strict()
  .refine((jwt) => (jwt.publicKeyFile === undefined) !== (jwt.jwksFile === undefined), {
    error: "needs exactly one of 'publicKeyFile' and 'jwksFile'",
  });

export const AUTH_SCHEMA = z
  .object({
    token: z.string({ error: 'must be a string' }).nullable().default(null),
    tokenName: text('a name for the token (it is recorded as who)').default('admin'),
    tokensFile: text('the path of a tokens file').optional(),
    jwt: JWT_SCHEMA.optional(),
    protectReads: z.boolean({ error: 'must be true or false' }).default(false),
    twoPersonStates: z
      .array(z.enum(HA_STATES, { error: (issue) => `names no HA state: ${JSON.stringify(issue.input)}` }), {
        error: 'must be a list of HA states',
      })
      .default([]),
  })
  .strict();
