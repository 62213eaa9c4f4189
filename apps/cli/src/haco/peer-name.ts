import { InvalidArgumentError } from 'commander';

export interface PeerName {
  readonly cluster: string;
  readonly peer: string;
}

/** PEER arguments read CLUSTER/PEER; anything else is refused as wrong usage. */
export function peerName(value: string): PeerName {
  const match = /^([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)$/.exec(value);
  if (match === null)
    throw new InvalidArgumentError(`PEER must be CLUSTER/PEER, not ${JSON.stringify(value)}`);
  return { cluster: match[1], peer: match[2] };
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** An ISO 8601 time, or one relative to now: `30s`, `30m`, `1h`, `2d` ago. */
export function isoTime(value: string): string {
  const now = Date.now();
  const relative = /^(\d+)([smhd])$/.exec(value.trim());
  if (relative !== null) return new Date(now - Number(relative[1]) * UNIT_MS[relative[2]]).toISOString();
  if (Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError(`not a time: ${value} (ISO 8601, or 30s, 30m, 1h, 2d ago)`);
  }
  return value;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`not a positive number: ${value}`);
  return n;
}
