import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ArchiveSegment, StoredEvent } from '../store-types';

/** A segment's file, relative to the archive's directory: one folder per stream, named by its seqs. */
export function segmentFile(stream: string, firstSeq: number, lastSeq: number): string {
  return join(encodeURIComponent(stream), `${firstSeq}-${lastSeq}.jsonl.gz`);
}

/**
 * Writes events as a gzip of JSON lines (the lines `export` writes) and syncs the file and its folder, so
 * that the file is on disk before the log lets the events go. Written under a temporary name and renamed:
 * a file by a segment's name is always whole. Returns the sha256 of its bytes.
 */
export function writeSegment(archiveDir: string, file: string, events: readonly StoredEvent[]): string {
  const path = join(archiveDir, file);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const bytes = gzipSync(`${events.map((event) => JSON.stringify(event)).join('\n')}\n`);
  const temporary = `${path}.partial`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  const folder = openSync(dirname(path), 'r');
  try {
    fsyncSync(folder);
  } finally {
    closeSync(folder);
  }
  return createHash('sha256').update(bytes).digest('hex');
}

/** An archive file that is missing, unreadable or not the one its manifest row recorded. */
export class ArchiveSegmentError extends Error {
  constructor(
    message: string,
    readonly segment: ArchiveSegment,
  ) {
    super(message);
  }
}

/** A segment's events, after checking its file is the one recorded (a changed or missing file throws). */
export function readSegment(archiveDir: string, segment: ArchiveSegment): StoredEvent[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(archiveDir, segment.file));
  } catch (error) {
    throw new ArchiveSegmentError(
      `archive segment ${segment.file} cannot be read: ${(error as Error).message}`,
      segment,
    );
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== segment.sha256) {
    throw new ArchiveSegmentError(
      `archive segment ${segment.file} is not the file recorded (its sha256 differs)`,
      segment,
    );
  }
  return gunzipSync(bytes)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as StoredEvent);
}
