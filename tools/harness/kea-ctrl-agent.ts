import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, OwnedProcess, portOpen, waitFor } from './processes';

const KEA_CTRL_AGENT = '/usr/sbin/kea-ctrl-agent';

/**
 * A real Kea Control Agent (Debian's kea-ctrl-agent) in front of one kea-dhcp4's control socket: HTTP on
 * loopback with basic authentication, as operators put Kea's control channel on the network. Stopped by
 * its pid.
 */
export class KeaCtrlAgent {
  private constructor(
    private readonly process: OwnedProcess,
    private readonly dir: string,
    readonly url: string,
  ) {}

  /** `tls`: HTTPS with this CA, certificate and key, and a client certificate the CA signed required. */
  static async start(
    dhcp4Socket: string,
    user: string,
    password: string,
    tls?: { ca: string; cert: string; key: string },
  ): Promise<KeaCtrlAgent> {
    const dir = mkdtempSync(join(tmpdir(), 'haco-kea-ca-'));
    const port = await freePort();
    const config = join(dir, 'kea-ctrl-agent.json');
    writeFileSync(
      config,
      JSON.stringify({
        'Control-agent': {
          'http-host': '127.0.0.1',
          'http-port': port,
          authentication: { type: 'basic', realm: 'haco-test', clients: [{ user, password }] },
          ...(tls === undefined
            ? {}
            : { 'trust-anchor': tls.ca, 'cert-file': tls.cert, 'key-file': tls.key, 'cert-required': true }),
          'control-sockets': { dhcp4: { 'socket-type': 'unix', 'socket-name': dhcp4Socket } },
          loggers: [{ name: 'kea-ctrl-agent', output_options: [{ output: 'stdout' }], severity: 'INFO' }],
        },
      }),
    );
    const env = { ...process.env, KEA_PIDFILE_DIR: dir, KEA_LOCKFILE_DIR: dir };
    const owned = new OwnedProcess(
      spawn(KEA_CTRL_AGENT, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'], env }),
    );
    const url = `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}/`;
    await waitFor('the Control Agent to listen', async () => {
      if (!owned.running) throw new Error(`kea-ctrl-agent exited:\n${owned.output.join('').slice(-2000)}`);
      return (await portOpen(port)) ? true : undefined;
    });
    return new KeaCtrlAgent(owned, dir, url);
  }

  async destroy(): Promise<void> {
    await this.process.stop('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
