import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@haco/common';
import type { PeerSettings } from '../config/peer-config';
import type { Clock } from '../ports/clock';
import { CLOCK, LOGGER, PEER_SETTINGS } from '../ports/tokens';
import type { Decided, DecidedListener } from '../runtime/machine-runner';
import { MachineRunner } from '../runtime/machine-runner';
import type { HookResult } from './hook-execution';
import { postToUrl, runExecutable } from './hook-execution';
import type { HookSettings, HooksSettings } from '../config/hook-settings';
import type { HookOutcome } from '../config/hook-types';
import type { HookOccasion } from './hook-triggers';
import { hookOccasions } from './hook-triggers';

interface HookJob {
  readonly hook: HookSettings;
  readonly occasion: HookOccasion;
}

/**
 * Runs the operator's hooks on the peer's events (docs/operations.md, callbacks): one at a time and in the
 * order of the events, each run's outcome recorded in the peer's log as a HookCompleted event. The state
 * machine never waits for a hook: a decision only queues its hooks, the queue is bounded (a run that finds
 * it full is recorded as dropped), and a hook that hangs is killed at its timeout.
 */
@Injectable()
export class HookRunner implements DecidedListener, OnModuleInit, OnModuleDestroy {
  private settings: HooksSettings;
  private readonly waiting: HookJob[] = [];
  private pumping = false;
  private readonly stopping = new AbortController();

  constructor(
    @Inject(MachineRunner) private readonly runner: MachineRunner,
    @Inject(PEER_SETTINGS) private readonly peer: PeerSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.settings = peer.hooks;
  }

  onModuleInit(): void {
    this.runner.listen(this);
  }

  /** A stopping peer runs no more hooks and ends the one running (its process group is killed). */
  onModuleDestroy(): void {
    this.waiting.length = 0;
    this.stopping.abort();
  }

  /** SIGHUP: hooks from the reloaded file apply to events from now on; queued runs keep their hook. */
  reload(settings: HooksSettings): void {
    this.settings = settings;
  }

  get hookNames(): readonly string[] {
    return this.settings.hooks.map((hook) => hook.name);
  }

  onDecided({ before, events, firstSeq, at }: Decided): void {
    const { hooks } = this.settings;
    if (hooks.length === 0) return;
    for (const occasion of hookOccasions(before, events, firstSeq, new Date(at).toISOString())) {
      for (const hook of hooks) {
        if (!hook.on.includes(occasion.trigger)) continue;
        if (hook.states !== null && !hook.states.includes(occasion.state)) continue;
        this.enqueue({ hook, occasion });
      }
    }
  }

  private enqueue(job: HookJob): void {
    if (this.stopping.signal.aborted) return;
    if (this.waiting.length >= this.settings.queueLimit) {
      this.log.warn('hook queue full; run dropped', { hook: job.hook.name, trigger: job.occasion.trigger });
      const dropped = `the queue held ${this.settings.queueLimit} runs already`;
      void this.record(
        job,
        1,
        { outcome: 'failed', status: null, durationMs: 0, output: dropped },
        'dropped',
      );
      return;
    }
    this.waiting.push(job);
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let job = this.waiting.shift(); job !== undefined; job = this.waiting.shift()) {
        await this.runWithRetries(job);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async runWithRetries(job: HookJob): Promise<void> {
    const { hook } = job;
    for (let attempt = 1; attempt <= hook.retries + 1; attempt += 1) {
      if (this.stopping.signal.aborted) return;
      const result = await this.execute(job, attempt);
      if (this.stopping.signal.aborted) return;
      await this.record(job, attempt, result);
      if (result.outcome === 'ok') return;
      this.log.warn('hook did not succeed', { hook: hook.name, attempt, outcome: result.outcome });
      if (attempt <= hook.retries) await delay(hook.retryDelayMs, this.stopping.signal);
    }
  }

  private execute({ hook, occasion }: HookJob, attempt: number): Promise<HookResult> {
    const settings = this.peer;
    const input = JSON.stringify({
      hook: hook.name,
      cluster: settings.cluster,
      server: settings.ha.thisServerName,
      attempt,
      ...occasion,
    });
    if (hook.action.kind === 'post') {
      return postToUrl(hook.action.url, input, hook.timeoutMs, this.stopping.signal);
    }
    const env = {
      HACO_HOOK: hook.name,
      HACO_TRIGGER: occasion.trigger,
      HACO_STATE: occasion.state,
      HACO_CLUSTER: settings.cluster,
      HACO_SERVER: settings.ha.thisServerName,
      HACO_SCOPES: occasion.scopes.join(','),
      HACO_DHCP_ENABLED: String(occasion.dhcpEnabled),
      HACO_ATTEMPT: String(attempt),
    };
    return runExecutable(hook.action.argv, `${input}\n`, hook.timeoutMs, env, this.stopping.signal);
  }

  private record(
    { hook, occasion }: HookJob,
    attempt: number,
    result: HookResult,
    outcome: HookOutcome = result.outcome,
  ): Promise<unknown> {
    return this.runner.turn(() =>
      this.runner.submit({
        type: 'hook-completed',
        at: this.clock.now(),
        run: {
          hook: hook.name,
          trigger: occasion.trigger,
          state: occasion.state,
          onSeq: occasion.onSeq,
          attempt,
          outcome,
          status: result.status,
          durationMs: result.durationMs,
          output: result.output,
        },
      }),
    );
  }
}

function delay(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    stop.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
