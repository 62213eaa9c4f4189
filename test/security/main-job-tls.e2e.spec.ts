import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, nkeyAuthenticator } from '@nats-io/transport-node';
import { peerInboxPrefix } from '@haco/contracts';
import { makeCertificates } from '../../tools/harness/certificates';
import { freePort, runTsToExit, waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';
import type { MainJob } from '../support/main-job';
import { bannerOf, pidsOf, startMainJob, stopped } from '../support/main-job';

jest.setTimeout(240_000);

function httpsStatus(url: string, ca?: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const request = get(url, { ca, agent: false }, (response) => {
      response.resume();
      resolve(`HTTP ${response.statusCode}`);
    });
    request.on('error', (error: Error & { code?: string }) => resolve(error.code ?? error.message));
  });
}

/** `bash scripts/start.sh --tls`: the same cluster with NATS and the API over TLS, one flag. */
describe('the main job with --tls', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'haco-tls-'));
  const run = (...parts: string[]) => join(dataDir, 'run', ...parts);
  let job: MainJob;
  let api: string;

  beforeAll(async () => {
    const port = await freePort();
    job = startMainJob(dataDir, port, [
      process.execPath,
      [join(PROJECT_ROOT, 'dist', 'cluster', 'main.js'), '--tls'],
    ]);
    await bannerOf(job);
    api = `https://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    if (job.child.exitCode === null) await stopped(job.child, 'SIGTERM', pidsOf(dataDir));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the API over HTTPS only, with a certificate its CA signed', async () => {
    const ca = readFileSync(run('tls', 'haco-ca.pem'));
    expect(await httpsStatus(`${api}/health/live`, ca)).toBe('HTTP 200');
    // Without the CA the certificate is not trusted; plain HTTP is not served.
    expect(await httpsStatus(`${api}/health/live`)).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|unable to verify/i);
    const plain = await fetch(`${api.replace('https', 'http')}/health/live`).then(
      (response) => `HTTP ${response.status}`,
      (error: Error) => error.message,
    );
    expect(plain).toBe('fetch failed');
    expect(job.output()).toContain(`NODE_EXTRA_CA_CERTS=${run('tls', 'haco-ca.pem')}`);
  });

  it('runs the pair over TLS NATS: the coordinator sees server1 paused, and the CLI reads it over HTTPS', async () => {
    const status = await waitFor(
      'server1 paused, through the CLI',
      async () => {
        const result = await runTsToExit(
          join(PROJECT_ROOT, 'apps', 'cli', 'src', 'haco', 'main.ts'),
          ['status'],
          {
            cwd: PROJECT_ROOT,
            env: { HACO_URL: api, NODE_EXTRA_CA_CERTS: run('tls', 'haco-ca.pem') },
          },
        );
        return /local\/server1\s+ready\s+yes/.test(result.stdout) ? result.stdout : undefined;
      },
      60_000,
    );
    expect(status).toMatch(/local\/server2\s+(waiting|syncing|ready)/);
  });

  it('refuses a NATS client that does not trust its CA, and one on another CA, even with a valid key', async () => {
    const natsUrl = `nats://127.0.0.1:${readFileSync(run('nats.port'), 'utf8').trim()}`;
    const seed = new TextEncoder().encode(readFileSync(run('nats', 'server1.nk'), 'utf8').trim());
    const options = {
      servers: natsUrl,
      authenticator: nkeyAuthenticator(seed),
      inboxPrefix: peerInboxPrefix('local', 'server1'),
      reconnect: false,
    };
    const other = makeCertificates(join(dataDir, 'other'), 'other');
    await expect(connect({ ...options, tls: { caFile: other.ca } })).rejects.toThrow();
    await expect(connect({ ...options, tls: null })).rejects.toThrow();
    const trusted = await connect({ ...options, tls: { caFile: run('tls', 'haco-ca.pem') } });
    expect(trusted.info?.tls_required).toBe(true);
    await trusted.close();
  });
});
