import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { HttpException, Injectable } from '@nestjs/common';
import express from 'express';
import type { Observable } from 'rxjs';

/** Why a request's body was refused by the JSON parser, kept on the request for its route to answer. */
interface BodyRefusal {
  readonly status: number;
  readonly text: string;
}
type WithRefusal = express.Request & { bodyRefusal?: BodyRefusal };

/**
 * Express's JSON parser, whose refusals (malformed or oversized bodies) are held back rather than
 * answered on the spot: the parser runs before routing, so only the route can know which error shape it
 * speaks. The route's own chain (BodyRefusalInterceptor) then raises the refusal.
 */
export function jsonBody(limit: string): express.RequestHandler {
  const parse = express.json({ limit });
  return (req, res, next) =>
    parse(req, res, (error?: unknown) => {
      const failure = error as (Error & { status?: number; type?: string }) | undefined;
      if (failure?.type !== 'entity.parse.failed' && failure?.type !== 'entity.too.large') return next(error);
      (req as WithRefusal).bodyRefusal = {
        status: failure.status ?? 400,
        text: `invalid request body: ${failure.message}`,
      };
      req.body = undefined;
      next();
    });
}

/** Raises a held-back body refusal inside the route, where the route's error filter shapes it. */
@Injectable()
export class BodyRefusalInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const refusal = context.switchToHttp().getRequest<WithRefusal>().bodyRefusal;
    if (refusal !== undefined) throw new HttpException(refusal.text, refusal.status);
    return next.handle();
  }
}
