import type { MessageEvent } from '@nestjs/common';
import { Controller, Headers, HttpException, Inject, Query, Sse } from '@nestjs/common';
import { Observable } from 'rxjs';
import type { EventStore } from '@haco/event-store';
import { EVENT_STORE } from '../common/tokens';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';

const POLL_MS = 250;
const PAGE = 500;

/**
 * Server-Sent Events of the log as it grows. Each event's SSE id is its log position, so a client resumes
 * with `Last-Event-ID` (or `?after=POSITION`) and misses nothing; `?stream=CLUSTER/PEER` narrows it to a peer.
 */
@Controller()
export class LiveController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'Server-Sent Events: each stored event, its id the log position' })
  @Sse('events/live')
  live(
    @Headers('last-event-id') lastEventId?: string,
    @Query('after') after?: string,
    @Query('stream') stream?: string,
  ): Observable<MessageEvent> {
    const start = Number(lastEventId ?? after ?? 0);
    if (!Number.isInteger(start) || start < 0)
      throw new HttpException({ error: "'after' must be a log position" }, 400);
    return new Observable<MessageEvent>((subscriber) => {
      let position = start;
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        this.store
          .readAfter(position, PAGE, stream)
          .then((events) => {
            for (const event of events) {
              position = event.position;
              subscriber.next({ id: String(event.position), type: event.type, data: event });
            }
          })
          .catch((error: Error) => subscriber.error(error))
          .finally(() => {
            busy = false;
          });
      }, POLL_MS);
      return () => clearInterval(timer);
    });
  }
}
