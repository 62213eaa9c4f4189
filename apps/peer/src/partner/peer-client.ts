import type { NatsConnection } from 'nats';
import type { KeaResponse } from '@haco/ha-core';
import { commandSubject } from '@haco/contracts';

export type PeerReply =
  { readonly ok: true; readonly response: KeaResponse } | { readonly ok: false; readonly error: string };

/** Kea's HA client timeout for a request to a peer. */
export const PEER_REQUEST_TIMEOUT_MS = 10_000;

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
    try {
      const request = this.nc.request(commandSubject(this.cluster, peer), JSON.stringify(body), {
        timeout: timeoutMs,
      });
      const message = await Promise.race([request, aborted]);
      data = message.data;
    } catch (error) {
      return { ok: false, error: transportError(error) };
    } finally {
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
