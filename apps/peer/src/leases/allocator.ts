import type { AddressPool } from './address-pool';
import type { Lease4 } from './lease';
import { ipv4ToNumber } from './lease';
import type { LeaseStore } from './lease-store';

function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** The client's current lease, or the lowest free address of the pool; null when the pool is exhausted. */
export function allocateAddress(
  store: LeaseStore,
  pool: AddressPool,
  client: { hwAddress: string; clientId: string | null },
): string | null {
  const mine = store
    .all()
    .find((l: Lease4) =>
      client.clientId !== null ? l.clientId === client.clientId : l.hwAddress === client.hwAddress,
    );
  if (mine !== undefined) return mine.ipAddress;
  const first = ipv4ToNumber(pool.first) ?? 0;
  const last = ipv4ToNumber(pool.last) ?? -1;
  for (let n = first; n <= last; n += 1) {
    const address = numberToIpv4(n);
    if (store.get(address) === undefined) return address;
  }
  return null;
}
