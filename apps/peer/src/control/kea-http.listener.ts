import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@haco/common';
import type { PeerSettings } from '../config/peer-config';
import { ControlChannel } from './control-channel';
import type { ControlMessage } from './control-message';
import { isNoAnswer, MAX_COMMAND_BYTES } from './control-message';
import { FORBIDDEN, isPartnerCommand } from './partner-commands';
import { LOGGER, PEER_SETTINGS } from '../ports/tokens';
import { basicAuthHeader } from '../partner/basic-auth';
import { keaTls } from '../partner/kea-tls';

/**
 * Kea's HA HTTP channel on this peer's own `url`, for partners that are real Kea servers: `POST /` with
 * `{"command", "service", "arguments"}`, answered with a JSON list of one answer, through the same control
 * channel the NATS subject serves. Basic auth is this peer's own entry's, as its partner sends it. On
 * node:http: one endpoint of Kea's shape, with none of a web framework's routing or parsing to use.
 */
@Injectable()
export class KeaHttpListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;

  constructor(
    @Inject(PEER_SETTINGS) private readonly settings: PeerSettings,
    @Inject(ControlChannel) private readonly channel: ControlChannel,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.keaPartners.length === 0) return;
    const own = this.settings.ha.peers.find((p) => p.name === this.settings.ha.thisServerName);
    if (own === undefined) return;
    const url = new URL(own.url);
    const expected = basicAuthHeader(own);
    const handler = (request: IncomingMessage, response: ServerResponse) =>
      void this.serve(request, response, expected);
    const tls = url.protocol === 'https:' ? keaTls(this.settings.ha, own.name) : null;
    // Kea's TLS server side: its own certificate, and with require-client-certs a partner must present
    // one signed by the trust anchor (refused in the TLS handshake otherwise).
    const require = this.settings.ha.requireClientCerts;
    const server =
      tls === null
        ? createServer(handler)
        : createHttpsServer(
            { ...tls, requestCert: require, rejectUnauthorized: require, minVersion: 'TLSv1.2' },
            handler,
          );
    server.on('tlsClientError', (error: Error) =>
      this.log.warn('Kea HA channel: TLS handshake refused', { error: error.message }),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(url.port || (tls === null ? 80 : 443)), url.hostname, () => resolve());
    });
    this.server = server;
    this.log.info('Kea HA channel listening', { url: own.url, partners: this.settings.keaPartners });
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private async serve(request: IncomingMessage, response: ServerResponse, expected: string | null) {
    // With its length given: Kea's HTTP client reads no chunked body.
    const reply = (status: number, body: unknown) => {
      const text = Buffer.from(JSON.stringify(body));
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': text.length });
      response.end(text);
    };
    if (request.method !== 'POST') return reply(405, { result: 405, text: 'Method Not Allowed' });
    if (expected !== null && request.headers.authorization !== expected) {
      this.log.warn('Kea HA channel: request refused, wrong or no credentials');
      response.setHeader('www-authenticate', 'Basic realm="kea-dhcp4-server"');
      return reply(401, { result: 401, text: 'Unauthorized' });
    }
    const message = await readMessage(request);
    if (message.kind === 'malformed') return reply(400, { result: 400, text: 'Bad Request' });
    // Kea 2.2's dedicated listener with restrict-commands answers only what an HA partner sends.
    if (this.settings.ha.restrictCommands && message.kind === 'request' && !isPartnerCommand(message.body)) {
      this.log.warn('Kea HA channel: command refused by restrict-commands');
      return reply(403, FORBIDDEN);
    }
    const answer = await this.channel.handle(message);
    // Where Kea 2.2.0 sends no answer, it closes the connection.
    if (isNoAnswer(answer)) return request.socket.destroy();
    reply(200, [answer]);
  }
}

async function readMessage(request: IncomingMessage): Promise<ControlMessage> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > MAX_COMMAND_BYTES) return { kind: 'too-large', bytes };
    chunks.push(chunk);
  }
  try {
    return { kind: 'request', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { kind: 'malformed', bytes };
  }
}
