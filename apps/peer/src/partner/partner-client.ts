import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { EmptyResponseException } from '@nestjs/microservices/errors/empty-response.exception';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import type { KeaResponse } from '@haco/ha-core';
import { partnerSubject } from '@haco/contracts';
import type { PeerSettings } from '../config/peer-config';
import { PARTNER_PROXY, PEER_SETTINGS } from '../ports/tokens';
import { KeaHttpClient } from './kea-http-client';

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
const PRESENCE_PROBE = { command: 'ha-heartbeat', service: ['dhcp4'] };

/**
 * Sends Kea control-channel commands to other peers of the cluster through the injected NATS ClientProxy,
 * or over Kea's HA HTTP channel to a partner that is a real Kea server (`kea-partners`). Like Kea's HA
 * client it adds `service: ["dhcp4"]`; a bare 401/403 answer reads as error code 1.
 */
@Injectable()
export class PartnerClient {
  private connected = true;
  private readonly inFlight = new Set<(error: string) => void>();

  constructor(
    @Inject(PARTNER_PROXY) private readonly proxy: Pick<ClientProxy, 'send'>,
    @Inject(PEER_SETTINGS) private readonly settings: PeerSettings,
    @Inject(KeaHttpClient) private readonly http: KeaHttpClient,
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
    if (this.http.isKea(peer)) {
      // A TCP connection to Kea fails at once when it is gone: no presence probes are needed.
      return this.http.send(peer, body, timeoutMs).then(
        (response): PeerReply => ({ ok: true, response: readAnswer(response) }),
        (error: unknown): PeerReply => ({ ok: false, error: failureText(error) }),
      );
    }
    if (!this.connected) return { ok: false, error: 'NATS unreachable' };
    const subject = partnerSubject(this.settings.cluster, peer);
    let abort: (error: string) => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => {
      abort = (error) => reject(new Error(error));
    });
    this.inFlight.add(abort);
    const stopWatching = this.watchPresence(subject, abort);
    try {
      const response = await Promise.race([this.request(subject, body, timeoutMs), aborted]);
      return { ok: true, response: readAnswer(response) };
    } catch (error) {
      return { ok: false, error: failureText(error) };
    } finally {
      stopWatching();
      this.inFlight.delete(abort);
    }
  }

  private request(subject: string, body: unknown, timeoutMs: number): Promise<KeaResponse> {
    return firstValueFrom(this.proxy.send<KeaResponse>(subject, body).pipe(timeout({ first: timeoutMs })));
  }

  /**
   * While a request waits, probes the peer's subject: nats-server answers "no responders" once the peer's
   * connection is gone, and the request then fails as a refused connection does. A peer that is only slow
   * answers or ignores the probe, and the request keeps its full timeout, as in Kea.
   */
  private watchPresence(subject: string, abort: (error: string) => void): () => void {
    let timer: NodeJS.Timeout | null = null;
    let watching = true;
    const probe = (): void => {
      timer = null;
      this.request(subject, PRESENCE_PROBE, PRESENCE_CHECK_MS)
        .then(
          () => undefined,
          (error: unknown) => {
            if (watching && error instanceof EmptyResponseException) abort('Connection refused');
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

/**
 * nats-server answers a request nobody listens to with an empty "no responders" message, which Nest's
 * client reports as an empty response: a peer always answers with a body, so that is a refused connection.
 */
function failureText(error: unknown): string {
  if (error instanceof EmptyResponseException) return 'Connection refused';
  if (error instanceof TimeoutError) return 'Connection timed out';
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : String(error);
}
