import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, OwnedProcess, portOpen, waitFor } from './processes';

const NATS_SERVER = process.env.NATS_SERVER_BIN ?? 'nats-server';

/** A real nats-server with JetStream on a free loopback port and its own store directory. */
export class NatsServer {
  private process: OwnedProcess | null = null;

  private constructor(
    readonly port: number,
    readonly storeDir: string,
  ) {}

  static async start(): Promise<NatsServer> {
    const server = new NatsServer(await freePort(), mkdtempSync(join(tmpdir(), 'haco-nats-')));
    await server.restart();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** (Re)starts the server on the same port and store, as after a crash. */
  async restart(): Promise<void> {
    this.process = OwnedProcess.start(NATS_SERVER, [
      '-a',
      '127.0.0.1',
      '-p',
      String(this.port),
      '-js',
      '-sd',
      this.storeDir,
    ]);
    await waitFor(
      `nats-server on ${this.port}`,
      async () => ((await portOpen(this.port)) ? true : undefined),
      10_000,
    );
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.process?.stop(signal);
  }

  async destroy(): Promise<void> {
    await this.kill('SIGTERM');
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
