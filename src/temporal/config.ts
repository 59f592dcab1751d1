/**
 * Where RoomKit's Temporal server is, and starting an embedded dev server when there is none.
 * `TEMPORAL_ADDRESS` set ⇒ use that server and start nothing (ARCHITECTURE.md §6).
 */
import { z } from 'zod';
import { locateTemporalCli } from './cli.js';
import { startDevServer, type DevServerOptions } from './dev-server.js';

/** Blank environment variables mean "unset", not "the empty string". */
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));

export const TemporalConfigSchema = z.object({
  /** `host:port` of an existing server; absent ⇒ an embedded dev server is started. */
  address: optionalText,
  namespace: optionalText.transform((value) => value ?? 'default'),
  taskQueue: optionalText.transform((value) => value ?? 'roomkit'),
  /** Explicit Temporal CLI binary for the embedded server (same as `TEMPORAL_CLI_PATH`). */
  cliPath: optionalText,
});

/** Parsed configuration: `namespace` and `taskQueue` always have a value. */
export type TemporalConfig = z.output<typeof TemporalConfigSchema>;
/** What callers may pass: every field optional. */
export type TemporalConfigInput = z.input<typeof TemporalConfigSchema>;

/** Validates and fills defaults (`namespace: 'default'`, `taskQueue: 'roomkit'`). */
export function parseTemporalConfig(input: TemporalConfigInput = {}): TemporalConfig {
  return TemporalConfigSchema.parse(input);
}

/**
 * Reads `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_TASK_QUEUE` and `TEMPORAL_CLI_PATH`.
 * Pass the environment explicitly where possible; `process.env` is only the default.
 */
export function temporalConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  return parseTemporalConfig({
    address: env.TEMPORAL_ADDRESS,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    cliPath: env.TEMPORAL_CLI_PATH,
  });
}

/**
 * Server settings of the embedded dev server. Eager activity dispatch hands an activity scheduled
 * by a workflow task straight back to the worker that completed it: measured here, an update doing
 * one activity went from 96 ms to 32 ms p50 (the server's default is off). Production clusters set
 * it in their own dynamic config.
 */
export const EMBEDDED_DYNAMIC_CONFIG: Record<string, string | number | boolean> = {
  'system.enableActivityEagerExecution': true,
};

export interface EnsureTemporalServerOptions {
  log?: (msg: string) => void;
  /** Start the Web UI on this port (0 ⇒ a free one); undefined ⇒ headless. */
  uiPort?: number;
  /** Persist the embedded server's state in this SQLite file. */
  dbFilename?: string;
  /** Environment used to locate the CLI and run the server. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Build the CLI with `go install` if it is missing. Default: true. */
  build?: boolean;
  /** Passed through to the dev server. */
  dynamicConfig?: DevServerOptions['dynamicConfig'];
  searchAttributes?: DevServerOptions['searchAttributes'];
  startTimeoutMs?: number;
}

export interface TemporalServerHandle {
  address: string;
  namespace: string;
  uiUrl?: string;
  /** True when this process started the server (and `stop` will end it). */
  embedded: boolean;
  /** Stops the embedded server; a no-op for an external one. */
  stop(): Promise<void>;
}

/**
 * Returns a usable Temporal server: the configured `address` as is, or a freshly started
 * embedded dev server (locating, or once building, the CLI).
 */
export async function ensureTemporalServer(
  config: TemporalConfig,
  options: EnsureTemporalServerOptions = {},
): Promise<TemporalServerHandle> {
  if (config.address) {
    return { address: config.address, namespace: config.namespace, embedded: false, stop: async () => {} };
  }
  const env = options.env ?? process.env;
  const cliPath = await locateTemporalCli({
    log: options.log,
    build: options.build,
    env: config.cliPath ? { ...env, TEMPORAL_CLI_PATH: config.cliPath } : env,
  });
  const server = await startDevServer({
    cliPath,
    namespace: config.namespace,
    uiPort: options.uiPort,
    dbFilename: options.dbFilename,
    dynamicConfig: { ...EMBEDDED_DYNAMIC_CONFIG, ...options.dynamicConfig },
    searchAttributes: options.searchAttributes,
    startTimeoutMs: options.startTimeoutMs,
    env,
    log: options.log,
  });
  return {
    address: server.address,
    namespace: server.namespace,
    uiUrl: server.uiUrl,
    embedded: true,
    stop: server.stop,
  };
}
