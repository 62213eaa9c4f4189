import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    private readonly configFile: string | null,
  ) {}

  /** A server with JetStream; `config` (given the port and store) replaces the command-line setup. */
  static async start(config?: (port: number, storeDir: string) => string): Promise<NatsServer> {
    const port = await freePort();
    const storeDir = mkdtempSync(join(tmpdir(), 'haco-nats-'));
    let configFile: string | null = null;
    if (config !== undefined) {
      configFile = join(storeDir, 'nats.conf');
      writeFileSync(configFile, config(port, storeDir));
    }
    const server = new NatsServer(port, storeDir, configFile);
    await server.restart();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    if (this.process === null) throw new Error('not started');
    return this.process.pid;
  }

  /** (Re)starts the server on the same port and store, as after a crash. */
  async restart(): Promise<void> {
    const args =
      this.configFile !== null
        ? ['-a', '127.0.0.1', '-c', this.configFile]
        : ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir];
    this.process = OwnedProcess.start(NATS_SERVER, args);
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
