import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Inject, Injectable } from '@nestjs/common';
import type { KeaResponse } from '@haco/ha-core';
import type { PeerSettings } from '../config/peer-config';
import { PEER_SETTINGS } from '../ports/tokens';
import { basicAuthHeader } from './basic-auth';
import type { KeaTls } from './kea-tls';
import { keaTls } from './kea-tls';

interface KeaPartner {
  readonly url: URL;
  readonly authorization: string | null;
  readonly tls: KeaTls | null;
}

/**
 * Kea's HA channel to a partner that is a real Kea server: `POST` of the command to the partner's `url`,
 * with the basic auth of its peer entry and, on an https url, TLS with the entry's trust anchor and client
 * certificate (Kea's `trust-anchor`, `cert-file`, `key-file`), answered with a JSON list of one answer.
 * Written on node:http(s): the channel is one request shape, no client library speaks Kea's control
 * channel, and fetch takes no per-request CA or client certificate.
 */
@Injectable()
export class KeaHttpClient {
  /** Each Kea partner's url, Authorization header and TLS, read once (files too, as Kea reads them). */
  private readonly partners = new Map<string, KeaPartner>();

  constructor(@Inject(PEER_SETTINGS) private readonly settings: PeerSettings) {}

  private partner(peer: string): KeaPartner {
    let known = this.partners.get(peer);
    if (known === undefined) {
      const config = this.settings.ha.peers.find((p) => p.name === peer);
      if (config === undefined) throw new Error(`no configuration specified for server ${peer}`);
      const url = new URL(config.url);
      known = {
        url,
        authorization: basicAuthHeader(config),
        tls: url.protocol === 'https:' ? keaTls(this.settings.ha, peer) : null,
      };
      this.partners.set(peer, known);
    }
    return known;
  }

  isKea(peer: string): boolean {
    return this.settings.keaPartners.includes(peer);
  }

  async send(peer: string, body: Record<string, unknown>, timeoutMs: number): Promise<KeaResponse> {
    const partner = this.partner(peer);
    const { status, text } = await post(partner, JSON.stringify(body), timeoutMs);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      if (status >= 400) return { result: status, text: text.slice(0, 200) };
      throw new Error(`unexpected answer from ${peer}: not JSON`);
    }
    // Kea answers a list of one answer per service; a refusal (401, 403) is a bare map.
    const answer = Array.isArray(parsed) ? (parsed[0] as unknown) : parsed;
    if (typeof answer !== 'object' || answer === null || typeof (answer as KeaResponse).result !== 'number')
      throw new Error(`unexpected answer from ${peer}: ${text.slice(0, 200)}`);
    return answer as KeaResponse;
  }
}

function post(
  partner: KeaPartner,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const options = {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        ...(partner.authorization === null ? {} : { authorization: partner.authorization }),
      },
      // One connection per call, as Kea's client may close it after each answer.
      agent: false as const,
      timeout: timeoutMs,
      ...(partner.tls === null ? {} : { ca: partner.tls.ca, cert: partner.tls.cert, key: partner.tls.key }),
    };
    const onAnswer = (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', (error) => reject(new Error(connectionFailure(error))));
    };
    const request =
      partner.url.protocol === 'https:'
        ? httpsRequest(partner.url, options, onAnswer)
        : httpRequest(partner.url, options, onAnswer);
    const deadline = setTimeout(
      () => request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    request.on('close', () => clearTimeout(deadline));
    request.on('timeout', () =>
      request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
    );
    request.on('error', (error) => reject(new Error(connectionFailure(error))));
    request.end(body);
  });
}

function connectionFailure(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'Connection refused';
  if (code === 'ETIMEDOUT') return 'Connection timed out';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'Connection reset by peer';
  // TLS: the partner's certificate is not signed by the trust anchor, or it refused ours.
  return (error as Error).message;
}
