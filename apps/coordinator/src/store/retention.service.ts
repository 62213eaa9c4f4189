import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@haco/common';
import type { EventStore, Projections } from '@haco/event-store';
import { compactStream, verifyFromSnapshot } from '@haco/event-store';
import { EVENT_STORE, LOGGER, PROJECTIONS } from '../common/tokens';
import type { CoordinatorSettings } from '../config/coordinator-config';
import { SETTINGS } from '../config/settings.token';

/**
 * Keeps the log bounded (docs/operations.md, retention): every `intervalMs` each peer stream is verified
 * from its newest replay snapshot and a new one saved once enough events came; then, when retention is
 * set, the heartbeat outcomes older than its bound and before that snapshot move to the archive, a small
 * transaction at a time. A stream that does not verify is left as it is, and said so.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopping = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(SETTINGS) private readonly settings: CoordinatorSettings,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.pass(), this.settings.retention.intervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer !== null) clearInterval(this.timer);
    await this.running;
  }

  /** One round over every stream; a round still running is not started again. */
  pass(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = null));
    return this.running;
  }

  private async round(): Promise<void> {
    const { retention } = this.settings;
    for (const stream of await this.projections.peerStreams()) {
      if (this.stopping) return;
      try {
        const verified = await verifyFromSnapshot(this.store, stream, {
          snapshotEvery: retention.snapshotEvery,
        });
        if (verified.report.divergence !== null) {
          this.log.warn('retention: the stream does not verify from its snapshot; left as it is', {
            stream,
            seq: verified.report.divergence.seq,
            reason: verified.report.divergence.reason,
          });
          continue;
        }
        if (verified.saved !== null)
          this.log.info('replay snapshot saved', { stream, seq: verified.saved.seq });
        if (retention.heartbeatsMs === null || retention.archiveDir === null) continue;
        const archived = await compactStream(
          this.store,
          stream,
          { heartbeatsMs: retention.heartbeatsMs, archiveDir: retention.archiveDir, batch: retention.batch },
          Date.now(),
        );
        if (archived.events > 0) this.log.info('heartbeat outcomes archived', { stream, ...archived });
      } catch (error) {
        this.log.error('retention round failed for a stream', { stream, error: (error as Error).message });
      }
    }
  }
}
