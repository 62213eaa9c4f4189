import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OwnedProcess, waitFor } from './processes';

const KEA_DHCP4 = process.env.KEA_DHCP4_BIN ?? '/usr/sbin/kea-dhcp4';
const HOOKS = process.env.KEA_HOOKS_DIR ?? '/usr/lib/x86_64-linux-gnu/kea/hooks';

export interface KeaHaPeer {
  readonly name: string;
  readonly url: string;
  readonly role: string;
  readonly 'basic-auth-user'?: string;
  readonly 'basic-auth-password'?: string;
}

/** The HA parameters of the Kea server (its `this-server-name`, mode, timers, peers, state machine). */
export type KeaHaParameters = Record<string, unknown> & { readonly peers: readonly KeaHaPeer[] };

/**
 * A real Kea 2.2 DHCPv4 server (Debian's kea-dhcp4-server) of the test's own: no DHCP interfaces, its
 * lease file, control socket, pid and lock files in a temp dir, the lease_cmds and HA hooks loaded, and
 * HA's own HTTP listener (multi-threaded, dedicated listener) on its peer `url`. Stopped by its pid.
 */
export class KeaServer {
  private process: OwnedProcess | null = null;

  private constructor(
    readonly dir: string,
    readonly configFile: string,
  ) {}

  static async start(ha: KeaHaParameters): Promise<KeaServer> {
    const dir = mkdtempSync(join(tmpdir(), 'haco-kea-'));
    const configFile = join(dir, 'kea-dhcp4.json');
    writeFileSync(configFile, JSON.stringify(keaConfig(dir, ha), null, 2));
    const server = new KeaServer(dir, configFile);
    await server.restart();
    return server;
  }

  get socket(): string {
    return join(this.dir, 'kea4.sock');
  }

  /** Kea's own log file (the same lines as its output), as an operator's Kea writes one. */
  get logFile(): string {
    return join(this.dir, 'kea-dhcp4.log');
  }

  get running(): boolean {
    return this.process?.running ?? false;
  }

  output(): string {
    return this.process?.output.join('') ?? '';
  }

  /** (Re)starts Kea on the same configuration and lease file, as after a crash. */
  async restart(): Promise<void> {
    const env = { ...process.env, KEA_PIDFILE_DIR: this.dir, KEA_LOCKFILE_DIR: this.dir };
    this.process = new OwnedProcess(
      spawn(KEA_DHCP4, ['-c', this.configFile], { stdio: ['ignore', 'pipe', 'pipe'], env }),
    );
    await waitFor(
      'Kea to answer on its control socket',
      async () => {
        if (!this.process?.running) throw new Error(`kea-dhcp4 exited:\n${this.output().slice(-3000)}`);
        return (await this.command('version-get').catch(() => null)) === null ? undefined : true;
      },
      20_000,
    );
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.process?.stop(signal);
  }

  /** A command on Kea's control socket (unix): its answer. */
  command(
    command: string,
    args?: unknown,
  ): Promise<{ result: number; text?: string; arguments?: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(this.socket);
      let text = '';
      socket.setTimeout(5_000, () => socket.destroy(new Error(`${command}: no answer from Kea`)));
      socket.on('connect', () =>
        socket.write(JSON.stringify({ command, ...(args === undefined ? {} : { arguments: args }) })),
      );
      socket.on('data', (chunk) => {
        text += chunk.toString();
        try {
          resolve(JSON.parse(text));
          socket.end();
        } catch {
          // more to come
        }
      });
      socket.on('error', reject);
      socket.on('close', () => reject(new Error(`${command}: Kea closed the socket: ${text}`)));
    });
  }

  /** Kea's HA state, from its own status-get. */
  async haState(): Promise<string> {
    const answer = await this.command('status-get');
    const ha = (
      answer.arguments?.['high-availability'] as { 'ha-servers': { local: { state: string } } }[]
    )[0];
    return ha['ha-servers'].local.state;
  }

  /** Kea's HA_STATE_TRANSITION log lines, as `from -> to` pairs. */
  transitions(): string[] {
    return [
      ...this.output().matchAll(/HA_STATE_TRANSITION server transitions from (\S+) to (\S+) state/g),
    ].map((m) => `${m[1].toLowerCase()} -> ${m[2].toLowerCase()}`);
  }

  /** Kea's HA_STATE_TRANSITION lines in its log files (rotated ones first), over every run. */
  loggedTransitions(): string[] {
    const text = [`${this.logFile}.2`, `${this.logFile}.1`, this.logFile]
      .filter((file) => existsSync(file))
      .map((file) => readFileSync(file, 'utf8'))
      .join('');
    return [...text.matchAll(/HA_STATE_TRANSITION server transitions from (\S+) to (\S+) state/g)].map(
      (m) => `${m[1].toLowerCase()} -> ${m[2].toLowerCase()}`,
    );
  }

  async destroy(): Promise<void> {
    await this.kill('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The Kea configuration a test server runs: no interfaces, memfile leases, lease_cmds and HA on loopback. */
export function keaConfig(dir: string, ha: KeaHaParameters) {
  return {
    Dhcp4: {
      'interfaces-config': { interfaces: [] },
      'control-socket': { 'socket-type': 'unix', 'socket-name': join(dir, 'kea4.sock') },
      'lease-database': { type: 'memfile', name: join(dir, 'leases4.csv'), 'lfc-interval': 0 },
      'multi-threading': { 'enable-multi-threading': true, 'thread-pool-size': 2, 'packet-queue-size': 16 },
      'valid-lifetime': 3600,
      'hooks-libraries': [
        { library: join(HOOKS, 'libdhcp_lease_cmds.so') },
        {
          library: join(HOOKS, 'libdhcp_ha.so'),
          parameters: {
            'high-availability': [
              {
                ...ha,
                'multi-threading': {
                  'enable-multi-threading': true,
                  'http-dedicated-listener': true,
                  'http-listener-threads': 1,
                  'http-client-threads': 1,
                },
              },
            ],
          },
        },
      ],
      subnet4: [{ id: 1, subnet: '192.0.2.0/24', pools: [{ pool: '192.0.2.10 - 192.0.2.250' }] }],
      loggers: [
        {
          name: 'kea-dhcp4',
          // Kea's smallest rotation size, so that a test can make it rotate.
          output_options: [
            { output: 'stdout' },
            { output: join(dir, 'kea-dhcp4.log'), flush: true, maxsize: 204800, maxver: 2 },
          ],
          severity: 'INFO',
        },
      ],
    },
  };
}
