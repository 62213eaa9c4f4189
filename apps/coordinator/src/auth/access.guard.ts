import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Logger } from '@haco/common';
import type { CoordinatorSettings } from '../config/coordinator-config';
import type { AccessLevel, AccessRule } from './access.decorator';
import { ACCESS_KEY } from './access.decorator';
import { LOGGER } from '../common/tokens';
import { SETTINGS } from '../config/settings.token';
import { HacoMetrics } from '../metrics/haco-metrics';
import { Authenticator } from './authenticator';
import type { Principal } from './roles';
import { roleReaches } from './roles';

/** Where the guard leaves the authenticated caller for the route (see the @Caller() decorator). */
export const PRINCIPAL_KEY = 'hacoPrincipal';

/**
 * Every route's access, in one place. A route that changes anything needs a caller whose role reaches
 * it; reads need a caller only when reads are protected, but credentials given on a read are still
 * checked. Refusals are 401 (who are you) or 403 (not allowed), each with its reason, logged and counted.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(SETTINGS) private readonly settings: CoordinatorSettings,
    @Inject(Authenticator) private readonly authenticator: Authenticator,
    @Inject(HacoMetrics) private readonly metrics: HacoMetrics,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request & { [PRINCIPAL_KEY]?: Principal }>();
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const level: AccessLevel = typeof rule === 'function' ? rule(request.body) : (rule ?? 'read');
    if (level === 'public') return true;
    const caller = await this.authenticator.authenticate(request.headers.authorization, Date.now());
    if (caller !== null && 'refused' in caller) return this.refuse(401, caller.refused, request);
    if (caller === null) {
      if (level === 'read' && !this.settings.auth.protectReads) return true;
      if (!this.authenticator.configured) {
        return this.refuse(
          403,
          'this coordinator has no API tokens configured (HACO_TOKENS_FILE, HACO_API_TOKEN or a JWT key); changes are refused',
          request,
        );
      }
      return this.refuse(401, 'a valid bearer token is required for this call', request);
    }
    const needed = level === 'read' ? 'viewer' : level;
    if (!roleReaches(caller.role, needed)) {
      return this.refuse(
        403,
        `${caller.name} (${caller.role}) may not do this: it needs the ${needed} role`,
        request,
      );
    }
    request[PRINCIPAL_KEY] = caller;
    return true;
  }

  private refuse(status: 401 | 403, reason: string, request: Request): never {
    this.metrics.authRefusals.inc({
      status: String(status),
      reason: status === 401 ? 'credentials' : 'role',
    });
    this.log.warn('call refused', { status, reason, method: request.method, path: request.path });
    const text = status === 401 ? `Unauthorized: ${reason}` : `Forbidden: ${reason}`;
    throw status === 401 ? new UnauthorizedException(text) : new ForbiddenException(text);
  }
}
