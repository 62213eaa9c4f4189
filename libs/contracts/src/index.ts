export * from './names';
export * from './subjects';
export * from './envelope';
export * from './coordinator-events';
export * from './event-data';
export * from './event-chain';
