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

export function isoTime(value: string): string {
  if (Number.isNaN(Date.parse(value))) throw new InvalidArgumentError(`not a time: ${value}`);
  return value;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`not a positive number: ${value}`);
  return n;
}
