import { emittedEvents } from '../../soak/checker';
import { NatsServer } from '../../tools/harness/nats-server';
import { KeaServer } from '../../tools/harness/kea-server';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { freePort, waitFor } from '../../tools/harness/processes';

type Name = 'server1' | 'server2';

export interface PairingOptions {
  /** Which server haco runs; the other is a real Kea 2.2. server1 is the primary. */
  readonly haco: Name;
  readonly mode: 'load-balancing' | 'hot-standby';
  /** `state-machine` pausing, the same on both sides. */
  readonly pausing?: Record<string, 'always' | 'once'>;
  /** TLS on the HA channel (https urls, client certificates required), each side with its own files. */
  readonly tls?: { readonly haco: TlsFiles; readonly kea: TlsFiles };
}

/** Kea 2.2's TLS parameters of one side: its trust anchor, certificate and key. */
export interface TlsFiles {
  readonly 'trust-anchor': string;
  readonly 'cert-file': string;
  readonly 'key-file': string;
}

/** Kea's timers, fast enough for a test; both sides run with the same. */
export const TIMING = {
  'heartbeat-delay': 1_000,
  'max-response-delay': 5_000,
  'max-ack-delay': 1_000,
  'max-unacked-clients': 0,
};

/** Each side logs in to the other with the credentials of the other's peer entry. */
const AUTH = {
  server1: { user: 'to-server1', password: 'secret-1' },
  server2: { user: 'to-server2', password: 'secret-2' },
};

/**
 * A haco peer paired with a real kea-dhcp4 2.2 over Kea's HA HTTP channel, with basic auth both ways; the
 * haco peer still publishes its events on NATS, as every peer does.
 */
export class KeaPairing {
  private constructor(
    readonly nats: NatsServer,
    readonly pair: PeerPair,
    readonly kea: KeaServer,
    readonly hacoName: Name,
    readonly keaName: Name,
    private readonly urls: Record<Name, string>,
  ) {}

  static async start(options: PairingOptions): Promise<KeaPairing> {
    const nats = await NatsServer.start();
    const scheme = options.tls === undefined ? 'http' : 'https';
    const urls = {
      server1: `${scheme}://127.0.0.1:${await freePort()}/`,
      server2: `${scheme}://127.0.0.1:${await freePort()}/`,
    };
    const tls = (side: 'haco' | 'kea') =>
      options.tls === undefined ? {} : { ...options.tls[side], 'require-client-certs': true };
    const keaName: Name = options.haco === 'server1' ? 'server2' : 'server1';
    const pausing = options.pausing ?? {};
    const pair = new PeerPair(nats, {
      mode: options.mode,
      urls,
      basicAuth: AUTH,
      archive: true,
      keaPartners: { [options.haco]: [keaName] },
      settings: { ...TIMING, ...tls('haco') },
      pausing: { [options.haco]: pausing },
    });
    const standby = options.mode === 'hot-standby' ? 'standby' : 'secondary';
    const entry = (name: Name, role: string) => ({
      name,
      url: urls[name],
      role,
      'basic-auth-user': AUTH[name].user,
      'basic-auth-password': AUTH[name].password,
    });
    const kea = await KeaServer.start({
      'this-server-name': keaName,
      mode: options.mode,
      ...TIMING,
      ...tls('kea'),
      'state-machine': { states: Object.entries(pausing).map(([state, pause]) => ({ state, pause })) },
      peers: [entry('server1', 'primary'), entry('server2', standby)],
    });
    const pairing = new KeaPairing(nats, pair, kea, options.haco, keaName, urls);
    pair.start(options.haco);
    return pairing;
  }

  /** The peer entry's url of a side (https with TLS). */
  urlOf(side: 'haco' | 'kea'): string {
    const name = side === 'haco' ? this.hacoName : this.keaName;
    return this.urls[name];
  }

  hacoState() {
    return this.pair.status(this.hacoName);
  }

  /** Both sides in `hacoState` and `keaState`. */
  async waitFor(hacoState: string, keaState: string, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      `haco in ${hacoState} and Kea in ${keaState}`,
      async () => {
        const [h, k] = await Promise.all([
          this.hacoState().catch(() => null),
          this.kea.haState().catch(() => null),
        ]);
        return h?.state === hacoState && k === keaState ? true : undefined;
      },
      timeoutMs,
    ).catch(async (error: Error) => {
      const h = await this.hacoState().catch(() => null);
      const k = await this.kea.haState().catch(() => 'unknown');
      throw new Error(`${error.message} (haco is ${h?.state}, Kea is ${k})\n${this.keaLog()}`);
    });
  }

  /** haco's transitions, from every event it recorded (outbox and archive), as `from -> to`. */
  async hacoTransitions(): Promise<string[]> {
    const events = emittedEvents(this.pair.dataDir(this.hacoName));
    return events.flatMap((e) => {
      const data = e.data as { from?: string; to?: string };
      return e.type === 'StateTransitioned' && data.from !== data.to ? [`${data.from} -> ${data.to}`] : [];
    });
  }

  /** Kea's own log lines of its HA hook, warnings and transitions, for a failure's message. */
  keaLog(): string {
    return this.kea
      .output()
      .split('\n')
      .filter((l) => /ha-hooks/.test(l) && !/HA_HEARTBEAT_COMMUNICATIONS_FAILED/.test(l))
      .slice(-25)
      .join('\n');
  }

  async leaseAddresses(side: 'haco' | 'kea'): Promise<string[]> {
    const answer =
      side === 'haco'
        ? await this.pair.command(this.hacoName, 'lease4-get-all')
        : await this.kea.command('lease4-get-all');
    const leases = (answer.arguments?.['leases'] ?? []) as { 'ip-address': string }[];
    return leases.map((l) => l['ip-address']).sort();
  }

  async destroy(): Promise<void> {
    await this.pair.destroy();
    await this.kea.destroy();
    await this.nats.destroy();
  }
}
