export { SerialQueue } from './serial-queue';
export { jsonLogger } from './json-logger';
export type { Logger } from './json-logger';
export { NestJsonLogger } from './nest-logger';
