import { HttpException } from '@nestjs/common';
import type { EventStore } from '@haco/event-store';

/** A request naming a stream the log never saw is a 404, never an empty answer that looks like a fact. */
export async function requireKnownStream(store: EventStore, stream: string): Promise<void> {
  if ((await store.readStream(stream, 1, 1)).length === 0)
    throw new HttpException({ error: `no events of ${stream}` }, 404);
}
