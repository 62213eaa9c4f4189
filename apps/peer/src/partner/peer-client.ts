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
  constructor(
    private readonly nc: NatsConnection,
    private readonly cluster: string,
  ) {}

  async send(
    peer: string,
    command: string,
    args?: unknown,
    timeoutMs: number = PEER_REQUEST_TIMEOUT_MS,
  ): Promise<PeerReply> {
    const body = { command, service: ['dhcp4'], ...(args === undefined ? {} : { arguments: args }) };
    let data: Uint8Array;
    try {
      const message = await this.nc.request(commandSubject(this.cluster, peer), JSON.stringify(body), {
        timeout: timeoutMs,
      });
      data = message.data;
    } catch (error) {
      return { ok: false, error: transportError(error) };
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
