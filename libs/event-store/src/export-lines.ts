import type { Writable } from 'node:stream';
import type { EventStore } from './event-store';
import { fullStreamPages } from './retention/full-stream';

/**
 * Writes a stored stream to `out` as JSON lines (its archived events too, given the archive's folder), a page at a time, waiting whenever `out` is full, so that
 * a stream of any length is exported in the memory of one page. Returns the number of events written;
 * rejects if the reader goes away first.
 */
export async function exportLines(
  store: EventStore,
  stream: string,
  out: Writable,
  archiveDir: string | null = null,
): Promise<number> {
  let written = 0;
  for await (const page of fullStreamPages(store, stream, archiveDir)) {
    written += page.length;
    if (!out.write(`${page.map((event) => JSON.stringify(event)).join('\n')}\n`)) await drained(out);
  }
  return written;
}

function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onDrain = () => settle();
    // A drain never comes to a closed stream: stop instead of waiting for ever.
    const onClose = () => settle(new Error('the reader closed the export'));
    out.once('drain', onDrain);
    out.once('close', onClose);
  });
}
