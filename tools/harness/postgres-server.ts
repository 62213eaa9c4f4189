import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, OwnedProcess, waitFor } from './processes';

/** Where Debian's postgresql package puts the server programs (not on PATH): the newest version there. */
function serverBinDir(): string {
  const fromEnv = process.env.HACO_PG_BIN;
  if (fromEnv !== undefined) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'postgres')));
  if (found === undefined)
    throw new Error('PostgreSQL server programs not found: install the postgresql package (.ci/run does)');
  return found;
}

/** PostgreSQL refuses to run as root: a test run as root starts it as the postgres user (or nobody). */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name]).toString().trim());
      const gid = Number(execFileSync('id', ['-g', name]).toString().trim());
      return { uid, gid };
    } catch {
      // not on this machine: try the next one
    }
  }
  throw new Error('running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

/**
 * A real PostgreSQL cluster of the test's own: `initdb` into a temp dir, the server on a free loopback port
 * with its socket in that dir, stopped by its pid. The server is started directly rather than through
 * pg_ctl, which would fork it away: the pid a test kills must be the server's own.
 */
export class PostgresServer {
  private process: OwnedProcess | null = null;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly bin: string,
    private readonly user: { uid: number; gid: number } | null,
  ) {}

  static async start(options: { fsync?: boolean } = {}): Promise<PostgresServer> {
    const bin = serverBinDir();
    const user = serverUser();
    const dir = mkdtempSync(join(tmpdir(), 'haco-pg-'));
    if (user !== null) chownSync(dir, user.uid, user.gid);
    const data = join(dir, 'data');
    execFileSync(
      join(bin, 'initdb'),
      ['-D', data, '-U', 'haco', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C'],
      { stdio: 'pipe', ...(user ?? {}) },
    );
    const server = new PostgresServer(await freePort(), dir, bin, user);
    await server.restart(options.fsync ?? true);
    return server;
  }

  get pid(): number {
    if (this.process === null) throw new Error('not started');
    return this.process.pid;
  }

  /** One of the server's programs (pg_dump, pg_restore...), of the same version as the server. */
  program(name: string): string {
    return join(this.bin, name);
  }

  /** A URL for a database of this cluster (created by `createDatabase`). */
  url(database: string): string {
    return `postgres://haco@127.0.0.1:${this.port}/${database}`;
  }

  async createDatabase(name: string): Promise<string> {
    const client = new Client({ connectionString: this.url('postgres') });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  private async restart(fsync: boolean): Promise<void> {
    const args = [
      '-D',
      join(this.dir, 'data'),
      '-p',
      String(this.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${this.dir}`,
      '-c',
      'max_connections=200',
      '-c',
      `fsync=${fsync ? 'on' : 'off'}`,
    ];
    this.process = new OwnedProcess(
      spawn(join(this.bin, 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], ...(this.user ?? {}) }),
    );
    await waitFor(
      `PostgreSQL on ${this.port}`,
      async () => {
        if (!this.process?.running) throw new Error(`postgres exited: ${this.process?.output.join('')}`);
        const client = new Client({ connectionString: this.url('postgres') });
        try {
          await client.connect();
          return true;
        } catch {
          return undefined;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      20_000,
    );
  }

  /** Stops the server by its pid (a fast shutdown) and removes its cluster. */
  async destroy(): Promise<void> {
    await this.process?.stop('SIGINT', 10_000);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
