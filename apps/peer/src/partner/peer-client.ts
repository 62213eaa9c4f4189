import type { NatsConnection } from 'nats';
import type { KeaResponse } from '@haco/ha-core';
import { commandSubject } from '@haco/contracts';

export type PeerReply =
  { readonly ok: true; readonly response: KeaResponse } | { readonly ok: false; readonly error: string };

/** Kea's HA client timeout for a request to a peer. */
export const PEER_REQUEST_TIMEOUT_MS = 10_000;

/**
 * How often a request still waiting for its answer checks that the peer is still connected. Kea learns at
 * once that a killed partner is gone (the kernel resets its TCP connection); a NATS request to a peer that
 * died after receiving it would instead wait out the whole 10 s, far past max-response-delay.
 */
export const PRESENCE_CHECK_MS = 250;

/** The probe is a heartbeat: read-only on the peer, never recorded, and allowed wherever commands are. */
const PRESENCE_PROBE = JSON.stringify({ command: 'ha-heartbeat', service: ['dhcp4'] });

/**
 * Sends Kea control-channel commands to other peers of the cluster over NATS request/reply. Like Kea's
 * HA client it reads a list answer by its first element and adds `service: ["dhcp4"]`.
 */
export class PeerClient {
  private connected = true;
  private readonly inFlight = new Set<(error: string) => void>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly cluster: string,
  ) {}

  /**
   * Tells the client whether NATS is reachable. Without it a peer cannot be reached at all, so requests
   * fail at once (as Kea's refused TCP connection does) instead of waiting in the reconnect buffer.
   */
  setConnected(connected: boolean): void {
    this.connected = connected;
    if (!connected) for (const abort of [...this.inFlight]) abort('NATS connection lost');
  }

  async send(
    peer: string,
    command: string,
    args?: unknown,
    timeoutMs: number = PEER_REQUEST_TIMEOUT_MS,
  ): Promise<PeerReply> {
    const body = { command, service: ['dhcp4'], ...(args === undefined ? {} : { arguments: args }) };
    if (!this.connected) return { ok: false, error: 'NATS unreachable' };
    let data: Uint8Array;
    let abort: (error: string) => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => {
      abort = (error) => reject(new Error(error));
    });
    this.inFlight.add(abort);
    const subject = commandSubject(this.cluster, peer);
    const stopWatching = this.watchPresence(subject, abort);
    try {
      const request = this.nc.request(subject, JSON.stringify(body), { timeout: timeoutMs });
      const message = await Promise.race([request, aborted]);
      data = message.data;
    } catch (error) {
      return { ok: false, error: transportError(error) };
    } finally {
      stopWatching();
      this.inFlight.delete(abort);
    }
    try {
      const parsed: unknown = JSON.parse(new TextDecoder().decode(data));
      const first = Array.isArray(parsed) ? parsed[0] : parsed;
      if (typeof first !== 'object' || first === null || typeof (first as KeaResponse).result !== 'number') {
        return { ok: false, error: 'invalid answer from the peer' };
      }
      return { ok: true, response: readAnswer(first as KeaResponse) };
    } catch {
      return { ok: false, error: 'unparsable answer from the peer' };
    }
  }

  /**
   * While a request waits, probes the peer's subject: nats-server answers "no responders" (503) once the
   * peer's connection is gone, and the request then fails as a refused connection does. A peer that is
   * only slow answers or ignores the probe, and the request keeps its full timeout, as in Kea.
   */
  private watchPresence(subject: string, abort: (error: string) => void): () => void {
    let timer: NodeJS.Timeout | null = null;
    let watching = true;
    const probe = (): void => {
      timer = null;
      Promise.resolve()
        .then(() => this.nc.request(subject, PRESENCE_PROBE, { timeout: PRESENCE_CHECK_MS }))
        .then(
          () => undefined,
          (error: unknown) => {
            if (watching && (error as { code?: string }).code === '503') abort('Connection refused');
          },
        )
        .finally(() => {
          if (watching) timer = setTimeout(probe, PRESENCE_CHECK_MS);
        });
    };
    timer = setTimeout(probe, PRESENCE_CHECK_MS);
    return () => {
      watching = false;
      if (timer !== null) clearTimeout(timer);
    };
  }
}

/** HTTP-style refusals (401, 403) come back as bare maps that Kea reads as error code 1 (spec 5.1). */
function readAnswer(response: KeaResponse): KeaResponse {
  return response.result === 401 || response.result === 403 ? { ...response, result: 1 } : response;
}

function transportError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === '503') return 'Connection refused';
  if (code === 'TIMEOUT') return 'Connection timed out';
  return (error as Error).message ?? String(error);
}

/** True for an answer Kea treats as success (0) or empty (3). */
export function succeeded(reply: PeerReply): boolean {
  return reply.ok && (reply.response.result === 0 || reply.response.result === 3);
}
