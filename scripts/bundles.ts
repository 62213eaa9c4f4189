/**
 * dist/<name>.js from each source (`npm run build`): the names are what the units, the image, compose, the
 * main job and bin/haco run.
 */
export const BUNDLES: Readonly<Record<string, string>> = {
  'peer/main': 'apps/peer/src/main.ts',
  'coordinator/main': 'apps/coordinator/src/main.ts',
  'kea-watch/main': 'apps/kea-watch/src/main.ts',
  'cli/haco': 'apps/cli/src/haco/main.ts',
  'cli/replay': 'apps/cli/src/replay/main.ts',
  'cli/conformance': 'apps/cli/src/conformance/main.ts',
  'cli/check-conformance': 'scripts/check-conformance.ts',
  'cluster/main': 'scripts/local-cluster.ts',
};

/**
 * The bundles also saved as a startup snapshot, dist/<name>.blob, from the source given here (the names
 * are @haco/common's SNAPSHOT_BUNDLES, which launchArgs runs that way; dist/<name>.js stays beside it).
 */
export const SNAPSHOTS: Readonly<Record<string, string>> = {
  'peer/main': 'apps/peer/src/snapshot-main.ts',
};

/**
 * The bundles that inline their packages (the processes whose start-up an HA pair waits for). The others
 * (the coordinator, the CLI) leave every package in node_modules: the coordinator uses Nest packages that
 * must share one copy of @nestjs/core with it (terminus, swagger, serve-static, nestjs-pino), and one
 * inlined copy beside an external one breaks Nest's injection tokens.
 */
export const INLINED: ReadonlySet<string> = new Set(['peer/main', 'kea-watch/main']);

/**
 * What stays in node_modules even when inlining, loaded at run time: native addons, the database drivers TypeORM picks by
 * name, the NATS client Nest loads by name, and the optional packages Nest only loads when used (absent
 * here). Everything else is inlined: resolving and reading Nest's several hundred small files was most of
 * a peer's start-up (docs/benchmarks.md).
 */
export const EXTERNAL_PACKAGES: readonly string[] = [
  'better-sqlite3',
  'pg',
  'pg-native',
  'typeorm',
  '@nats-io/*',
  '@nestjs/websockets',
  '@nestjs/websockets/*',
  '@nestjs/microservices/microservices-module',
  '@nestjs/platform-express',
  '@nestjs/platform-express/*',
  '@nestjs/swagger',
  '@nestjs/serve-static',
  'express',
  'class-transformer',
  'class-transformer/*',
  'class-validator',
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  'kafkajs',
  'mqtt',
  'ioredis',
  'amqplib',
  'amqp-connection-manager',
  'nats',
  '@fastify/static',
  '@fastify/view',
  'pino',
  'pino-pretty',
  'pino-http',
  'nestjs-pino',
  '@nestjs/terminus',
  'cache-manager',
  'playwright-core',
  'esbuild',
  'tsx',
];
