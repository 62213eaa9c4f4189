import type { HaMachineState, KeaResponse } from '@haco/ha-core';
import { answer, KEA_RESULT, queryScope } from '@haco/ha-core';

export interface ClientQuery {
  readonly hwAddress: string;
  readonly clientId: string | null;
  readonly secs: number;
  readonly messageType: string;
}

/** Reads `dhcp4-query` arguments: `hw-address`, optional `client-id`, `secs` and `type` (DISCOVER...). */
export function readClientQuery(raw: unknown): ClientQuery | KeaResponse {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return answer(KEA_RESULT.error, "arguments in the 'dhcp4-query' command must be a map");
  }
  const m = raw as Record<string, unknown>;
  if (
    typeof m['hw-address'] !== 'string' ||
    !/^([0-9a-fA-F]{2}[:-]){0,19}[0-9a-fA-F]{2}$/.test(m['hw-address'])
  ) {
    return answer(KEA_RESULT.error, "'hw-address' is mandatory and must be a hardware address");
  }
  if (m['client-id'] !== undefined && typeof m['client-id'] !== 'string') {
    return answer(KEA_RESULT.error, "'client-id' must be a string");
  }
  const secs = m['secs'] ?? 0;
  if (!Number.isInteger(secs) || (secs as number) < 0 || (secs as number) > 65535) {
    return answer(KEA_RESULT.error, "'secs' must be an integer from 0 to 65535");
  }
  return {
    hwAddress: (m['hw-address'] as string).toLowerCase().replace(/-/g, ':'),
    clientId: typeof m['client-id'] === 'string' ? m['client-id'].toLowerCase() : null,
    secs: secs as number,
    messageType: typeof m['type'] === 'string' ? m['type'].toUpperCase() : 'DISCOVER',
  };
}

export type ScopeVerdict =
  | { readonly serve: true; readonly scope: string }
  | { readonly serve: false; readonly scope: string | null; readonly response: KeaResponse };

/** Whether this peer answers the query now: DHCP on, and the client's scope among those served. */
export function decideScope(machine: HaMachineState, query: ClientQuery): ScopeVerdict {
  const scope = queryScope(machine.config, query);
  if (scope === null)
    return { serve: false, scope, response: answer(KEA_RESULT.error, 'query has no client identifier') };
  if (!machine.dhcpEnabled) {
    return {
      serve: false,
      scope,
      response: answer(
        KEA_RESULT.error,
        `DHCP service is disabled in the ${machine.state} state; query dropped`,
      ),
    };
  }
  if (!machine.scopes.includes(scope)) {
    return {
      serve: false,
      scope,
      response: answer(
        KEA_RESULT.error,
        `query belongs to scope ${scope}, not served by ${machine.config.thisServerName}; dropped`,
      ),
    };
  }
  return { serve: true, scope };
}
