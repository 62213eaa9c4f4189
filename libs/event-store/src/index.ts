export * from './data-source';
export * from './event-store';
export * from './recorded-events';
export * from './transitions';
