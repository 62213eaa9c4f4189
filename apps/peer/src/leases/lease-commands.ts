import type { KeaResponse } from '@haco/ha-core';
import { answer, KEA_RESULT } from '@haco/ha-core';
import { ipv4ToNumber, leaseFromJson, leaseToJson } from './lease';
import type { LeaseStore } from './lease-store';

export const LEASE_COMMANDS = [
  'lease4-add',
  'lease4-get',
  'lease4-update',
  'lease4-del',
  'lease4-get-page',
  'lease4-get-all',
] as const;
export type LeaseCommandName = (typeof LEASE_COMMANDS)[number];

export function isLeaseCommand(name: string): name is LeaseCommandName {
  return (LEASE_COMMANDS as readonly string[]).includes(name);
}

type Args = Record<string, unknown>;

function argumentsOf(name: string, raw: unknown): Args | KeaResponse {
  if (raw === undefined || raw === null)
    return answer(KEA_RESULT.error, `no parameters specified for the ${name} command`);
  if (typeof raw !== 'object' || Array.isArray(raw))
    return answer(KEA_RESULT.error, 'parameters must be a map');
  return raw as Args;
}

const isResponse = (value: Args | KeaResponse): value is KeaResponse =>
  typeof (value as KeaResponse).result === 'number' && !('ip-address' in value);

const found = (count: number, leases: unknown[], extra: Args = {}): KeaResponse =>
  answer(count === 0 ? KEA_RESULT.empty : KEA_RESULT.success, `${count} IPv4 lease(s) found.`, {
    leases,
    ...extra,
  });

/** Kea's lease_cmds for IPv4, over the peer's own lease store; what operators use to rebuild data. */
export function handleLeaseCommand(
  store: LeaseStore,
  name: LeaseCommandName,
  rawArgs: unknown,
  nowSeconds: number,
): KeaResponse {
  if (name === 'lease4-get-all') {
    const leases = store.all().map(leaseToJson);
    return found(leases.length, leases);
  }
  const args = argumentsOf(name, rawArgs);
  if (isResponse(args)) return args;
  switch (name) {
    case 'lease4-add': {
      const lease = leaseFromJson(args, nowSeconds);
      if (typeof lease === 'string') return answer(KEA_RESULT.error, lease);
      if (store.get(lease.ipAddress) !== undefined)
        return answer(KEA_RESULT.error, 'IPv4 lease already exists.');
      store.put(lease);
      return answer(
        KEA_RESULT.success,
        `Lease for address ${lease.ipAddress}, subnet-id ${lease.subnetId} added.`,
      );
    }
    case 'lease4-update': {
      const lease = leaseFromJson(args, nowSeconds);
      if (typeof lease === 'string') return answer(KEA_RESULT.error, lease);
      const exists = store.get(lease.ipAddress) !== undefined;
      if (!exists && args['force-create'] !== true) {
        return answer(
          KEA_RESULT.error,
          `failed to update the lease with address ${lease.ipAddress} - no such lease`,
        );
      }
      store.put(lease);
      return answer(KEA_RESULT.success, exists ? 'IPv4 lease updated.' : 'IPv4 lease added.');
    }
    case 'lease4-get':
    case 'lease4-del': {
      const ip = args['ip-address'];
      if (typeof ip !== 'string' || ipv4ToNumber(ip) === null) {
        return answer(KEA_RESULT.error, "'ip-address' is mandatory and must be an IPv4 address");
      }
      if (name === 'lease4-get') {
        const lease = store.get(ip);
        return lease === undefined
          ? answer(KEA_RESULT.empty, 'Lease not found.')
          : answer(KEA_RESULT.success, 'IPv4 lease found.', leaseToJson(lease));
      }
      return store.delete(ip)
        ? answer(KEA_RESULT.success, 'IPv4 lease deleted.')
        : answer(KEA_RESULT.empty, 'IPv4 lease not found.');
    }
    case 'lease4-get-page': {
      const from = args['from'];
      const limit = args['limit'];
      if (from !== 'start' && (typeof from !== 'string' || ipv4ToNumber(from) === null)) {
        return answer(
          KEA_RESULT.error,
          "'from' parameter value is neither 'start' keyword nor a valid IPv4 address",
        );
      }
      if (!Number.isSafeInteger(limit) || (limit as number) < 0) {
        return answer(KEA_RESULT.error, "'limit' parameter must be a number");
      }
      if (limit === 0) return answer(KEA_RESULT.error, 'page size of the retrieved leases must not be 0');
      const page = store.page(from === 'start' ? null : from, limit as number).map(leaseToJson);
      return found(page.length, page, { count: page.length });
    }
  }
}
