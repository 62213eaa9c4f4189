import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { evolve, keaLogLines } from '@haco/ha-core';
import type { Logger } from '@haco/common';
import type { Decided, DecidedListener } from '../runtime/machine-runner';
import { MachineRunner } from '../runtime/machine-runner';
import { LOGGER } from '../ports/tokens';

/** Writes Kea's own log lines (HA_STATE_TRANSITION, HA_STATE_MACHINE_PAUSED, ...) for every decision. */
@Injectable()
export class KeaLogWriter implements DecidedListener, OnModuleInit {
  constructor(
    @Inject(MachineRunner) private readonly runner: MachineRunner,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.runner.listen(this);
  }

  onDecided({ before, events, causationId, commandId }: Decided): void {
    let machine = before;
    // Each line names what caused it: the command (and so the operator's command in the log), or the decision.
    const cause = commandId === null ? { causationId } : { commandId, correlationId: commandId };
    for (const event of events) {
      for (const line of keaLogLines(event, machine)) this.log.info(line.text, { kea: line.id, ...cause });
      machine = evolve(machine, event);
    }
  }
}
