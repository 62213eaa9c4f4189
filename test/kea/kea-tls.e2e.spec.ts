import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestCertificates } from '../../tools/harness/certificates';
import { makeCertificates } from '../../tools/harness/certificates';
import { sleep } from '../../tools/harness/processes';
import type { TlsFiles } from './kea-pairing';
import { KeaPairing } from './kea-pairing';

jest.setTimeout(180_000);

const files = (certificates: TestCertificates): TlsFiles => ({
  'trust-anchor': certificates.ca,
  'cert-file': certificates.cert,
  'key-file': certificates.key,
});

/** A raw HTTPS POST of a Kea command: its status, or the TLS or connection error that ended it. */
function post(url: string, options: { ca: string; cert?: string; key?: string }): Promise<string> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false, ...options },
      (response) => {
        response.resume();
        resolve(`HTTP ${response.statusCode}`);
      },
    );
    req.on('error', (error: Error & { code?: string }) => resolve(`${error.code ?? ''} ${error.message}`));
    req.end(JSON.stringify({ command: 'ha-heartbeat', service: ['dhcp4'] }));
  });
}

/**
 * Kea 2.2's TLS on the HA channel, against a real kea-dhcp4 2.2 in both roles: https urls, each side's
 * trust anchor, certificate and key, and require-client-certs. A partner without a client certificate,
 * or one the trust anchor did not sign, is refused on each side, with a clear error.
 */
describe.each([
  ['haco primary, Kea secondary', 'server1'],
  ['Kea primary, haco secondary', 'server2'],
] as const)('the HA channel over TLS with a real Kea 2.2 (%s)', (_label, haco) => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-kea-tls-'));
  const ours = makeCertificates(dir, 'ours');
  const theirs = makeCertificates(dir, 'theirs');
  let pairing: KeaPairing | null = null;
  afterEach(async () => {
    await pairing?.destroy();
    pairing = null;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reaches load-balancing with client certificates both ways; a client without one is refused by each side', async () => {
    const p = (pairing = await KeaPairing.start({
      haco,
      mode: 'load-balancing',
      tls: { haco: files(ours), kea: files(ours) },
    }));
    await p.waitFor('load-balancing', 'load-balancing');
    const ca = readFileSync(ours.ca, 'utf8');
    const client = { ca, cert: readFileSync(ours.cert, 'utf8'), key: readFileSync(ours.key, 'utf8') };
    for (const side of ['haco', 'kea'] as const) {
      // With a certificate the TLS handshake passes: an HTTP answer (haco's listener then wants basic auth,
      // which Kea 2.2's dedicated listener does not check).
      expect(await post(p.urlOf(side), client)).toBe(side === 'haco' ? 'HTTP 401' : 'HTTP 200');
      // Without one the handshake is refused.
      expect(await post(p.urlOf(side), { ca })).not.toMatch(/^HTTP/);
    }
  });

  it('a partner whose certificate the trust anchor did not sign is refused on each side, with a clear error', async () => {
    const p = (pairing = await KeaPairing.start({
      haco,
      mode: 'load-balancing',
      tls: { haco: files(theirs), kea: files(ours) },
    }));
    await sleep(6_000);
    expect((await p.hacoState()).state).not.toBe('load-balancing');
    expect(await p.kea.haState()).not.toBe('load-balancing');
    // haco cannot verify Kea's certificate: its heartbeats fail with the TLS reason.
    const hacoLog = p.pair.processes.get(haco)?.output.join('') ?? '';
    expect(hacoLog).toMatch(
      /HA_HEARTBEAT_FAILED[^\n]*(self-signed certificate|unable to verify|unable to get local issuer)/i,
    );
    // Kea's calls to haco are refused in the handshake: Kea says its heartbeat failed.
    expect(p.kea.output()).toMatch(/HA_HEARTBEAT_COMMUNICATIONS_FAILED/);
  });
});
