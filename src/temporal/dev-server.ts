/**
 * Spawning `temporal server start-dev` as a child process and waiting until it really serves.
 *
 * We spawn the process ourselves instead of using `TestWorkflowEnvironment.createLocal()` because
 * the SDK's helper gives the server only 5 s to listen (too short on a busy 2-core CI box) and
 * would try to download the CLI by default.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Connection } from '@temporalio/client';

/** Value types accepted by `--search-attribute KEY=TYPE`. */
export type DevServerSearchAttributeType = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

export interface DevServerOptions {
  /** Path of the Temporal CLI binary (see `locateTemporalCli`). */
  cliPath: string;
  /** gRPC frontend port; 0 or undefined picks a free loopback port. */
  port?: number;
  /** Web UI port; undefined ⇒ headless, 0 ⇒ a free port. */
  uiPort?: number;
  /** SQLite file to persist state across restarts; default: in-memory. */
  dbFilename?: string;
  /** Namespace to create at launch (`default` always exists). Default: `default`. */
  namespace?: string;
  /** `--dynamic-config-value` pairs; values are JSON-encoded as the CLI requires. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /** Custom search attributes to register, e.g. `{ RoomId: 'Keyword' }`. */
  searchAttributes?: Record<string, DevServerSearchAttributeType>;
  /** How long to wait for the server to answer RPCs. Default: 30 s. */
  startTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL in `stop()`. Default: 5 s. */
  stopGraceMs?: number;
  /** Environment of the child process (its `OTEL_*` removed). Default: the parent's. */
  env?: NodeJS.ProcessEnv;
  /** Progress messages. Default: silent. */
  log?: (msg: string) => void;
}

