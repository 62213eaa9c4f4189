import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { own, waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';

export interface Pids {
  main: number;
  nats: number;
  coordinator: number;
  peers: number[];
}

/** Gone, or a zombie waiting for its parent: either way it no longer runs. */
export const alive = (pid: number): boolean => {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

export interface MainJob {
  readonly child: ChildProcess;
  readonly output: () => string;
}

/**
 * The main job as `bash scripts/start.sh` ends up running it, from its bundle (scripts/test.sh builds them):
 * its own node process, its pid ours to signal.
 */
export function startMainJob(
  dataDir: string,
  httpPort: number,
  command: [string, string[]] = [process.execPath, [join(PROJECT_ROOT, 'dist', 'cluster', 'main.js')]],
): MainJob {
  const child = own(
    spawn(command[0], command[1], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, HACO_DATA_DIR: dataDir, HACO_HTTP_PORT: String(httpPort), HACO_API_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** Waits for the main job's banner: every process is started. */
export async function bannerOf(job: MainJob, timeoutMs = 120_000): Promise<void> {
  await waitFor(
    'the banner',
    async () => (job.output().includes('Ctrl-C stops everything') ? true : undefined),
    timeoutMs,
  );
}

export const pidsOf = (dataDir: string): Pids =>
  JSON.parse(readFileSync(join(dataDir, 'run', 'pids.json'), 'utf8')) as Pids;

/** Signals the main job and waits until it and every child it started are gone; how long that took. */
export async function stopped(child: ChildProcess, signal: NodeJS.Signals, pids: Pids): Promise<number> {
  const started = Date.now();
  process.kill(child.pid!, signal);
  await waitFor('the main job to exit', async () => (child.exitCode !== null ? true : undefined), 30_000);
  const all = [pids.nats, pids.coordinator, ...pids.peers];
  await waitFor(
    'every child to be gone',
    async () => (all.every((pid) => !alive(pid)) ? true : undefined),
    5_000,
  );
  return Date.now() - started;
}
