import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BoundedLogFile } from './log-file';

export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  readonly cwd: string;
  readonly logFile: string;
}

const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
/** A process that ran this long before it died is restarted after the shortest wait again. */
const STABLE_MS = 60_000;
/** How long a stopping process gets before it is killed. */
const STOP_GRACE_MS = 8_000;

/**
 * One process of the main job: its output goes to its own log file (not to memory), each line handed to
 * `onLine` too; when it fails (a non-zero exit or a signal, as systemd's `Restart=on-failure`) it is logged
 * and started again with a growing backoff. A clean exit (status 0: it was stopped on purpose, by SIGTERM
 * to its own pid) is logged as "stopped" and left stopped, so that an operator can take one process out of
 * supervision and run it by hand. `stop` ends it
 * by its own pid, SIGTERM first and SIGKILL after a grace period. Written by hand rather than on a process
 * manager (pm2 and the like run a daemon of their own): the main job must hold its children in its own
 * signal path, so that SIGTERM to its pid ends them all and nothing outlives it.
 */
export class SupervisedProcess {
  private child: ChildProcess | null = null;
  private stopping = false;
  private backoff = BACKOFF_MIN_MS;
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly log: BoundedLogFile;
  restarts = 0;

  constructor(
    private readonly spec: ProcessSpec,
    private readonly onLine: (process: string, line: string) => void,
    private readonly onEvent: (message: string) => void,
  ) {
    this.log = new BoundedLogFile(spec.logFile);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const startedAt = Date.now();
    const child = spawn(this.spec.command, [...this.spec.args], {
      cwd: this.spec.cwd,
      env: { ...process.env, ...this.spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.log.write(`${asJsonLine(this.spec.name, line)}\n`);
        this.onLine(this.spec.name, line);
      });
    }
    child.once('exit', (code, signal) => {
      this.child = null;
      if (this.stopping) return;
      if (signal === null && code === 0) {
        this.onEvent(
          `${this.spec.name} stopped (exit status 0); it is not started again until the main job restarts`,
        );
        return;
      }
      if (Date.now() - startedAt > STABLE_MS) this.backoff = BACKOFF_MIN_MS;
      const how = signal === null ? `exit status ${code}` : `signal ${signal}`;
      this.onEvent(`${this.spec.name} died (${how}); restarting it in ${this.backoff / 1000} s`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        this.restarts += 1;
        this.start();
      }, this.backoff);
      this.backoff = Math.min(BACKOFF_MAX_MS, this.backoff * 2);
    });
  }

  /** Ends the process (and any restart waiting); resolves once it has exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    const child = this.child;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(killer);
  }
}

/**
 * Every line of a log file is JSON, whoever wrote it: haco's processes write JSON lines already; another
 * program's line (nats-server's own format, a crash's stack trace) is wrapped as one, with the time it came.
 */
function asJsonLine(process: string, line: string): string {
  if (line.startsWith('{')) {
    try {
      JSON.parse(line);
      return line;
    } catch {
      // Not whole JSON after all: wrapped below.
    }
  }
  return JSON.stringify({ time: new Date().toISOString(), process, message: line });
}
