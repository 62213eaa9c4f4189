import { timingSafeEqual } from 'node:crypto';
import { unwatchFile, watchFile } from 'node:fs';
import type { OnModuleDestroy } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@haco/common';
import type { CoordinatorSettings } from '../config/coordinator-config';
import { LOGGER } from '../common/tokens';
import { SETTINGS } from '../config/settings.token';
import { JwtVerifier } from './jwt-verifier';
import type { Principal } from './roles';
import type { NamedToken } from './token-file';
import { matchToken, readTokenFile } from './token-file';

/** How often the tokens file is looked at for changes (a poll: editors replace files rather than write them). */
const TOKENS_FILE_POLL_MS = 1_000;

/**
 * Turns an Authorization header into the caller: a named token from the tokens file, the one admin token
 * given whole, or a JWT. The tokens file is read at boot (a bad file stops the coordinator) and again
 * whenever it changes; a change that does not read keeps the tokens in force and is logged.
 */
@Injectable()
export class Authenticator implements OnModuleDestroy {
  private tokens: readonly NamedToken[] = [];
  private readonly jwt: JwtVerifier | null;

  constructor(
    @Inject(SETTINGS) private readonly settings: CoordinatorSettings,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    const { tokensFile, jwt } = settings.auth;
    if (tokensFile !== undefined) {
      this.tokens = readTokenFile(tokensFile);
      watchFile(tokensFile, { interval: TOKENS_FILE_POLL_MS }, () => this.reload(tokensFile));
    }
    this.jwt = jwt === undefined ? null : new JwtVerifier(jwt);
  }

  /** Whether any way in is configured: without one, nothing that writes can be called at all. */
  get configured(): boolean {
    const { token, tokensFile } = this.settings.auth;
    return (token !== null && token.length > 0) || tokensFile !== undefined || this.jwt !== null;
  }

  onModuleDestroy(): void {
    if (this.settings.auth.tokensFile !== undefined) unwatchFile(this.settings.auth.tokensFile);
  }

  /** SIGHUP: the tokens file read again now (it is also read whenever it changes); false: none is configured. */
  reloadTokens(): boolean {
    const file = this.settings.auth.tokensFile;
    if (file === undefined) return false;
    this.reload(file);
    return true;
  }

  private reload(file: string): void {
    try {
      this.tokens = readTokenFile(file);
      this.log.info('tokens file reloaded', { tokens: this.tokens.length });
    } catch (error) {
      this.log.error('tokens file not reloaded; the tokens in force stay', {
        error: (error as Error).message,
      });
    }
  }

  /** The caller, null when no credentials were given, or why the given ones are refused. */
  async authenticate(
    header: string | undefined,
    nowMs: number,
  ): Promise<Principal | null | { refused: string }> {
    if (header === undefined || header.length === 0) return null;
    const bearer = /^Bearer (\S+)$/.exec(header)?.[1];
    if (bearer === undefined) return { refused: 'the Authorization header must read "Bearer <token>"' };
    const named = matchToken(this.tokens, bearer, nowMs);
    if (named === 'expired') return { refused: 'the token has expired' };
    if (named !== null) return named;
    const whole = this.settings.auth.token;
    if (
      whole !== null &&
      whole.length === bearer.length &&
      timingSafeEqual(Buffer.from(whole), Buffer.from(bearer))
    )
      return { name: this.settings.auth.tokenName, role: 'admin', via: 'token' };
    // A JWT has three dot-separated parts; an API token has none.
    if (this.jwt !== null && bearer.split('.').length === 3) return this.jwt.verify(bearer);
    return { refused: 'the token is not known' };
  }
}
