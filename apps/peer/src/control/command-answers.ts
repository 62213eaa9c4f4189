import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ControlAnswer } from './control-message';
import type { Decided, DecidedListener } from '../runtime/machine-runner';
import { MachineRunner } from '../runtime/machine-runner';

/** Commands waiting for the machine's answer, matched by command id. */
@Injectable()
export class CommandAnswers implements DecidedListener, OnModuleInit {
  private readonly waiting = new Map<string, (response: ControlAnswer) => void>();

  constructor(@Inject(MachineRunner) private readonly runner: MachineRunner) {}

  onModuleInit(): void {
    this.runner.listen(this);
  }

  /** The answer the machine will decide for `commandId`. */
  expect(commandId: string): Promise<ControlAnswer> {
    return new Promise((resolve) => this.waiting.set(commandId, resolve));
  }

  /** Answers a command the machine will not decide (the peer is stopping). */
  settle(commandId: string, response: ControlAnswer): void {
    this.waiting.get(commandId)?.(response);
    this.waiting.delete(commandId);
  }

  onDecided({ effects }: Decided): void {
    for (const effect of effects) {
      if (effect.kind !== 'answer-command') continue;
      // Where Kea 2.2.0 sends no answer at all, neither does the peer (the caller's request times out).
      this.settle(effect.commandId, effect.response ?? { noAnswer: effect.failure ?? 'no answer' });
    }
  }
}
