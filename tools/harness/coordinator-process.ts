import { join } from 'node:path';
import { PROJECT_ROOT } from './project-root';
import { freePort, OwnedProcess, waitFor } from './processes';

const COORDINATOR_MAIN = join(PROJECT_ROOT, 'apps', 'coordinator', 'src', 'main.ts');

/**
 * A real coordinator process on a free HTTP port, writing to a given SQLite file or, given a postgres://
 * URL, to that PostgreSQL database (several may share one).
 */
export class CoordinatorProcess {
  private process: OwnedProcess | null = null;

  /** The API token the coordinator is started with. */
  static readonly TOKEN = 'test-token-3f1c';

  private constructor(
    readonly natsUrl: string,
    /** A SQLite file, or a postgres:// URL. */
    readonly dbPath: string,
    readonly port: number,
    private readonly extraEnv: Record<string, string>,
  ) {}

  static async start(
    natsUrl: string,
    dbPath: string,
    extraEnv: Record<string, string> = {},
  ): Promise<CoordinatorProcess> {
    const coordinator = new CoordinatorProcess(natsUrl, dbPath, await freePort(), extraEnv);
    await coordinator.restart();
    return coordinator;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    if (this.process === null) throw new Error('not started');
    return this.process.pid;
  }

  async restart(): Promise<void> {
    this.process = OwnedProcess.startTs(COORDINATOR_MAIN, [], PROJECT_ROOT, {
      HACO_NATS_URL: this.natsUrl,
      ...(this.dbPath.startsWith('postgres://')
        ? { HACO_DB_TYPE: 'postgres', HACO_DB_URL: this.dbPath }
        : { HACO_DB: this.dbPath }),
      HACO_HTTP_PORT: String(this.port),
      HACO_API_TOKEN: CoordinatorProcess.TOKEN,
      ...this.extraEnv,
    });
    await waitFor(
      'the coordinator HTTP API',
      async () => ((await fetch(`${this.url}/health/live`).catch(() => null))?.ok ? true : undefined),
      30_000,
    );
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.process?.stop(signal);
  }

  output(): string {
    return this.process?.output.join('') ?? '';
  }

  async get<T>(path: string, token: string | null = CoordinatorProcess.TOKEN): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return (await response.json()) as T;
  }

  /** POST with the token unless told otherwise; `raw` sends the body text as is. */
  async post<T>(
    path: string,
    body: unknown,
    options: { token?: string | null; raw?: boolean } = {},
  ): Promise<{ status: number; body: T }> {
    const token = options.token === undefined ? CoordinatorProcess.TOKEN : options.token;
    const response = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: options.raw ? (body as string) : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async text(path: string): Promise<{ status: number; body: string; contentType: string | null }> {
    const response = await fetch(`${this.url}${path}`);
    return {
      status: response.status,
      body: await response.text(),
      contentType: response.headers.get('content-type'),
    };
  }
}
