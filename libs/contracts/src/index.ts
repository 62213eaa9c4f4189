export * from './names';
export * from './subjects';
export * from './envelope';
export * from './serial-queue';
export * from './coordinator-events';
export * from './event-data';
export * from './jetstream';