export interface DevServer {
  /** `host:port` of the gRPC frontend, ready for `Connection.connect({ address })`. */
  address: string;
  /** Web UI URL, when a UI was requested. */
  uiUrl?: string;
  namespace: string;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const OUTPUT_TAIL_CHARS = 4000;
const BANNER_FALLBACK_MS = 10_000;

/** Raised when the server dies or does not become ready in time; carries the server's output tail. */
export class DevServerStartError extends Error {
  constructor(message: string, readonly outputTail: string) {
    super(outputTail ? `${message}\n--- temporal server output (tail) ---\n${outputTail}` : message);
    this.name = 'DevServerStartError';
  }
}

/**
 * Starts a Temporal dev server and resolves once a client can call it.
 *
 * Readiness is "the port accepts TCP" AND "`getSystemInfo` succeeds": the port opens before
 * the frontend has finished wiring its services, and the first RPCs then fail.
 * When the port was auto-picked and another process grabbed it in between, retries with a new one.
 *
 * @throws DevServerStartError if the process exits early or is not ready within `startTimeoutMs`.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const autoPort = !options.port;
  const attempts = autoPort ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, options.port || (await freePort()));
    } catch (error) {
      const portTaken = error instanceof DevServerStartError && /address already in use/i.test(error.outputTail);
      if (!portTaken || attempt >= attempts) throw error;
      options.log?.('Temporal dev server port was taken; retrying on another port');
    }
  }
}

async function startOnce(options: DevServerOptions, port: number): Promise<DevServer> {
  const namespace = options.namespace ?? 'default';
  const uiPort = options.uiPort === undefined ? undefined : options.uiPort || (await freePort());
  const args = buildArgs(options, port, uiPort, namespace);
  const address = `${HOST}:${port}`;
  options.log?.(`Starting Temporal dev server on ${address}`);

  const child = spawn(options.cliPath, args, {
    env: serverEnv(options.env ?? process.env),
    // stdin ignored: the server must not compete for the terminal. Output is drained
    // continuously (a full pipe would block the server) and only its tail is kept for errors.
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: a terminal's Ctrl-C signals the whole foreground group, and a server that
    // dies alongside the worker makes the worker's last shutdown RPC fail (a WARN on every Ctrl-C).
    // We stop the server ourselves, after the worker; the 'exit' hook below still reaps it.
    detached: true,
  });
  let tail = '';
  let bannerSeen = false;
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    keep(chunk);
    // The CLI prints `Server:  localhost:<port>` only after the frontend has bound its port.
    bannerSeen ||= /^Server:/m.test(tail);
  });
  child.stderr?.on('data', keep);

  // Kept for the process's lifetime: an unhandled 'error' event would crash the parent.
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.on('error', (error) => {
      // No pid ⇒ the binary never started (ENOENT, EACCES) and no 'exit' will follow.
      if (child.pid === undefined) {
        spawnError = error;
        resolve();
      }
    });
  });
  // The 'exit' hook is synchronous, so it can only signal, not wait: SIGKILL is the one signal
  // that is sure to leave no orphan. SQLite (with --db-filename) is crash-safe.
  const killOnParentExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnParentExit);
  void exited.then(() => process.off('exit', killOnParentExit));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= terminate(child, exited, options.stopGraceMs ?? 5_000);
    return stopping;
  };

  try {
    await waitUntilReady(child, address, namespace, options.startTimeoutMs ?? 30_000, {
      tail: () => tail,
      bannerSeen: () => bannerSeen,
      spawnError: () => spawnError,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    address,
    uiUrl: uiPort === undefined ? undefined : `http://${HOST}:${uiPort}`,
    namespace,
    process: child,
    stop,
  };
}

function buildArgs(options: DevServerOptions, port: number, uiPort: number | undefined, namespace: string): string[] {
  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(port), '--log-level', 'warn'];
  if (uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  if (namespace !== 'default') args.push('--namespace', namespace);
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {})) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  for (const [key, type] of Object.entries(options.searchAttributes ?? {})) {
    args.push('--search-attribute', `${key}=${type}`);
  }
  return args;
}

async function waitUntilReady(
  child: ChildProcess,
  address: string,
  namespace: string,
  timeoutMs: number,
  state: { tail: () => string; bannerSeen: () => boolean; spawnError: () => Error | undefined },
): Promise<void> {
  const { tail, bannerSeen, spawnError } = state;
  const startedAt = Date.now();
  const deadline = startedAt + timeoutMs;
  let lastError: unknown;
  const [host, portText] = address.split(':') as [string, string];

  while (Date.now() < deadline) {
    const failure = spawnError();
    if (failure) throw new DevServerStartError(`Could not start the Temporal CLI: ${failure.message}`, tail());
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new DevServerStartError(
        `Temporal dev server exited before it was ready (${child.signalCode ?? `exit code ${child.exitCode}`})`,
        tail(),
      );
    }
    // Probing before the banner could reach a foreign process holding the port while our server
    // is failing to bind. Another CLI version might print no banner, hence the fallback delay.
    const mayProbe = bannerSeen() || Date.now() - startedAt > BANNER_FALLBACK_MS;
    try {
      if (mayProbe && (await portAcceptsConnections(host, Number(portText)))) {
        await probeRpc(address, namespace, Math.min(5_000, Math.max(1_000, deadline - Date.now())));
        return;
      }
    } catch (error) {
      lastError = error;
    }
    await sleep(150);
  }
  const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new DevServerStartError(`Temporal dev server at ${address} not ready after ${timeoutMs} ms${cause}`, tail());
}

/** One RPC round trip, including the namespace we asked for: proves the frontend is serving. */
async function probeRpc(address: string, namespace: string, timeoutMs: number): Promise<void> {
  // `lazy` + explicit deadline rather than `Connection.connect`: a failed `connect` returns no
  // handle to close, and a call without a deadline can hang on a listener that accepts TCP but
  // never speaks HTTP/2. (Even closed, such a channel keeps its socket for a while in grpc-js,
  // which is why we wait for the banner before probing.)
  const connection = Connection.lazy({ address, connectTimeout: timeoutMs });
  try {
    await connection.withDeadline(Date.now() + timeoutMs, async () => {
      await connection.workflowService.getSystemInfo({});
      await connection.workflowService.describeNamespace({ namespace });
    });
  } finally {
    await connection.close();
  }
}

function portAcceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function terminate(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A currently free loopback port. Inherently racy (someone may take it before the server binds);
 * `startDevServer` retries on "address already in use".
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The embedded server's environment: ours without `OTEL_*`. Those configure this process's tracing
 * (README «Traces»); the Go server reads them too and refuses to start on values it does not know
 * (`OTEL_TRACES_EXPORTER=console`), and a dev server has no business exporting our traces.
 */
export function serverEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('OTEL_')));
}
