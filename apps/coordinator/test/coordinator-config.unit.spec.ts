import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCoordinatorSettings } from '../src/config/coordinator-config';
import { describeDatabase, storeOptions } from '../src/config/database-settings';

describe('coordinator settings, validated as a whole at boot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-coordinator-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const withFile = (content: unknown) => {
    const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(content));
    return ['--config', file];
  };

  it('reads the defaults when nothing is given', () => {
    expect(readCoordinatorSettings([], {})).toEqual({
      nats: {
        servers: ['nats://127.0.0.1:4222'],
        eventsReplicas: 1,
        eventsMaxBytes: 1024 * 1024 * 1024,
        maxSeqAhead: 100_000,
      },
      database: { type: 'sqlite', path: 'data/coordinator/events.sqlite', synchronous: 'FULL' },
      http: { host: '127.0.0.1', port: 8080, sseKeepAliveMs: 15_000, sseStallMs: 30_000 },
      auth: { token: null, tokenName: 'admin', protectReads: false, twoPersonStates: [] },
      retention: {
        heartbeatsMs: null,
        archiveDir: 'data/coordinator/archive',
        snapshotEvery: 10_000,
        intervalMs: 60_000,
        batch: 500,
      },
    });
  });

  it('reads retention: a duration, the archive beside SQLite, and one that must be named on PostgreSQL', () => {
    expect(readCoordinatorSettings([], { HACO_RETENTION_HEARTBEATS: '7d' }).retention).toMatchObject({
      heartbeatsMs: 7 * 86_400_000,
      archiveDir: 'data/coordinator/archive',
    });
    expect(() => readCoordinatorSettings([], { HACO_RETENTION_HEARTBEATS: 'a week' })).toThrow(
      /^retention\.heartbeats must be a duration such as "7d"/,
    );
    expect(() =>
      readCoordinatorSettings([], {
        HACO_DB_TYPE: 'postgres',
        HACO_DB_URL: 'postgres://haco@db/haco',
        HACO_RETENTION_HEARTBEATS: '7d',
      }),
    ).toThrow('retention.archiveDir: must be a folder when retention.heartbeats is set on PostgreSQL');
  });

  it('reads TLS, the nkey file and the ways in from the environment, field by field', () => {
    const settings = readCoordinatorSettings([], {
      HACO_NATS_NKEY_FILE: '/run/haco/coordinator.nk',
      HACO_NATS_TLS_CA: '/run/haco/ca.pem',
      HACO_HTTPS_CERT: '/run/haco/api.pem',
      HACO_HTTPS_KEY: '/run/haco/api.key',
      HACO_TOKENS_FILE: '/run/haco/tokens.json',
      HACO_JWT_JWKS_FILE: '/run/haco/jwks.json',
      HACO_JWT_ISSUER: 'https://idp.test',
      HACO_JWT_ROLE_CLAIM: 'groups',
    });
    expect(settings.nats).toMatchObject({
      nkeyFile: '/run/haco/coordinator.nk',
      tls: { caFile: '/run/haco/ca.pem' },
    });
    expect(settings.http.tls).toEqual({ certFile: '/run/haco/api.pem', keyFile: '/run/haco/api.key' });
    expect(settings.auth).toMatchObject({
      tokensFile: '/run/haco/tokens.json',
      jwt: {
        jwksFile: '/run/haco/jwks.json',
        issuer: 'https://idp.test',
        roleClaim: 'groups',
        nameClaim: 'sub',
      },
    });
    expect(() => readCoordinatorSettings([], { HACO_HTTPS_CERT: '/a.pem' })).toThrow(
      /^http\.tls\.keyFile must be/,
    );
    expect(() => readCoordinatorSettings([], { HACO_JWT_ISSUER: 'https://idp.test' })).toThrow(
      /^auth\.jwt needs exactly one of 'publicKeyFile' and 'jwksFile'$/,
    );
  });

  it('lets the environment win over the file', () => {
    const settings = readCoordinatorSettings(
      withFile({ http: { port: 9000 }, database: { path: 'a.sqlite' } }),
      {
        HACO_HTTP_PORT: '9100',
        HACO_NATS_URL: 'nats://a:4222,nats://b:4222',
        HACO_PROTECT_READS: 'true',
      },
    );
    expect(settings.http.port).toBe(9100);
    expect(settings.database).toMatchObject({ type: 'sqlite', path: 'a.sqlite' });
    expect(settings.nats.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect(settings.auth.protectReads).toBe(true);
  });

  it.each<[string, unknown, Record<string, string>, RegExp]>([
    [
      'servers as a string',
      { nats: { servers: 'nats://127.0.0.1:4222' } },
      {},
      /^nats\.servers must be a list of NATS URLs$/,
    ],
    ['a misspelled section', { databse: { path: 'x.sqlite' } }, {}, /^unknown setting: databse$/],
    ['a misspelled key', { database: { paht: 'x.sqlite' } }, {}, /^unknown setting in database: paht$/],
    ['a port out of range', { http: { port: 70000 } }, {}, /^http\.port must be a port number$/],
    [
      'a bad port from the environment',
      {},
      { HACO_HTTP_PORT: 'eighty' },
      /^http\.port must be a port number$/,
    ],
    [
      'an unknown synchronous mode',
      {},
      { HACO_DB_SYNCHRONOUS: 'SOMETIMES' },
      /^database\.synchronous must be one of/,
    ],
    [
      'too many replicas',
      {},
      { HACO_EVENTS_REPLICAS: '9' },
      /^nats\.eventsReplicas must be an integer from 1 to 5$/,
    ],
    ['a user without a password', { nats: { user: 'peer' } }, {}, /^nats 'user' and 'pass' go together$/],
    ['an unknown store', { database: { type: 'mysql' } }, {}, /^database\.type must be sqlite or postgres$/],
    [
      'postgres without a URL or host and database',
      { database: { type: 'postgres', host: 'db' } },
      {},
      /^database\.url or host and database must be given for postgres$/,
    ],
    [
      'a SQLite path on a postgres store',
      { database: { type: 'postgres', url: 'postgres://db/haco', path: 'x.sqlite' } },
      {},
      /^database\.path is a sqlite setting \(type is postgres\)$/,
    ],
    [
      'a URL that is not postgres://',
      {},
      { HACO_DB_TYPE: 'postgres', HACO_DB_URL: 'mysql://db/haco' },
      /^database\.url must be a postgres:\/\/ URL$/,
    ],
    [
      'protectReads as text',
      { auth: { protectReads: 'yes' } },
      {},
      /^auth\.protectReads must be true or false$/,
    ],
  ])('refuses %s, naming the field', (_label, file, env, message) => {
    expect(() => readCoordinatorSettings(withFile(file), env)).toThrow(message);
  });

  it('reads a PostgreSQL store from the environment, and never logs its password', () => {
    const settings = readCoordinatorSettings([], {
      HACO_DB_TYPE: 'postgres',
      HACO_DB_HOST: 'db.example',
      HACO_DB_PORT: '5433',
      HACO_DB_USER: 'haco',
      HACO_DB_PASSWORD: 'secret',
      HACO_DB_NAME: 'haco',
    });
    expect(settings.database).toEqual({
      type: 'postgres',
      host: 'db.example',
      port: 5433,
      user: 'haco',
      password: 'secret',
      database: 'haco',
    });
    expect(describeDatabase(settings.database)).toBe('postgres://haco@db.example:5433/haco');
    expect(
      describeDatabase({ type: 'postgres', url: 'postgres://haco:secret@db.example/haco' }),
    ).not.toContain('secret');
  });

  it('reads TLS files at boot, refusing one that is not there', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    const settings = readCoordinatorSettings(
      withFile({ database: { type: 'postgres', url: 'postgres://db/haco', tls: { caFile: ca } } }),
      {},
    );
    expect(storeOptions(settings.database)).toMatchObject({
      type: 'postgres',
      tls: { rejectUnauthorized: true, ca: '-----BEGIN CERTIFICATE-----\n' },
    });
    const missing = readCoordinatorSettings(
      withFile({
        database: { type: 'postgres', url: 'postgres://db/haco', tls: { caFile: join(dir, 'no.pem') } },
      }),
      {},
    );
    expect(() => storeOptions(missing.database)).toThrow(/no\.pem/);
  });

  it('refuses a file that is not JSON, saying which', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"nats": ');
    expect(() => readCoordinatorSettings(['--config', file], {})).toThrow(/^cannot read .*broken\.json/);
  });
});
