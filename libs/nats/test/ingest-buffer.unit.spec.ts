import type { JsMsg } from '@nats-io/jetstream';
import { IngestBuffer } from '../src/ingest-buffer';

/** Only a message's payload size matters to the buffer. */
const message = (bytes: number) => ({ data: new Uint8Array(bytes) }) as unknown as JsMsg;
const settledWithin = async (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), ms))]);

describe('the ingest buffer', () => {
  it('hands out groups bounded by messages and bytes, but never an empty one', async () => {
    const buffer = new IngestBuffer({ groupMessages: 3, groupBytes: 100, waitingBytes: 10_000 });
    for (const bytes of [40, 40, 40, 10, 10, 10, 10, 500]) await buffer.add(message(bytes));
    expect(buffer.take().map((m) => m.data.length)).toEqual([40, 40]);
    expect(buffer.take().map((m) => m.data.length)).toEqual([40, 10, 10]);
    expect(buffer.take().map((m) => m.data.length)).toEqual([10, 10]);
    // Larger than a group may be: alone.
    expect(buffer.take().map((m) => m.data.length)).toEqual([500]);
    expect(buffer.take()).toEqual([]);
  });

  it('keeps the reader waiting while full, until a group is taken', async () => {
    const buffer = new IngestBuffer({ groupMessages: 1, groupBytes: 100, waitingBytes: 100 });
    await buffer.add(message(60));
    const adding = buffer.add(message(60));
    expect(await settledWithin(adding, 50)).toBe(false);
    expect(buffer.full).toBe(true);
    buffer.take();
    expect(await settledWithin(adding, 50)).toBe(true);
    expect(buffer.full).toBe(false);
    expect(buffer.size).toBe(1);
  });

  it('lets a waiting reader go on, and never waits again, once released', async () => {
    const buffer = new IngestBuffer({ groupMessages: 1, groupBytes: 100, waitingBytes: 100 });
    const adding = buffer.add(message(150));
    expect(await settledWithin(adding, 50)).toBe(false);
    buffer.release();
    expect(await settledWithin(adding, 50)).toBe(true);
    expect(await settledWithin(buffer.add(message(150)), 50)).toBe(true);
    expect(buffer.size).toBe(2);
  });

  it('wakes a caller waiting for an arrival as soon as a message comes', async () => {
    const buffer = new IngestBuffer({ groupMessages: 1, groupBytes: 100, waitingBytes: 100 });
    const arrival = buffer.arrival(10_000);
    expect(await settledWithin(arrival, 30)).toBe(false);
    await buffer.add(message(1));
    expect(await settledWithin(arrival, 50)).toBe(true);
  });
});
