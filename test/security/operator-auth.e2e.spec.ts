import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CryptoKey } from 'jose';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { hashToken, writeTokenEntries } from '@haco/common';
import { runTsToExit, waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';
import { PausedCluster } from '../support/paused-cluster';

jest.setTimeout(120_000);

const ISSUER = 'https://idp.example.test/realms/ops';
const AUDIENCE = 'haco';
const COORDINATOR_MAIN = join(PROJECT_ROOT, 'apps', 'coordinator', 'src', 'main.ts');

interface Answer {
  readonly status: number;
  readonly body: { result?: number; text?: string; commandId?: string };
}

/**
 * Longer than 250 lines because both ways in, their refusals and the two-person rule run against one
 * cluster, each as its own test.
 *
 * Named operators through both ways in: a tokens file (hashed, each with a role and an expiry, reloaded
 * when it changes) and OIDC/JWT bearer tokens verified against an issuer key the test made itself (no
 * network). The record's who is always the authenticated name, whatever the body says.
 */
describe('named operators and roles', () => {
  let cluster: PausedCluster;
  let issuer: { privateKey: CryptoKey; publicKey: CryptoKey };
  let tokensFile = '';
  const path = () => `/peers/${cluster.pair.cluster}/server1/commands`;
  const send = async (body: unknown, token: string | null): Promise<Answer> => {
    const response = await fetch(`${cluster.coordinator.url}${path()}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };
  const jwt = (claims: Record<string, unknown>, expires: string | number = '5m', key?: CryptoKey) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(expires)
      .sign(key ?? issuer.privateKey);
  const issuedBy = async (commandId: string) => {
    const record = await cluster.coordinator.get<{ issued: { data: Record<string, unknown> } }>(
      `/commands/${commandId}`,
      null,
    );
    return record.issued.data;
  };

  beforeAll(async () => {
    issuer = await generateKeyPair('ES256');
    const pem = await exportSPKI(issuer.publicKey);
    cluster = await PausedCluster.start('haco-auth-', (dir) => {
      tokensFile = join(dir, 'tokens.json');
      writeTokenEntries(tokensFile, [
        { name: 'alice', role: 'operator', sha256: hashToken('alice-token-0123456789') },
        { name: 'victor', role: 'viewer', sha256: hashToken('victor-token-0123456789') },
        {
          name: 'old',
          role: 'admin',
          sha256: hashToken('old-token-0123456789'),
          expires: '2020-01-01T00:00:00Z',
        },
      ]);
      writeFileSync(join(dir, 'issuer.pem'), pem);
      return {
        HACO_API_TOKEN: '',
        HACO_TOKENS_FILE: tokensFile,
        HACO_JWT_PUBLIC_KEY_FILE: join(dir, 'issuer.pem'),
        HACO_JWT_ISSUER: ISSUER,
        HACO_JWT_AUDIENCE: AUDIENCE,
        HACO_JWT_NAME_CLAIM: 'preferred_username',
        HACO_JWT_ROLE_CLAIM: 'roles',
        // server1 pauses in ready: releasing it takes two operators.
        HACO_TWO_PERSON_STATES: 'ready',
      };
    });
  });
  afterAll(async () => cluster?.destroy());

  it('a named token\u2019s name is the record\u2019s who; what the body says is only a note', async () => {
    const answer = await send(
      { command: 'ha-maintenance-cancel', why: 'checking', who: 'mallory' },
      'alice-token-0123456789',
    );
    expect(answer.status).toBe(201);
    expect(await issuedBy(answer.body.commandId as string)).toMatchObject({
      who: 'alice',
      role: 'operator',
      via: 'token',
      onBehalfOf: 'mallory',
      why: 'checking',
    });
  });

  it('refuses a viewer (403), an unknown or expired token (401), and an operator\u2019s ha-reset (403), each with its reason', async () => {
    expect(await send({ command: 'ha-maintenance-cancel' }, 'victor-token-0123456789')).toEqual({
      status: 403,
      body: { result: 1, text: 'Forbidden: victor (viewer) may not do this: it needs the operator role' },
    });
    expect((await send({ command: 'ha-maintenance-cancel' }, 'old-token-0123456789')).body.text).toBe(
      'Unauthorized: the token has expired',
    );
    expect((await send({ command: 'ha-maintenance-cancel' }, 'guess')).body.text).toBe(
      'Unauthorized: the token is not known',
    );
    expect((await send({ command: 'ha-reset' }, 'alice-token-0123456789')).status).toBe(403);
    const metrics = await cluster.coordinator.text('/metrics');
    expect(metrics.body).toMatch(/haco_auth_refusals_total\{status="401",reason="credentials"\} [2-9]/);
  });

  it('takes a JWT signed by the issuer: its name claim is who, its highest haco role counts', async () => {
    const token = await jwt({ preferred_username: 'dana', sub: 'a8f0', roles: ['viewer', 'admin', 'other'] });
    const answer = await send({ command: 'ha-maintenance-cancel', why: 'sso' }, token);
    expect(answer.status).toBe(201);
    expect(await issuedBy(answer.body.commandId as string)).toMatchObject({
      who: 'dana',
      role: 'admin',
      via: 'jwt',
    });
  });

  it('refuses a JWT with another key, another issuer or audience, expired, or with no haco role', async () => {
    const stranger = await generateKeyPair('ES256');
    const cases: [Promise<string>, string][] = [
      [
        jwt({ preferred_username: 'eve', roles: 'admin' }, '5m', stranger.privateKey),
        'the token is not valid',
      ],
      [
        jwt({ preferred_username: 'eve', roles: 'admin' }, Math.floor(Date.now() / 1000) - 60),
        'the token has expired',
      ],
      [
        new SignJWT({ preferred_username: 'eve', roles: 'admin' })
          .setProtectedHeader({ alg: 'ES256' })
          .setIssuer('https://elsewhere.test')
          .setAudience(AUDIENCE)
          .setExpirationTime('5m')
          .sign(issuer.privateKey),
        "the token's iss is not accepted",
      ],
      [
        jwt({ preferred_username: 'eve', roles: ['other'] }),
        "the token's 'roles' claim names no haco role (viewer, operator, admin)",
      ],
      [jwt({ roles: 'admin' }), "the token has no 'preferred_username' claim naming the operator"],
    ];
    for (const [token, reason] of cases) {
      const answer = await send({ command: 'ha-maintenance-cancel' }, await token);
      expect([answer.status, answer.body.text]).toEqual([401, `Unauthorized: ${reason}`]);
    }
    const viewer = await jwt({ preferred_username: 'vic', roles: 'viewer' });
    expect((await send({ command: 'ha-maintenance-cancel' }, viewer)).status).toBe(403);
  });

  it('a pause under the two-person rule is released only by a second operator, each step recorded with its name', async () => {
    const alice = 'alice-token-0123456789';
    const first = await send({ command: 'ha-continue', guard: 'ready', why: 'leases checked' }, alice);
    expect(first.status).toBe(202);
    expect(first.body.text).toMatch(
      /^a pause in ready needs a second operator: the continue proposed by alice waits/,
    );
    const again = await send({ command: 'ha-continue', guard: 'ready', why: 'again' }, alice);
    expect(again).toEqual({
      status: 403,
      body: { result: 1, text: 'alice proposed this continue: a second operator must approve it' },
    });
    expect((await cluster.pair.status('server1')).paused).toBe(true);
    const dana = await jwt({ preferred_username: 'dana', roles: 'operator' });
    const second = await send({ command: 'ha-continue', guard: 'ready', why: 'agreed' }, dana);
    expect(second.body).toMatchObject({ result: 0, text: 'HA state machine continues.' });
    await cluster.pair.waitForState('server1', 'load-balancing');
    expect(await issuedBy(second.body.commandId as string)).toMatchObject({
      who: 'dana',
      proposedBy: 'alice',
      why: 'agreed',
    });
    const approvals = (
      await (await fetch(`${cluster.coordinator.url}/streams/_coordinator/approvals/export`)).text()
    )
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> });
    expect(approvals.map((e) => [e.type, e.data['who']])).toEqual([
      ['ContinueProposed', 'alice'],
      ['ContinueApproved', 'dana'],
    ]);
  });

  it('reloads the tokens file when it changes: a token added works, one removed stops working', async () => {
    writeTokenEntries(tokensFile, [
      { name: 'bruno', role: 'operator', sha256: hashToken('bruno-token-0123456789') },
    ]);
    await waitFor('the reload', async () =>
      (await send({ command: 'ha-maintenance-cancel' }, 'bruno-token-0123456789')).status === 201
        ? true
        : undefined,
    );
    expect((await send({ command: 'ha-maintenance-cancel' }, 'alice-token-0123456789')).status).toBe(401);
    // A change that does not read keeps the tokens in force.
    writeFileSync(tokensFile, '{"tokens": [{"name": "x"}]}', { mode: 0o600 });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await send({ command: 'ha-maintenance-cancel' }, 'bruno-token-0123456789')).status).toBe(201);
  });

  it('a coordinator refuses to start on a tokens file others can read, or a JWKS that does not read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haco-auth-boot-'));
    try {
      const open = join(dir, 'tokens.json');
      writeTokenEntries(open, []);
      chmodSync(open, 0o644);
      const refused = await runTsToExit(COORDINATOR_MAIN, [], {
        cwd: PROJECT_ROOT,
        env: {
          HACO_DB: join(dir, 'events.sqlite'),
          HACO_HTTP_PORT: '0',
          HACO_TOKENS_FILE: open,
          HACO_NATS_URL: cluster.nats.url,
        },
      });
      expect(refused.status).not.toBe(0);
      expect(refused.stdout + refused.stderr).toContain(
        `the tokens file ${open} is readable by others (mode 0644); make it 0600`,
      );
      const jwks = join(dir, 'jwks.json');
      writeFileSync(jwks, JSON.stringify({ keys: [await exportJWK(issuer.publicKey)] }));
      const viaJwks = await runTsToExit(COORDINATOR_MAIN, [], {
        cwd: PROJECT_ROOT,
        env: {
          HACO_DB: join(dir, 'events.sqlite'),
          HACO_HTTP_PORT: '0',
          HACO_JWT_JWKS_FILE: join(dir, 'missing.json'),
          HACO_NATS_URL: cluster.nats.url,
        },
      });
      expect(viaJwks.status).not.toBe(0);
      expect(viaJwks.stdout + viaJwks.stderr).toContain('missing.json');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
