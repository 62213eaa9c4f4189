export * from './data-source';
export * from './event-store';
export * from './recorded-events';
export * from './transitions';
export * from './stream-pages';
export * from './verify-stored-stream';
export * from './export-lines';
