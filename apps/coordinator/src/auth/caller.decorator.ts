import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';
import { PRINCIPAL_KEY } from './access.guard';
import type { Principal } from './roles';

/** The caller the access guard authenticated, or null on an open read. */
export const Caller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | null =>
    context.switchToHttp().getRequest<{ [PRINCIPAL_KEY]?: Principal }>()[PRINCIPAL_KEY] ?? null,
);
