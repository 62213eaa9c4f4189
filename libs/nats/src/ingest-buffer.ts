import type { JsMsg } from '@nats-io/jetstream';

/** How much a group may hold, and how much may wait in the buffer before the reader stops taking more. */
export interface IngestBufferLimits {
  /** Messages in one group. */
  readonly groupMessages: number;
  /** Payload bytes in one group; a group always takes at least one message, however large. */
  readonly groupBytes: number;
  /** Payload bytes waiting; past this, `add` resolves only once a group has been taken. */
  readonly waitingBytes: number;
}

/**
 * The messages fetched and not yet handed on, bounded in bytes. Hand-written because nats.js gives either a
 * callback, which is called for every message the server sends and so lets fetched messages pile up
 * without bound (each one's ack_wait running, so a burst is redelivered while it still waits here), or an
 * iterator, which pulls more only as it is read but yields one message at a time. Reading the iterator
 * into this buffer, and waiting while it is full, keeps the iterator's flow control and still lets
 * whatever has arrived commit as one group.
 */
export class IngestBuffer {
  private readonly waiting: JsMsg[] = [];
  private bytes = 0;
  private onAdded: (() => void) | null = null;
  private onTaken: (() => void) | null = null;
  private released = false;

  constructor(private readonly limits: IngestBufferLimits) {}

  get size(): number {
    return this.waiting.length;
  }

  /** True while the reader waits for room. */
  get full(): boolean {
    return this.onTaken !== null;
  }

  /** Adds a message; resolves once there is room for more. */
  async add(message: JsMsg): Promise<void> {
    this.waiting.push(message);
    this.bytes += message.data.length;
    this.onAdded?.();
    while (this.bytes >= this.limits.waitingBytes && !this.released) {
      await new Promise<void>((resolve) => (this.onTaken = resolve));
      this.onTaken = null;
    }
  }

  /** Resolves once a message waits, or after `ms` (so the caller can look at whether it should stop). */
  async arrival(ms: number): Promise<void> {
    if (this.waiting.length > 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.onAdded = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    this.onAdded = null;
  }

  /** The oldest messages, up to the group's limits. */
  take(): JsMsg[] {
    let count = 0;
    let bytes = 0;
    while (count < this.waiting.length && count < this.limits.groupMessages) {
      const size = this.waiting[count].data.length;
      if (count > 0 && bytes + size > this.limits.groupBytes) break;
      bytes += size;
      count += 1;
    }
    const group = this.waiting.splice(0, count);
    this.bytes -= bytes;
    this.onTaken?.();
    return group;
  }

  /** From now on `add` never waits: the reader is to go on to the end of its consumer's messages. */
  release(): void {
    this.released = true;
    this.onTaken?.();
  }
}
