import { Controller, Get, Headers, HttpException, Inject, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import type { Response } from 'express';
import type { EventStore } from '@haco/event-store';
import { EVENT_STORE, SETTINGS } from '../common/tokens';
import type { CoordinatorSettings } from '../config/coordinator-config';
import { LogTail } from '../store/log-tail';

const PAGE = 500;

/**
 * Server-Sent Events of the log as it grows, pushed as the ingest commits (no polling). Each event's SSE
 * id is its log position, so a client resumes with `Last-Event-ID` (or `?after=POSITION`) and misses
 * nothing; `?stream=CLUSTER/PEER` narrows it to a peer. Written by hand on the response rather than with
 * Nest's @Sse, which cannot send the comment lines a quiet stream needs.
 */
@Controller()
export class LiveController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LogTail) private readonly tail: LogTail,
    @Inject(SETTINGS) private readonly settings: CoordinatorSettings,
  ) {}

  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'Server-Sent Events: each stored event, its id the log position' })
  @Get('events/live')
  live(
    @Res() response: Response,
    @Headers('last-event-id') lastEventId?: string,
    @Query('after') after?: string,
    @Query('stream') stream?: string,
  ): void {
    const start = Number(lastEventId ?? after ?? 0);
    if (!Number.isInteger(start) || start < 0) {
      throw new HttpException({ error: "'after' must be a log position" }, 400);
    }
    response.status(200).set({
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    response.flushHeaders();
    let position = start;
    let reading = false;
    let again = false;
    const readNew = async (): Promise<void> => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          for (;;) {
            const events = await this.store.readAfter(position, PAGE, stream);
            for (const event of events) {
              position = event.position;
              response.write(
                `id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
              );
            }
            if (events.length < PAGE) break;
          }
        } while (again);
      } catch (error) {
        response.destroy(error as Error);
      } finally {
        reading = false;
      }
    };
    const commits = this.tail.committed$.subscribe(() => void readNew());
    // A quiet stream gets a comment line now and then, so that proxies and clients keep the connection.
    const keepAlive = setInterval(
      () => response.write(': keep-alive\n\n'),
      this.settings.http.sseKeepAliveMs,
    );
    response.on('close', () => {
      commits.unsubscribe();
      clearInterval(keepAlive);
    });
    void readNew();
  }
}
