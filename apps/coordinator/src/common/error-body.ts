import type { Request } from 'express';

/**
 * The one error body of the API. Kea's control channels (`POST /` and a peer's commands route) answer in
 * Kea's shape, `{"result": 1, "text"}`, as their successes do; every other route answers `{"error"}`.
 */
export function errorBody(request: Pick<Request, 'method' | 'path'>, text: string): Record<string, unknown> {
  return speaksKea(request) ? { result: 1, text } : { error: text };
}

function speaksKea({ method, path }: Pick<Request, 'method' | 'path'>): boolean {
  return method === 'POST' && (path === '/' || /^\/peers\/[^/]+\/[^/]+\/commands\/?$/.test(path));
}
