import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JWTVerifyGetKey } from 'jose';
import { createLocalJWKSet, errors, jwtVerify } from 'jose';
import type { JwtSettings } from '../config/auth-settings';
import type { Principal, Role } from './roles';
import { isRole, ROLES } from './roles';

/**
 * OIDC/JWT bearer tokens, verified with jose against a key read at boot: a JWKS file (what an issuer
 * publishes at its jwks_uri, saved locally: haco makes no network call) or one PEM public key. The
 * operator's name and role come from configured claims.
 */
export class JwtVerifier {
  private readonly key: JWTVerifyGetKey | ReturnType<typeof createPublicKey>;

  constructor(private readonly settings: JwtSettings) {
    this.key =
      settings.jwksFile !== undefined
        ? createLocalJWKSet(
            JSON.parse(readFileSync(settings.jwksFile, 'utf8')) as Parameters<typeof createLocalJWKSet>[0],
          )
        : createPublicKey(readFileSync(settings.publicKeyFile as string, 'utf8'));
  }

  /** The caller, or why the token is refused. */
  async verify(token: string): Promise<Principal | { refused: string }> {
    let payload: Record<string, unknown>;
    try {
      const options = {
        ...(this.settings.issuer === undefined ? {} : { issuer: this.settings.issuer }),
        ...(this.settings.audience === undefined ? {} : { audience: this.settings.audience }),
      };
      // The same call twice: jose's overloads take a key-getting function or a key, not the union.
      const verified =
        typeof this.key === 'function'
          ? await jwtVerify(token, this.key, options)
          : await jwtVerify(token, this.key, options);
      payload = verified.payload;
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { refused: 'the token has expired' };
      if (error instanceof errors.JWTClaimValidationFailed)
        return { refused: `the token's ${error.claim} is not accepted` };
      return { refused: 'the token is not valid' };
    }
    const name = payload[this.settings.nameClaim];
    if (typeof name !== 'string' || name.length === 0)
      return { refused: `the token has no '${this.settings.nameClaim}' claim naming the operator` };
    const role = highestRole(payload[this.settings.roleClaim]);
    if (role === null)
      return {
        refused: `the token's '${this.settings.roleClaim}' claim names no haco role (${ROLES.join(', ')})`,
      };
    return { name, role, via: 'jwt' };
  }
}

function highestRole(claim: unknown): Role | null {
  const values = Array.isArray(claim) ? claim : [claim];
  const roles = values.filter(isRole);
  if (roles.length === 0) return null;
  return roles.reduce((a, b) => (ROLES.indexOf(a) >= ROLES.indexOf(b) ? a : b));
}
