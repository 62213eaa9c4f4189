import type { HaState } from '../states';
import { isHaState } from '../states';
import { parseRfc1123 } from '../kea/rfc1123';

export type HeartbeatResult =
  | {
      readonly ok: true;
      readonly partnerState: HaState;
      readonly scopes: readonly string[];
      readonly unsentUpdateCount: number | null;
      readonly clockSkewSeconds: number;
    }
  | { readonly ok: false; readonly reason: string };

const failed = (reason: string): HeartbeatResult => ({ ok: false, reason });

/**
 * Kea's reading of a partner's ha-heartbeat answer (spec 1.4): result 0 or 3, a map of arguments with a
 * known `state` and an RFC 1123 `date-time`; optional scopes; an integer unsent-update-count if present.
 * A list answer counts by its first element. `localNowMs` is the local time the answer arrived.
 */
export function interpretHeartbeatAnswer(answer: unknown, localNowMs: number): HeartbeatResult {
  const first = Array.isArray(answer) ? answer[0] : answer;
  if (typeof first !== 'object' || first === null || Array.isArray(first)) {
    return failed('invalid answer to a ha-heartbeat command');
  }
  const body = first as { readonly [key: string]: unknown };
  const result = typeof body['result'] === 'number' ? body['result'] : 1;
  if (result !== 0 && result !== 3) {
    const text = typeof body['text'] === 'string' ? body['text'] : '';
    return failed(`${text}, error code ${result}`);
  }
  const args = body['arguments'];
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    return failed('returned arguments in the response must be a map');
  }
  const map = args as { readonly [key: string]: unknown };
  const state = map['state'];
  if (typeof state !== 'string') {
    return failed('server state not returned in response to a ha-heartbeat command or it is not a string');
  }
  if (!isHaState(state)) return failed(`unknown state ${state}`);
  const dateTime = map['date-time'];
  if (typeof dateTime !== 'string') {
    return failed('date-time not returned in response to a ha-heartbeat command or it is not a string');
  }
  const partnerTime = parseRfc1123(dateTime);
  if (partnerTime === null) return failed(`unable to parse time ${dateTime}`);
  const unsent = map['unsent-update-count'];
  if (unsent !== undefined && !(typeof unsent === 'number' && Number.isInteger(unsent))) {
    return failed('unsent-update-count returned in the ha-heartbeat response is not an integer');
  }
  const scopes = Array.isArray(map['scopes'])
    ? (map['scopes'] as unknown[]).filter((s): s is string => typeof s === 'string')
    : [];
  return {
    ok: true,
    partnerState: state,
    scopes,
    unsentUpdateCount: unsent === undefined ? null : (unsent as number),
    // "|| 0" keeps a skew below one second from reading as -0.
    clockSkewSeconds: Math.trunc((partnerTime - localNowMs) / 1000) || 0,
  };
}
