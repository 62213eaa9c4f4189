import { answerChecker, routesOf } from '../../tools/harness/api-document';
import type { ApiDocument } from '../../tools/harness/api-document';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import type { PeerPair } from '../../tools/harness/peer-cluster';
import { PausedCluster } from '../support/paused-cluster';

jest.setTimeout(120_000);

/**
 * The OpenAPI document is generated from the controllers (@nestjs/swagger): it must list every route, and
 * every answer the coordinator gives, good or refused, must fit the schema it documents for that status.
 */
describe('the API document against a running cluster', () => {
  let cluster: PausedCluster;
  let coordinator: CoordinatorProcess;
  let pair: PeerPair;

  beforeAll(async () => {
    cluster = await PausedCluster.start('haco-api-doc-');
    ({ coordinator, pair } = cluster);
  });
  afterAll(async () => cluster.destroy());

  it('serves a Swagger UI page beside it', async () => {
    const page = await fetch(`${coordinator.url}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
  });

  it('serves an OpenAPI document generated from the controllers, and every answer fits it', async () => {
    const doc = await coordinator.get<ApiDocument>('/openapi.json');
    expect(doc.openapi).toMatch(/^3\./);
    // Every route the coordinator has, with the methods it answers.
    expect(routesOf(doc)).toEqual(
      [
        'GET /audit/verify',
        'GET /clusters',
        'GET /commands',
        'GET /commands/{id}',
        'GET /dead-letters',
        'GET /disputes',
        'GET /events/live',
        'GET /gaps',
        'GET /health/fleet',
        'GET /health/live',
        'GET /health/ready',
        'GET /history',
        'GET /metrics',
        'GET /peers',
        'GET /peers/{cluster}/{peer}',
        'GET /peers/{cluster}/{peer}/disputes',
        'GET /peers/{cluster}/{peer}/history',
        'GET /peers/{cluster}/{peer}/review',
        'GET /report',
        'GET /split-brains',
        'GET /replay/verify',
        'GET /streams/{cluster}/{peer}/export',
        'POST /',
        'POST /peers/{cluster}/{peer}/commands',
        'POST /peers/{cluster}/{peer}/disputes/resolve',
      ].sort(),
    );
    const check = answerChecker(doc);
    const sample = (path: string) =>
      path
        .replace('{cluster}', pair.cluster)
        .replace('{peer}', 'server1')
        .replace('{id}', '00000000-0000-0000-0000-000000000000');
    const auth = { authorization: `Bearer ${CoordinatorProcess.TOKEN}`, 'content-type': 'application/json' };
    const checked: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (!('get' in methods)) continue;
      const response = await fetch(`${coordinator.url}${sample(path)}`, { headers: auth });
      if (!(response.headers.get('content-type') ?? '').includes('application/json')) {
        await response.body?.cancel();
        continue;
      }
      checked.push(path);
      expect(check('get', path, response.status, await response.json())).toEqual([]);
    }
    expect(checked.length).toBeGreaterThanOrEqual(10);
    const posts: [string, unknown][] = [
      ['/', { command: 'status-get' }],
      ['/', { command: 'status-get', service: ['dhcp4'] }],
      ['/', { command: 5 }],
      [`/peers/${pair.cluster}/server1/commands`, { command: 'status-get', who: 'api test' }],
      [`/peers/${pair.cluster}/server1/commands`, { command: 'status-get' }],
    ];
    for (const [path, body] of posts) {
      const response = await fetch(`${coordinator.url}${path}`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify(body),
      });
      const template = path === '/' ? '/' : '/peers/{cluster}/{peer}/commands';
      expect(check('post', template, response.status, await response.json())).toEqual([]);
    }
  });

  it('says what each operation takes: path and query parameters and bodies, from the schemas the pipes use', async () => {
    const doc = await coordinator.get<RawDocument>('/openapi.json');
    const operation = (method: 'get' | 'post', path: string) => doc.paths[path]?.[method];
    const names = (method: 'get' | 'post', path: string, where: string) =>
      (operation(method, path)?.parameters ?? [])
        .filter((p) => p.in === where)
        .map((p) => p.name)
        .sort();
    // Every path parameter of every operation is declared.
    for (const [path, methods] of Object.entries(doc.paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const method of Object.keys(methods) as ('get' | 'post')[]) {
        expect([`${method} ${path}`, names(method, path, 'path')]).toEqual([`${method} ${path}`, inPath]);
      }
    }
    expect(names('get', '/audit/verify', 'query')).toEqual(['stream']);
    expect(names('get', '/history', 'query')).toEqual(
      ['cause', 'command', 'limit', 'offset', 'peer', 'since', 'state', 'until'].sort(),
    );
    expect(names('get', '/peers/{cluster}/{peer}/history', 'query')).toEqual(
      ['cause', 'command', 'limit', 'offset', 'since', 'state', 'until'].sort(),
    );
    expect(names('get', '/commands', 'query')).toEqual(
      ['command', 'limit', 'offset', 'outcome', 'peer', 'since', 'until', 'who'].sort(),
    );
    expect(names('get', '/peers/{cluster}/{peer}', 'query')).toEqual(['at']);
    expect(names('get', '/events/live', 'query')).toEqual(['after', 'stream']);
    const stateParam = operation('get', '/history')?.parameters?.find((p) => p.name === 'state');
    expect(stateParam?.schema?.enum).toEqual(expect.arrayContaining(['waiting', 'partner-down']));
    type BodySchema = { $ref?: string; properties?: Record<string, unknown>; required?: string[] };
    const body = (path: string): BodySchema | undefined => {
      const schema = operation('post', path)?.requestBody?.content?.['application/json']?.schema as
        BodySchema | undefined;
      const named = schema?.$ref?.replace('#/components/schemas/', '');
      return named === undefined ? schema : (doc.components?.schemas?.[named] as BodySchema | undefined);
    };
    expect(Object.keys(body('/peers/{cluster}/{peer}/commands')?.properties ?? {})).toEqual(
      expect.arrayContaining(['command', 'arguments', 'why', 'guard', 'onBehalfOf']),
    );
    expect(body('/peers/{cluster}/{peer}/commands')?.required).toContain('command');
    expect(Object.keys(body('/')?.properties ?? {})).toEqual(
      expect.arrayContaining(['command', 'arguments']),
    );
    expect(body('/peers/{cluster}/{peer}/disputes/resolve')).toBeDefined();
    const bearer = doc.components?.securitySchemes?.['bearer'];
    expect(bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(bearer?.bearerFormat).not.toBe('JWT');
  });
});

interface RawParameter {
  readonly name: string;
  readonly in: string;
  readonly schema?: { enum?: string[] };
}
interface RawDocument {
  readonly paths: Record<
    string,
    Partial<
      Record<
        'get' | 'post',
        {
          parameters?: RawParameter[];
          requestBody?: { content?: Record<string, { schema?: unknown }> };
        }
      >
    >
  >;
  readonly components?: {
    schemas?: Record<string, unknown>;
    securitySchemes?: Record<string, { type?: string; scheme?: string; bearerFormat?: string }>;
  };
}
