/**
 * Sandbox-safe entry: what workflow code may import (models and the pure room core). Nothing here
 * touches Node built-ins, vendor SDKs or Temporal's client/worker packages.
 */
export * from './models/index.js';
export * from './core/index.js';
