import { runModel } from '../machine/run-model';
import { transitionTo } from '../machine/transition';
import type { CommandContext } from './command-context';

/** Forces waiting (pause rule applies) and runs one handler, unless already waiting (spec 5.4). */
export function haReset(ctx: CommandContext): void {
  if (ctx.d.state.state === 'waiting') {
    ctx.ok('HA state machine already in WAITING state.');
    return;
  }
  transitionTo(ctx.d, 'waiting', { kind: 'command', command: ctx.name, commandId: ctx.commandId });
  runModel(ctx.d, 'nop', 'single');
  ctx.ok('HA state machine reset.');
}
