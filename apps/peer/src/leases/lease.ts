/** A DHCPv4 lease as the peer keeps it and as Kea's lease commands carry it. */
export interface Lease4 {
  readonly ipAddress: string;
  readonly hwAddress: string;
  readonly clientId: string | null;
  readonly subnetId: number;
  readonly validLifetime: number;
  /** Client last transmission time, seconds since the epoch. */
  readonly cltt: number;
  readonly fqdnFwd: boolean;
  readonly fqdnRev: boolean;
  readonly hostname: string;
  readonly state: number;
}

export function ipv4ToNumber(address: string): number | null {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function leaseToJson(lease: Lease4): Record<string, unknown> {
  return {
    'ip-address': lease.ipAddress,
    'hw-address': lease.hwAddress,
    ...(lease.clientId !== null ? { 'client-id': lease.clientId } : {}),
    'subnet-id': lease.subnetId,
    'valid-lft': lease.validLifetime,
    cltt: lease.cltt,
    'fqdn-fwd': lease.fqdnFwd,
    'fqdn-rev': lease.fqdnRev,
    hostname: lease.hostname,
    state: lease.state,
  };
}

const HW_ADDRESS = /^([0-9a-fA-F]{2}[:-]){0,19}[0-9a-fA-F]{2}$/;

/** Reads a lease from Kea's JSON form; the error text when it is not one. */
export function leaseFromJson(raw: unknown, nowSeconds: number): Lease4 | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'lease parameters must be a map';
  const m = raw as Record<string, unknown>;
  const ip = m['ip-address'];
  if (typeof ip !== 'string') return "'ip-address' is mandatory and must be a string";
  if (ipv4ToNumber(ip) === null) return `'${ip}' is not an IPv4 address`;
  const hw = m['hw-address'];
  if (typeof hw !== 'string' || !HW_ADDRESS.test(hw))
    return "'hw-address' is mandatory and must be a hardware address";
  const clientId = m['client-id'];
  if (clientId !== undefined && typeof clientId !== 'string') return "'client-id' must be a string";
  const integer = (name: string, fallback: number): number | string => {
    const value = m[name] ?? fallback;
    return Number.isSafeInteger(value) && (value as number) >= 0
      ? (value as number)
      : `'${name}' must be a non-negative integer`;
  };
  const subnetId = integer('subnet-id', 1);
  const validLifetime = integer('valid-lft', 3600);
  const cltt = integer('cltt', nowSeconds);
  const state = integer('state', 0);
  for (const value of [subnetId, validLifetime, cltt, state]) if (typeof value === 'string') return value;
  const flag = (name: string) => (typeof m[name] === 'boolean' ? (m[name] as boolean) : false);
  return {
    ipAddress: ip,
    hwAddress: hw.toLowerCase().replace(/-/g, ':'),
    clientId: typeof clientId === 'string' ? clientId.toLowerCase() : null,
    subnetId: subnetId as number,
    validLifetime: validLifetime as number,
    cltt: cltt as number,
    fqdnFwd: flag('fqdn-fwd'),
    fqdnRev: flag('fqdn-rev'),
    hostname: typeof m['hostname'] === 'string' ? (m['hostname'] as string) : '',
    state: state as number,
  };
}
