import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Clock } from '../ports/clock';
import type { IdSource } from '../ports/ids';
import type { Decided, DecidedListener } from '../runtime/machine-runner';
import { MachineRunner } from '../runtime/machine-runner';
import { CLOCK, IDS } from '../ports/tokens';

/** dhcp-disable's max-period: when it runs out, the DHCP service is enabled again, as a recorded command. */
@Injectable()
export class DhcpReenableTimer implements DecidedListener, OnModuleInit {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(MachineRunner) private readonly runner: MachineRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdSource,
  ) {}

  onModuleInit(): void {
    this.runner.listen(this);
  }

  onDecided({ effects }: Decided): void {
    for (const effect of effects) {
      if (effect.kind === 'cancel-dhcp-reenable') this.cancel();
      if (effect.kind === 'schedule-dhcp-reenable') {
        this.cancel();
        this.timer = setTimeout(() => this.expire(), effect.afterMs);
      }
    }
  }

  stop(): void {
    this.cancel();
  }

  private cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private expire(): void {
    this.timer = null;
    const request = { command: 'dhcp-enable', arguments: { origin: 'max-period-expired' } };
    void this.runner.turn(() =>
      this.runner.submit({ type: 'command', at: this.clock.now(), commandId: this.ids.next(), request }),
    );
  }
}
