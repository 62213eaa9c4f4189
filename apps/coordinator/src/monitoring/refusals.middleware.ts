import type { NestMiddleware } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '@haco/common';
import { LOGGER } from '../common/tokens';
import { HacoMetrics } from '../metrics/haco-metrics';

/**
 * Times every HTTP request by route, and counts and logs every one that ends refused (4xx), whatever
 * refused it: bad input leaves a trace. Mounted before the body parser, so that a body refused as too
 * large or malformed is counted too.
 */
@Injectable()
export class RefusalsMiddleware implements NestMiddleware {
  constructor(
    @Inject(HacoMetrics) private readonly metrics: HacoMetrics,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const stopTimer = this.metrics.httpSeconds.startTimer({ method: req.method });
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      stopTimer({ route, status: String(res.statusCode) });
      if (res.statusCode < 400 || res.statusCode >= 500) return;
      this.metrics.refusedRequests.inc({ status: String(res.statusCode) });
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
