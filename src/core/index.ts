export * from './visibility.js';
export * from './transcode.js';
export * from './hooks.js';
export * from './addressing.js';
export * from './events.js';
export * from './timers.js';
export * from './idempotency.js';
export * from './retry.js';
