import type { PartnerCall, PartnerCallOutcome } from '@haco/ha-core';
import type { ConformanceCase } from './conformance-case';

const OK: PartnerCallOutcome = { transportFailed: false, result: 0, text: '' };
const CONNECTION_REFUSED = 'Connection refused';
const UNREACHABLE: PartnerCallOutcome = { transportFailed: true, error: CONNECTION_REFUSED };

const failedWith = (text: string): PartnerCallOutcome => ({ transportFailed: false, result: 1, text });

/** A case's description of a peer's answer, in any of the forms vectors use for it. */
export function describedOutcome(value: unknown): PartnerCallOutcome {
  if (value === undefined || value === null || value === true) return OK;
  if (value === false) return failedWith('');
  if (typeof value === 'number') return fromCode(value, '');
  if (typeof value === 'string') return fromWord(value);
  if (typeof value === 'object' && !Array.isArray(value)) {
    const map = value as Record<string, unknown>;
    if (typeof map['http_status'] === 'number') return fromHttpStatus(map['http_status']);
    if (map['unreachable'] === true || map['transport'] === 'failed') {
      return {
        transportFailed: true,
        error: typeof map['error'] === 'string' ? map['error'] : CONNECTION_REFUSED,
      };
    }
    return fromCode(
      typeof map['result'] === 'number' ? map['result'] : 0,
      typeof map['text'] === 'string' ? map['text'] : '',
    );
  }
  throw new Error(`unreadable peer answer ${JSON.stringify(value)}`);
}

/** Reason phrases of the HTTP refusals a partner's HTTP layer can answer with, as Kea reports them. */
const HTTP_REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** `{"http_status": N}`: the partner's HTTP layer refused the request; Kea reads it as error code 1. */
function fromHttpStatus(status: number): PartnerCallOutcome {
  return failedWith(HTTP_REASONS[status] ?? `HTTP status ${status}`);
}

/** HTTP-layer refusals come back as bare maps that Kea reads as error code 1 (spec 5.1). */
function fromCode(result: number, text: string): PartnerCallOutcome {
  if (result === 401) return failedWith(text || 'Unauthorized');
  if (result === 403) return failedWith(text || 'Forbidden');
  return { transportFailed: false, result, text };
}

function fromWord(word: string): PartnerCallOutcome {
  const normalized = word
    .trim()
    .toLowerCase()
    .replace(/[_\s]+/g, '-');
  if (/^-?\d+$/.test(normalized)) return fromCode(Number(normalized), '');
  switch (normalized) {
    case 'ok':
    case 'success':
    case 'succeeded':
    case 'accepted':
      return OK;
    case 'unreachable':
    case 'transport-failure':
    case 'communication-failure':
    case 'connection-refused':
    case 'timeout':
    case 'offline':
    case 'down':
      return UNREACHABLE;
    case 'unauthorized':
      return failedWith('Unauthorized');
    case 'forbidden':
      return failedWith('Forbidden');
    case 'unsupported':
      return { transportFailed: false, result: 2, text: "'ha-maintenance-notify' command not supported." };
    case 'maintenance-not-allowed':
    case 'refused':
      return {
        transportFailed: false,
        result: 1001,
        text: 'Unable to transition the server to in-maintenance state.',
      };
    default:
      return failedWith(word);
  }
}

/** The outcome a case gives for the peer call the machine is waiting for. */
export function caseOutcome(c: ConformanceCase, call: PartnerCall): PartnerCallOutcome {
  switch (call.kind) {
    case 'lease-sync':
      return describedOutcome(c['sync'] ?? c['partner_response']);
    case 'send-lease-backlog':
      return c['backlog_send_ok'] === false ? UNREACHABLE : OK;
    case 'ha-reset':
      return c['ha_reset_ok'] === false ? UNREACHABLE : OK;
    case 'maintenance-notify':
      return describedOutcome(c['partner_response']);
  }
}
