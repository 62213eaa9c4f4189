import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../tools/harness/project-root';

const packageJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  overrides?: Record<string, string>;
  devDependencies: Record<string, string>;
  dependencies: Record<string, string>;
};

describe('haco runs on Node 24 LTS', () => {
  it('runs its tests on Node 24 or later (scripts/ensure-node.sh fetches it where the system Node is older)', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });

  it('says so in engines and types, and keeps no override that existed only for Node 20', () => {
    expect(packageJson.engines.node).toBe('>=24');
    expect(packageJson.devDependencies['@types/node']).toMatch(/^\^24\./);
    expect(packageJson.overrides?.['file-type']).toBeUndefined();
  });

  it('uses the modular NATS client only', () => {
    expect(packageJson.dependencies['nats']).toBeUndefined();
    expect(packageJson.dependencies['@nats-io/transport-node']).toBeDefined();
    expect(packageJson.dependencies['@nats-io/jetstream']).toBeDefined();
  });

  it('builds for Node 24', () => {
    const build = (
      JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: { build: string } }
    ).scripts.build;
    expect(build).toBe('tsx scripts/build.ts');
    const script = readFileSync(join(PROJECT_ROOT, 'scripts', 'build.ts'), 'utf8');
    expect(script).toContain("target: 'node24'");
    expect(script).not.toContain('node20');
  });
});
