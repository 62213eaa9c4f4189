import { HttpException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { CoordinatorSettings } from '../config/coordinator-config';

export type Access = 'read' | 'change';

/**
 * Calls that change anything need `Authorization: Bearer <token>`; reads need it only when configured.
 * Without a configured token nothing can be changed at all: the coordinator refuses rather than runs open.
 */
export function authorize(
  settings: CoordinatorSettings,
  authorization: string | undefined,
  access: Access,
): void {
  if (access === 'read' && !settings.auth.protectReads) return;
  const token = settings.auth.token;
  if (token === null || token.length === 0) {
    throw new HttpException(
      {
        result: 1,
        text: 'this coordinator has no API token configured (HACO_API_TOKEN); changes are refused',
      },
      403,
    );
  }
  const given = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '';
  const ok = given.length === token.length && timingSafeEqual(Buffer.from(given), Buffer.from(token));
  if (!ok) {
    throw new HttpException(
      { result: 1, text: 'Unauthorized: a valid bearer token is required for this call' },
      401,
    );
  }
}
