import { SetMetadata } from '@nestjs/common';
import type { Role } from './roles';

/**
 * What a call needs: `public` (health), `read` (open unless reads are protected), or a role: `operator`
 * for commands that change a peer, `admin` for ha-reset and store operations.
 */
export type AccessLevel = 'public' | 'read' | Exclude<Role, 'viewer'>;

/** For a route whose level depends on what it is asked (Kea's channel: status-get reads, ha-continue operates). */
export type AccessRule = AccessLevel | ((body: unknown) => AccessLevel);

export const ACCESS_KEY = 'haco:access';

/** The access a route needs; a route without it needs 'read'. */
export const Access = (rule: AccessRule) => SetMetadata(ACCESS_KEY, rule);
