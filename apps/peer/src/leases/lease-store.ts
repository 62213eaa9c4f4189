import type { Lease4 } from './lease';
import { ipv4ToNumber } from './lease';

/** Where a peer keeps its leases. Addresses are the key; pages come in address order. */
export interface LeaseStore {
  get(ipAddress: string): Lease4 | undefined;
  /** Stores the lease, replacing any lease for the same address. */
  put(lease: Lease4): void;
  delete(ipAddress: string): boolean;
  /** Up to `limit` leases with addresses above `after` (or from the lowest when null). */
  page(after: string | null, limit: number): Lease4[];
  all(): Lease4[];
  count(): number;
  /** Releases the store's file, if it has one. */
  close?(): void;
}

export class MemoryLeaseStore implements LeaseStore {
  private readonly leases = new Map<string, Lease4>();

  get(ipAddress: string): Lease4 | undefined {
    return this.leases.get(ipAddress);
  }

  put(lease: Lease4): void {
    this.leases.set(lease.ipAddress, lease);
  }

  delete(ipAddress: string): boolean {
    return this.leases.delete(ipAddress);
  }

  page(after: string | null, limit: number): Lease4[] {
    const floor = after === null ? -1 : (ipv4ToNumber(after) ?? -1);
    return this.all()
      .filter((l) => (ipv4ToNumber(l.ipAddress) ?? 0) > floor)
      .slice(0, limit);
  }

  all(): Lease4[] {
    return [...this.leases.values()].sort(
      (a, b) => (ipv4ToNumber(a.ipAddress) ?? 0) - (ipv4ToNumber(b.ipAddress) ?? 0),
    );
  }

  count(): number {
    return this.leases.size;
  }
}

/** Lease sync's merge rule (spec 5.9): add if missing, replace an older local copy, else keep ours. */
export function mergeSyncedLease(store: LeaseStore, lease: Lease4): 'added' | 'replaced' | 'kept' {
  const local = store.get(lease.ipAddress);
  if (local === undefined) {
    store.put(lease);
    return 'added';
  }
  if (local.cltt < lease.cltt) {
    store.put(lease);
    return 'replaced';
  }
  return 'kept';
}
