import { Inject, Injectable } from '@nestjs/common';
import type { KeaResponse } from '@haco/ha-core';
import type { PeerSettings } from '../config/peer-config';
import { PEER_SETTINGS } from '../runtime/tokens';
import { basicAuthHeader } from './basic-auth';

/**
 * Kea's HA channel to a partner that is a real Kea server: `POST` of the command to the partner's `url`,
 * with the basic auth of its peer entry, answered with a JSON list of one answer. Written on fetch: the
 * channel is one request shape, and no client library speaks Kea's control channel.
 */
@Injectable()
export class KeaHttpClient {
  /** Each Kea partner's url and Authorization header, read once (a password file too, as Kea reads it). */
  private readonly partners = new Map<string, { url: string; authorization: string | null }>();

  constructor(@Inject(PEER_SETTINGS) private readonly settings: PeerSettings) {}

  private partner(peer: string): { url: string; authorization: string | null } {
    let known = this.partners.get(peer);
    if (known === undefined) {
      const config = this.settings.ha.peers.find((p) => p.name === peer);
      if (config === undefined) throw new Error(`no configuration specified for server ${peer}`);
      known = { url: config.url, authorization: basicAuthHeader(config) };
      this.partners.set(peer, known);
    }
    return known;
  }

  isKea(peer: string): boolean {
    return this.settings.keaPartners.includes(peer);
  }

  async send(peer: string, body: Record<string, unknown>, timeoutMs: number): Promise<KeaResponse> {
    const { url, authorization } = this.partner(peer);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization === null ? {} : { authorization }) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new Error(connectionFailure(error));
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      if (!response.ok) return { result: response.status, text: response.statusText };
      throw new Error(`unexpected answer from ${peer}: not JSON`);
    }
    // Kea answers a list of one answer per service; a refusal (401, 403) is a bare map.
    const answer = Array.isArray(parsed) ? (parsed[0] as unknown) : parsed;
    if (typeof answer !== 'object' || answer === null || typeof (answer as KeaResponse).result !== 'number')
      throw new Error(`unexpected answer from ${peer}: ${text.slice(0, 200)}`);
    return answer as KeaResponse;
  }
}

function connectionFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'Connection refused';
  if ((error as Error).name === 'TimeoutError') return 'Connection timed out';
  if (cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET') return 'Connection reset by peer';
  return (error as Error).message;
}
