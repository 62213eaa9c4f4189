import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createConnection } from 'node:net';
import type { KeaResponse } from '@haco/ha-core';
import { readSecretFile } from '@haco/common';
import type { KeaControl } from '../config/watch-config';

/** How long a Kea command may take before the server is taken as not answering. */
const COMMAND_TIMEOUT_MS = 5_000;

/**
 * One Kea server's control channel: its unix socket, or HTTP (a Control Agent, which wants the service
 * named and answers a list, or the HA hook's own listener) with basic auth and TLS where configured.
 * Hand-written over node:net and node:http(s): a Kea command is one JSON request and one JSON answer, and
 * the socket speaks no HTTP at all, so no client library covers both.
 */
export class KeaControlClient {
  constructor(private readonly control: KeaControl) {}

  command(command: string, args?: unknown): Promise<KeaResponse> {
    const body = { command, ...(args === undefined ? {} : { arguments: args }) };
    return 'socket' in this.control
      ? this.overSocket(this.control.socket, body)
      : this.overHttp(this.control, body);
  }

  private overSocket(path: string, body: object): Promise<KeaResponse> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      let text = '';
      socket.setTimeout(COMMAND_TIMEOUT_MS, () => socket.destroy(new Error('no answer from Kea')));
      socket.on('connect', () => socket.write(JSON.stringify(body)));
      socket.on('data', (chunk) => {
        text += chunk.toString();
        const answer = parsed(text);
        if (answer !== undefined) {
          socket.end();
          resolve(answer);
        }
      });
      socket.on('error', reject);
      socket.on('close', () => reject(new Error(`Kea closed its control socket without an answer: ${text}`)));
    });
  }

  private overHttp(control: Exclude<KeaControl, { socket: string }>, body: object): Promise<KeaResponse> {
    const { url, basicAuth, trustAnchor, certFile, keyFile } = control;
    const target = new URL(url);
    // A Control Agent forwards to the service named; Kea's HA listener ignores the field.
    const payload = JSON.stringify({ ...body, service: ['dhcp4'] });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (basicAuth !== undefined) {
      const password = readSecretFile(basicAuth.passwordFile, 'the basic-auth password file');
      headers['authorization'] = `Basic ${Buffer.from(`${basicAuth.user}:${password}`).toString('base64')}`;
    }
    const tls =
      target.protocol === 'https:'
        ? {
            ...(trustAnchor === undefined ? {} : { ca: readFileSync(trustAnchor) }),
            ...(certFile === undefined ? {} : { cert: readFileSync(certFile) }),
            ...(keyFile === undefined ? {} : { key: readSecretFile(keyFile, 'the client key file') }),
          }
        : {};
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(target, { method: 'POST', headers, timeout: COMMAND_TIMEOUT_MS, ...tls }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          const answer = parsed(text);
          if (answer !== undefined) resolve(answer);
          else reject(new Error(`HTTP ${res.statusCode}: not a Kea answer: ${text.slice(0, 200)}`));
        });
      });
      req.on('timeout', () => req.destroy(new Error('no answer from Kea')));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/** A whole Kea answer, or undefined while more is to come. A list (the Control Agent's) gives its first. */
function parsed(text: string): KeaResponse | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'object' && first !== null && typeof (first as KeaResponse).result === 'number'
      ? (first as KeaResponse)
      : undefined;
  } catch {
    return undefined;
  }
}
