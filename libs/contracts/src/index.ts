export * from './names';
export * from './subjects';
export * from './envelope';
export * from './serial-queue';
