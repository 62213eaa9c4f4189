import { Controller, Get, Headers, HttpException, Inject, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import type { Response } from 'express';
import type { EventStore } from '@haco/event-store';
import type { Logger } from '@haco/common';
import { EVENT_STORE, LOGGER } from '../common/tokens';
import { SETTINGS } from '../config/settings.token';
import type { CoordinatorSettings } from '../config/coordinator-config';
import { LogTail } from '../store/log-tail';

const PAGE = 500;

/**
 * Server-Sent Events of the log as it grows, pushed as the ingest commits (no polling). It starts at the
 * head: what is committed from now on; a client asks for older with `Last-Event-ID` or `?after=POSITION`
 * (`after=0`: the whole log) and, resuming by id, misses nothing; `?stream=CLUSTER/PEER` narrows it to a
 * peer. It respects backpressure: it reads no more of the log while the client has not taken what was
 * written, so a slow client holds at most a page in the coordinator's memory, and one that takes nothing
 * for `sseStallMs` is disconnected, with a log line (it resumes by id). Written by hand on the response
 * rather than with Nest's @Sse, which cannot send the comment lines a quiet stream needs and ignores
 * backpressure.
 */
@Controller()
export class LiveController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LogTail) private readonly tail: LogTail,
    @Inject(SETTINGS) private readonly settings: CoordinatorSettings,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'Server-Sent Events: each stored event, its id the log position' })
  @Get('events/live')
  async live(
    @Res() response: Response,
    @Headers('last-event-id') lastEventId?: string,
    @Query('after') after?: string,
    @Query('stream') stream?: string,
  ): Promise<void> {
    const asked = lastEventId ?? after;
    const start = asked === undefined ? await this.store.headPosition() : Number(asked);
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
            let full = false;
            for (const event of events) {
              position = event.position;
              full = !response.write(
                `id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
              );
            }
            // The client has not taken what was written: no more is read until it has, or it is let go.
            if (full && !(await this.drained(response, position))) return;
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

  /** Whether the client took what was written within sseStallMs; if not, it is disconnected and logged. */
  private drained(response: Response, position: number): Promise<boolean> {
    const stallMs = this.settings.http.sseStallMs;
    return new Promise((resolve) => {
      const gone = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        response.off('drain', taken);
        response.off('close', gone);
        this.log.warn(
          'live reader disconnected: it took nothing for too long (it resumes by Last-Event-ID)',
          {
            stallMs,
            lastEventId: position,
          },
        );
        response.destroy();
        resolve(false);
      }, stallMs);
      const taken = () => {
        clearTimeout(timer);
        response.off('close', gone);
        resolve(true);
      };
      response.once('drain', taken);
      response.once('close', gone);
    });
  }
}
