import { spawn } from 'node:child_process';
import type { HookOutcome } from '../config/hook-types';

/** How one run ended, as recorded. */
export interface HookResult {
  readonly outcome: Exclude<HookOutcome, 'dropped'>;
  readonly status: number | null;
  readonly durationMs: number;
  readonly output: string;
}

/** What of a hook's output is kept: its first lines, bounded, so that a chatty hook cannot bloat the log. */
const OUTPUT_LINES = 10;
const OUTPUT_CHARS = 2_000;

export function firstLines(text: string): string {
  return text.split('\n').slice(0, OUTPUT_LINES).join('\n').slice(0, OUTPUT_CHARS).trimEnd();
}

/**
 * Runs an executable with `input` on its stdin (argv only, never a shell). It runs in a process group of
 * its own, so that at the timeout the whole group is killed: a hook that started children (a script
 * calling `ip`, a `sleep`) is ended with them, and nothing it left behind holds its pipes open.
 */
export function runExecutable(
  argv: readonly string[],
  input: string,
  timeoutMs: number,
  env: Readonly<Record<string, string>>,
  stop: AbortSignal,
): Promise<HookResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...env },
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const keep = (text: string, chunk: Buffer) =>
      text.length < OUTPUT_CHARS ? text + chunk.toString() : text;
    child.stdout.on('data', (chunk: Buffer) => (stdout = keep(stdout, chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr = keep(stderr, chunk)));
    // A hook that does not read its stdin closes it early: that is not its failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    const onStop = () => killGroup(child.pid);
    stop.addEventListener('abort', onStop, { once: true });
    const done = (status: number | null, failure: string | null): void => {
      clearTimeout(timer);
      stop.removeEventListener('abort', onStop);
      const durationMs = Math.round(performance.now() - started);
      const output = firstLines([stdout, stderr, failure ?? ''].filter((part) => part !== '').join('\n'));
      const outcome = timedOut ? 'timed-out' : status === 0 ? 'ok' : 'failed';
      resolve({ outcome, status: timedOut ? null : status, durationMs, output });
    };
    child.once('error', (error) => done(null, `cannot run ${argv[0]}: ${error.message}`));
    // 'exit', not 'close': a grandchild that kept the pipes would hold 'close' back past the timeout.
    child.once('exit', (code, signal) => {
      killGroup(child.pid);
      done(code, signal === null ? null : `ended by ${signal}`);
    });
  });
}

/** Kills what is left of a hook's process group (nothing, usually, once it has exited). */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
}

/** POSTs `input` as JSON to a local URL; a 2xx answer is success. */
export async function postToUrl(
  url: string,
  input: string,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<HookResult> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: input,
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stop]),
    });
    const text = await response.text();
    return {
      outcome: response.ok ? 'ok' : 'failed',
      status: response.status,
      durationMs: took(),
      output: firstLines(text),
    };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    return {
      outcome: timedOut ? 'timed-out' : 'failed',
      status: null,
      durationMs: took(),
      output: firstLines(timedOut ? `no answer within ${timeoutMs} ms` : (error as Error).message),
    };
  }
}
