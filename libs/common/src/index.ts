export { SerialQueue } from './serial-queue';
export { fromPino, jsonLogger, pinoLogger, silentLogger } from './json-logger';
export type { Logger } from './json-logger';
export { NestJsonLogger } from './nest-logger';
export { rateLimitedWarnings } from './rate-limited';
export { readSecretFile } from './secret-file';
export { addToken, hashToken, readTokenEntries, ROLES, writeTokenEntries } from './api-tokens';
export type { Role, TokenEntry } from './api-tokens';
export { assertNever } from './assert-never';
