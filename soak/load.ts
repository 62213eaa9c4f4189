import type { NatsConnection } from '@nats-io/transport-node';

/** One DHCP query as both peers of a pair saw it (a client's broadcast reaches both). */
export interface QueryRecord {
  readonly cluster: string;
  readonly hwAddress: string;
  readonly sentAt: number;
  /** Per peer: when its answer came back and the scope it served, or null when it did not serve. */
  readonly answers: Record<string, { readonly receivedAt: number; readonly scope: string | null }>;
}

const SERVED = /allocated in scope (\S+)\./;

/** A population of clients smaller than the pools, so that returning clients renew rather than exhaust. */
const CLIENTS = Array.from({ length: 150 }, (_, i) =>
  ['02', '00', '5e', '10', (i >> 8).toString(16), (i & 255).toString(16)]
    .map((b) => b.padStart(2, '0'))
    .join(':'),
);
const randomMac = () => CLIENTS[Math.floor(Math.random() * CLIENTS.length)];

/** Client load: every `intervalMs`, a client's query to both peers of every pair, all answers kept. */
export class ClientLoad {
  readonly queries: QueryRecord[] = [];
  /** How the peers answered, by answer text with numbers and addresses blanked (what load got back). */
  readonly outcomes = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly connection: () => Promise<NatsConnection>,
    private readonly clusters: readonly string[],
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      for (const cluster of this.clusters) void this.query(cluster);
    }, this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async query(cluster: string): Promise<void> {
    const hwAddress = randomMac();
    const sentAt = Date.now();
    const answers: QueryRecord['answers'] = {};
    const nc = await this.connection().catch(() => null);
    if (nc === null || nc.isClosed()) return;
    await Promise.all(
      ['server1', 'server2'].map(async (peer) => {
        try {
          const reply = await nc.request(
            `haco.${cluster}.${peer}.cmd`,
            JSON.stringify({ command: 'dhcp4-query', arguments: { 'hw-address': hwAddress } }),
            { timeout: 2_000 },
          );
          const answer = JSON.parse(new TextDecoder().decode(reply.data)) as {
            result: number;
            text?: string;
          };
          const scope = answer.result === 0 ? (SERVED.exec(answer.text ?? '')?.[1] ?? null) : null;
          const outcome = `${answer.result}: ${(answer.text ?? '').replace(/[\d.]+/g, '#')}`;
          this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
          answers[peer] = { receivedAt: Date.now(), scope };
        } catch {
          // Unreachable (NATS or the peer down): not served, nothing to check.
          this.outcomes.set('unreachable', (this.outcomes.get('unreachable') ?? 0) + 1);
        }
      }),
    );
    this.queries.push({ cluster, hwAddress, sentAt, answers });
  }
}
