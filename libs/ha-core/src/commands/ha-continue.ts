import type { CommandContext } from './command-context';

/** Clears the pause flag and nothing else: the machine moves on at its next event (spec 4.5). */
export function haContinue(ctx: CommandContext): void {
  const machine = ctx.d.state;
  if (!machine.paused) {
    ctx.ok('HA state machine is not paused.');
    return;
  }
  ctx.d.emit({ type: 'StateMachineContinued', state: machine.state, commandId: ctx.commandId });
  ctx.ok('HA state machine continues.');
}
