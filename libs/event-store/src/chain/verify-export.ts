import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { GENESIS_HASH } from '@haco/contracts';
import type { StoredEvent } from '../store-types';
import type { ChainReport } from './chain-verifier';
import { ChainVerifier } from './chain-verifier';

/**
 * The hash chains of an export file (`haco export` or `GET /streams/…/export` output, one or more streams'
 * JSON lines), read line by line with nothing but the file: each stream from its first line in the file. A
 * stream exported from seq 1 begins at the genesis hash; a later start's own link cannot be checked (its
 * predecessor is not in the file), which the report's `firstSeq` says. A line that is not an event breaks
 * its place as a changed event would.
 */
export async function verifyExportFile(path: string): Promise<ChainReport[]> {
  const verifiers = new Map<string, ChainVerifier>();
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let number = 0;
  let unreadable: ChainReport | null = null;
  for await (const line of lines) {
    number += 1;
    if (line.trim().length === 0) continue;
    const event = parseLine(line);
    if (event === null) {
      unreadable ??= {
        stream: '?',
        firstSeq: 0,
        events: 0,
        unlinkedBefore: 0,
        lastSeq: 0,
        lastHash: '',
        skipped: [],
        broken: { problem: 'link', previous: null, seq: 0, detail: `line ${number} is not a stored event` },
      };
      continue;
    }
    let verifier = verifiers.get(event.stream);
    if (verifier === undefined) {
      const start = event.seq === 1 ? GENESIS_HASH : (event.prevHash ?? '');
      verifier = new ChainVerifier(event.stream, { seq: event.seq, hash: start });
      verifiers.set(event.stream, verifier);
    }
    verifier.push(event);
  }
  const reports = [...verifiers.values()].map((verifier) => verifier.finish());
  return unreadable === null ? reports : [...reports, unreadable];
}

function parseLine(line: string): StoredEvent | null {
  try {
    const event = JSON.parse(line) as Partial<StoredEvent>;
    const shaped =
      typeof event.stream === 'string' &&
      Number.isSafeInteger(event.seq) &&
      typeof event.id === 'string' &&
      typeof event.type === 'string' &&
      typeof event.at === 'string';
    return shaped ? (event as StoredEvent) : null;
  } catch {
    return null;
  }
}
