import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { join, relative } from 'node:path';
import { launchArgs } from '@haco/common';
import { BUNDLES } from '../../scripts/bundles';
import { PROJECT_ROOT } from './project-root';

/**
 * How node runs a TypeScript entry point: under scripts/test.sh (HACO_TEST_BUILT=1, after it built them) an
 * app's entry point runs from its bundle or its startup snapshot, as production runs it; otherwise (jest run by hand, while
 * developing) from its source through tsx, so that an edit is never hidden behind an old bundle.
 */
export function nodeArgsFor(script: string): string[] {
  const source = relative(PROJECT_ROOT, script);
  const bundle = Object.entries(BUNDLES).find(([, from]) => from === source)?.[0];
  if (process.env.HACO_TEST_BUILT === '1' && bundle !== undefined) {
    return launchArgs(bundle, join(PROJECT_ROOT, 'dist'));
  }
  return ['--import', 'tsx', script];
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `probe` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

/** Every child started through this module and not yet exited, so that an interrupted run can end them. */
const liveChildren = new Set<ChildProcess>();

/** Counts `child` among the processes this run owns until it exits. */
export function own<T extends ChildProcess>(child: T): T {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  return child;
}

/**
 * For a command-line run (soak, bench): on SIGINT or SIGTERM every process it owns is killed by its pid
 * before it exits, so that no nats-server, coordinator or peer outlives an interrupted run.
 */
export function endOwnedOnSignal(): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      process.stderr.write(`${signal}: ending ${liveChildren.size} processes\n`);
      for (const child of liveChildren) if (child.pid !== undefined) child.kill('SIGKILL');
      process.exit(code);
    });
  }
}

/** A child process the test owns: output kept, ended by its pid, never left behind. */
export class OwnedProcess {
  readonly output: string[] = [];
  private exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    own(child);
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(command: string, args: string[], cwd?: string): OwnedProcess {
    return new OwnedProcess(
      spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: false }),
    );
  }

  /**
   * A TypeScript entry point run by node itself with tsx loaded (not through the tsx launcher), so that
   * the pid a test kills is the program's own.
   */
  static startTs(
    script: string,
    args: string[],
    cwd: string,
    env: Record<string, string> = {},
  ): OwnedProcess {
    return new OwnedProcess(
      spawn(process.execPath, [...nodeArgsFor(script), ...args], {
        cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...env },
      }),
    );
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('process did not start');
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` to the pid and waits for the exit (SIGKILL after `graceMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
    if (!this.running) return;
    process.kill(this.pid, signal);
    const timer = setTimeout(() => this.running && process.kill(this.pid, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  exit(): Promise<number | null> {
    return this.exited;
  }
}

/**
 * Runs a TypeScript entry point to its end and returns its exit status and output; killed by its pid after
 * `timeoutMs`. Unlike spawnSync it leaves the test's event loop running meanwhile: a loop blocked for
 * seconds lets pooled keep-alive HTTP connections go stale unnoticed, and the next fetch fails on one.
 */
export async function runTsToExit(
  script: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = own(
    spawn(process.execPath, [...nodeArgsFor(script), ...args], {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  return { status, stdout, stderr };
}
