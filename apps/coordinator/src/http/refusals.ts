import type { NextFunction, Request, Response } from 'express';
import { coordinatorLogger } from '../logger';

/** Requests answered 4xx, by status: counted for /metrics and logged, so that bad input leaves a trace. */
export const refusedRequests = new Map<number, number>();

/** Express middleware: records every request that ends refused (4xx), whatever refused it. */
export function recordRefusals(req: Request, res: Response, next: NextFunction): void {
  res.on('finish', () => {
    if (res.statusCode < 400 || res.statusCode >= 500) return;
    refusedRequests.set(res.statusCode, (refusedRequests.get(res.statusCode) ?? 0) + 1);
    coordinatorLogger.warn('request refused', {
      method: req.method,
      path: req.originalUrl.split('?')[0],
      status: res.statusCode,
      bytes: Number(req.headers['content-length'] ?? 0),
    });
  });
  next();
}
