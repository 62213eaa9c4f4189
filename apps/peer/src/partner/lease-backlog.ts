import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { PeerSettings } from '../config/peer-config';
import type { Decided, DecidedListener } from '../runtime/machine-runner';
import { MachineRunner } from '../runtime/machine-runner';
import { PEER_SETTINGS } from '../ports/tokens';

/** A lease update waiting in the communication-recovery backlog, in the order it happened. */
export interface BacklogEntry {
  readonly command: 'lease4-update' | 'lease4-del';
  readonly arguments: Record<string, unknown>;
}

/**
 * The communication-recovery backlog (spec 3): lease updates the partner could not get, up to
 * delayed-updates-limit, sent in order when communication returns and dropped when the machine says so.
 */
@Injectable()
export class LeaseBacklog implements DecidedListener, OnModuleInit {
  private entries: BacklogEntry[] = [];

  constructor(
    @Inject(MachineRunner) private readonly runner: MachineRunner,
    @Inject(PEER_SETTINGS) private readonly settings: PeerSettings,
  ) {}

  onModuleInit(): void {
    this.runner.listen(this);
  }

  get pending(): readonly BacklogEntry[] {
    return this.entries;
  }

  /** Queues an update; past the limit it is not kept (the machine counts it and goes partner-down). */
  queue(entry: BacklogEntry): void {
    if (this.entries.length < this.settings.ha.delayedUpdatesLimit) this.entries.push(entry);
  }

  onDecided({ effects }: Decided): void {
    if (effects.some((effect) => effect.kind === 'clear-lease-backlog')) this.entries = [];
  }
}
