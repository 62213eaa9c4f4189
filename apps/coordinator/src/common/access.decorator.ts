import { SetMetadata } from '@nestjs/common';

/** What a call needs: reads are open unless protected; changes always need the token. */
export type AccessLevel = 'public' | 'read' | 'change';

/** For a route whose level depends on what it is asked (Kea's channel: status-get reads, ha-continue changes). */
export type AccessRule = AccessLevel | ((body: unknown) => AccessLevel);

export const ACCESS_KEY = 'haco:access';

/** The access a route needs; a route without it needs 'read'. */
export const Access = (rule: AccessRule) => SetMetadata(ACCESS_KEY, rule);
