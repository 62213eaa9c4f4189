import { timingSafeEqual } from 'node:crypto';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { CoordinatorSettings } from '../config/coordinator-config';
import type { AccessLevel, AccessRule } from './access.decorator';
import { ACCESS_KEY } from './access.decorator';
import { SETTINGS } from './tokens';

/**
 * Every route's access, in one place. Calls that change anything need `Authorization: Bearer <token>`;
 * reads need it only when configured. Without a configured token nothing can be changed at all: the
 * coordinator refuses rather than runs open.
 */
@Injectable()
export class BearerGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(SETTINGS) private readonly settings: CoordinatorSettings,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const level: AccessLevel = typeof rule === 'function' ? rule(request.body) : (rule ?? 'read');
    if (level === 'public' || (level === 'read' && !this.settings.auth.protectReads)) return true;
    const token = this.settings.auth.token;
    if (token === null || token.length === 0) {
      throw new ForbiddenException(
        'this coordinator has no API token configured (HACO_API_TOKEN); changes are refused',
      );
    }
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const ok = given.length === token.length && timingSafeEqual(Buffer.from(given), Buffer.from(token));
    if (!ok) throw new UnauthorizedException('Unauthorized: a valid bearer token is required for this call');
    return true;
  }
}
