import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportEdge } from './import-graph';
import { doorViolations, edges, files, floorViolations, importsOf, resolved, ROOT } from './import-graph';

/** The rules of the layout (docs/architecture.md): imports run one way, and each file does one job. */
const LONG_FILE_REASON = 'Longer than 250 lines because';

const offenders = (from: (file: string) => boolean, to: (target: string) => boolean): string[] =>
  files
    .filter(from)
    .flatMap((file) => importsOf(file).map((spec) => [file, resolved(file, spec)] as const))
    .filter(([, target]) => to(target))
    .map(([file, target]) => `${file} -> ${target}`);

/** Each app's and the core's floors, highest first: a folder imports only from the floors below it. */
const PEER_FLOORS = [
  ['main.ts', 'snapshot-main.ts'],
  ['run-peer.ts'],
  ['peer.module.ts'],
  ['control', 'lifecycle'],
  ['dhcp', 'effects', 'hooks'],
  ['partner'],
  ['runtime'],
  ['config'],
  ['leases', 'ports'],
];
const COORDINATOR_FLOORS = [
  ['main.ts'],
  ['app.module.ts'],
  ['audit', 'commands', 'console', 'disputes', 'monitoring', 'peers'],
  ['ingest'],
  ['auth'],
  ['store'],
  ['nats'],
  ['metrics'],
  ['logging'],
  ['common'],
  ['config'],
];
const CORE_FLOORS = [
  ['index.ts', 'probe'],
  ['ha-service.ts', 'replay', 'shadow'],
  ['decide.ts'],
  ['commands', 'views'],
  ['lease-updates.ts'],
  ['machine'],
  ['observe'],
  ['kea'],
  ['topology.ts'],
  ['config'],
  ['states.ts'],
  ['assert-never.ts'],
];
const planted = (file: string, target: string): ImportEdge => ({ file, spec: target, target });

describe('one floor per folder', () => {
  it.each([
    ['apps/peer/src', PEER_FLOORS],
    ['apps/coordinator/src', COORDINATOR_FLOORS],
    ['libs/ha-core/src', CORE_FLOORS],
  ] as const)('%s imports only downward', (root, floors) => {
    expect(edges.some((e) => e.file.startsWith(`${root}/`))).toBe(true);
    expect(floorViolations(root, floors, edges)).toEqual([]);
  });

  it('catches a planted upward import, a sideways one and a folder without a floor', () => {
    const graph = [
      planted('apps/peer/src/ports/clock.ts', 'apps/peer/src/runtime/machine-runner'),
      planted('apps/peer/src/dhcp/client-queries.ts', 'apps/peer/src/effects/heartbeat-loop'),
      planted('apps/peer/src/gadgets/thing.ts', 'apps/peer/src/ports/clock'),
      planted('apps/coordinator/src/common/tokens.ts', 'apps/coordinator/src/auth/roles'),
      planted('libs/ha-core/src/machine/evolve.ts', 'libs/ha-core/src/decide'),
    ];
    expect(floorViolations('apps/peer/src', PEER_FLOORS, graph)).toHaveLength(3);
    expect(floorViolations('apps/coordinator/src', COORDINATOR_FLOORS, graph)).toHaveLength(1);
    expect(floorViolations('libs/ha-core/src', CORE_FLOORS, graph)).toHaveLength(1);
  });
});

describe('the core\u2019s two doors', () => {
  it('apps and libs use @haco/ha-core, only the conformance probe and tests use @haco/ha-core/probe', () => {
    expect(doorViolations(edges)).toEqual([]);
  });

  it('catches a planted reach into machine/ or commands/, and the probe door used by an app', () => {
    const graph = [
      planted('apps/peer/src/runtime/machine-runner.ts', '@haco/ha-core/machine/decision'),
      planted('libs/event-store/src/transitions.ts', 'libs/ha-core/src/commands/dispatch'),
      planted('apps/coordinator/src/store/fleet-view.ts', '@haco/ha-core/probe'),
      planted('libs/ha-core/src/index.ts', 'libs/ha-core/src/probe'),
      planted('apps/cli/src/conformance/run-case.ts', '@haco/ha-core/probe'),
      planted('libs/ha-core/test/support.ts', 'libs/ha-core/src/probe'),
    ];
    expect(doorViolations(graph)).toHaveLength(4);
  });

  it('keeps the decider door to about 45 names', () => {
    const door = readFileSync(join(ROOT, 'libs/ha-core/src/index.ts'), 'utf8');
    const names = [...door.matchAll(/^export (?:type )?\{([^}]*)\}/gm)].flatMap((m) =>
      m[1]
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name.length > 0),
    );
    expect(door).not.toMatch(/^export \*/m);
    expect(names.length).toBeGreaterThan(30);
    expect(names.length).toBeLessThanOrEqual(45);
  });

  it('leaves no app, library, bench or soak code naming the machine\u2019s insides', () => {
    const outside = files.filter((f) =>
      /^(apps|libs\/(event-store|nats|contracts|common)|bench|soak)\//.test(f),
    );
    const named = outside.filter((f) =>
      /Decision|runModel|transitionTo/.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(named).toEqual([]);
  });
});

describe('the layout', () => {
  it('has sources to check', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('libs never import apps', () => {
    expect(
      offenders(
        (f) => f.startsWith('libs/'),
        (t) => t.startsWith('apps/'),
      ),
    ).toEqual([]);
  });

  it('bench and soak never import an app\u2019s internals', () => {
    const fromTools = (f: string) => f.startsWith('bench/') || f.startsWith('soak/');
    expect(offenders(fromTools, (t) => /^apps\/[^/]+\/src\//.test(t))).toEqual([]);
  });

  it('application and library code never imports test support', () => {
    const production = (f: string) => /^(apps|libs)\/[^/]+\/src\//.test(f);
    expect(offenders(production, (t) => t.startsWith('test/') || t.startsWith('tools/'))).toEqual([]);
  });

  it('contracts are the wire only: no NATS client, no environment, no framework', () => {
    const contracts = files.filter((f) => f.startsWith('libs/contracts/src/'));
    expect(contracts.length).toBeGreaterThan(3);
    const found = contracts.filter((f) => {
      const text = readFileSync(join(ROOT, f), 'utf8');
      return /process\.env/.test(text) || importsOf(f).some((s) => /^(nats|@nats-io\/|@nestjs\/)/.test(s));
    });
    expect(found).toEqual([]);
  });

  it('names every test file by its tier (.unit, .int or .e2e), so that npm run test:<tier> finds it', () => {
    const specs = files.filter((f) => f.endsWith('.spec.ts'));
    expect(specs.length).toBeGreaterThan(30);
    expect(specs.filter((f) => !/\.(unit|int|e2e)\.spec\.ts$/.test(f))).toEqual([]);
  });

  it(`keeps every file within 250 lines, or says why ("${LONG_FILE_REASON}")`, () => {
    const long = files.filter((f) => {
      const text = readFileSync(join(ROOT, f), 'utf8');
      return text.split('\n').length > 251 && !text.includes(LONG_FILE_REASON);
    });
    expect(long).toEqual([]);
  });
});
