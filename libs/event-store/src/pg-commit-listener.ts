import { Client } from 'pg';
import type { PostgresStoreOptions } from './data-source';
import { postgresSsl } from './data-source';
import { COMMIT_CHANNEL } from './write/pg-event-writer';

/**
 * Hears every commit to a PostgreSQL log, whichever coordinator made it (the writer announces each with
 * NOTIFY, delivered when it commits). On its own connection, since LISTEN holds one; a lost connection is
 * made again, and `onCommit` is then called once, for what may have been committed meanwhile.
 */
export class PgCommitListener {
  private client: Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: PostgresStoreOptions,
    private readonly onCommit: () => void,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    const client = new Client({
      connectionString: this.options.url,
      host: this.options.host,
      port: this.options.port,
      user: this.options.user,
      password: this.options.password,
      database: this.options.database,
      ssl: postgresSsl(this.options.tls),
    });
    client.on('notification', () => this.onCommit());
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    await client.query(`LISTEN ${COMMIT_CHANNEL}`);
    this.client = client;
  }

  private lost(client: Client, error: Error): void {
    if (this.stopped || this.client !== client) return;
    this.client = null;
    this.onError(error);
    const again = () => {
      this.retry = null;
      if (this.stopped) return;
      this.start().then(
        () => this.onCommit(),
        (failed: Error) => {
          this.onError(failed);
          this.retry = setTimeout(again, 1_000);
        },
      );
    };
    this.retry = setTimeout(again, 200);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry !== null) clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
