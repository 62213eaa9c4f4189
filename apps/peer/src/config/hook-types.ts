import type { HaEvent } from '@haco/ha-core';

/** A run of a hook as the peer's log records it (the core's HookCompleted event). */
export type HookRun = Omit<Extract<HaEvent, { type: 'HookCompleted' }>, 'type'>;
export type HookTrigger = HookRun['trigger'];
export type HookOutcome = HookRun['outcome'];
