/** Locating the Temporal CLI, running the embedded dev server, and reading the Temporal config. */
export {
  TEMPORAL_CLI_VERSION,
  TemporalCliNotFoundError,
  locateTemporalCli,
  temporalCliCacheDir,
  temporalCliCachePath,
  type LocateTemporalCliOptions,
} from './cli.js';
export {
  DevServerStartError,
  freePort,
  startDevServer,
  type DevServer,
  type DevServerOptions,
  type DevServerSearchAttributeType,
} from './dev-server.js';
export {
  TemporalConfigSchema,
  ensureTemporalServer,
  parseTemporalConfig,
  temporalConfigFromEnv,
  type EnsureTemporalServerOptions,
  type TemporalConfig,
  type TemporalConfigInput,
  type TemporalServerHandle,
} from './config.js';
