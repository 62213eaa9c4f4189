export { SerialQueue } from './serial-queue';
export { fromPino, jsonLogger, pinoLogger, silentLogger } from './json-logger';
export type { Logger } from './json-logger';
export { NestJsonLogger } from './nest-logger';
export { rateLimitedWarnings } from './rate-limited';
