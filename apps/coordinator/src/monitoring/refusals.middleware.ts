import type { NestMiddleware } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '@haco/common';
import { LOGGER } from '../common/tokens';
import { RefusalCounter } from './refusal-counter';

/** Every request that ends refused (4xx), whatever refused it, is counted and logged: bad input leaves a trace. */
@Injectable()
export class RefusalsMiddleware implements NestMiddleware {
  constructor(
    @Inject(RefusalCounter) private readonly counter: RefusalCounter,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    res.on('finish', () => {
      if (res.statusCode < 400 || res.statusCode >= 500) return;
      this.counter.count(res.statusCode);
      this.log.warn('request refused', {
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        bytes: Number(req.headers['content-length'] ?? 0),
      });
    });
    next();
  }
}
