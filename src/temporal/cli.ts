/**
 * Finding (or, once, building) the Temporal CLI that provides `temporal server start-dev`.
 *
 * Nothing may be downloaded at run time except Go modules, so the CLI comes from, in order:
 * `TEMPORAL_CLI_PATH`, a `temporal` on PATH, a per-user cache outside the repo (so a fresh CI
 * clone reuses it), or a one-time `go install` into that cache.
 */
import { execFile, spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The CLI release we build. Newer tags cannot be `go install`ed (replace directive in go.mod). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

const GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';
/** Where Go lives on machines that installed it from the official tarball but not on PATH. */
const EXTRA_GO_DIRS = ['/usr/local/go/bin'];

/** Thrown when no CLI is available and none can be built; the message lists the ways out. */
export class TemporalCliNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemporalCliNotFoundError';
  }
}

export interface LocateTemporalCliOptions {
  /** Progress messages (the one-time build takes minutes, so say so). Default: silent. */
  log?: (msg: string) => void;
  /** Environment to read instead of `process.env` (tests inject their own). */
  env?: NodeJS.ProcessEnv;
  /** Build with `go install` when nothing is found. Default: true. */
  build?: boolean;
}

/**
 * The per-user directory holding the built CLI:
 * `${XDG_CACHE_HOME:-$HOME/.cache}/roomkit-ts/temporal-cli/<version>`.
 */
export function temporalCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = nonEmpty(env.XDG_CACHE_HOME) ?? path.join(nonEmpty(env.HOME) ?? os.homedir(), '.cache');
  return path.join(base, 'roomkit-ts', 'temporal-cli', TEMPORAL_CLI_VERSION);
}

/** Full path of the cached `temporal` binary (it may not exist yet). */
export function temporalCliCachePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(temporalCliCacheDir(env), 'temporal');
}

/**
 * Returns the absolute path of a Temporal CLI that supports `server start-dev`.
 *
 * Order: `TEMPORAL_CLI_PATH` (must exist and be executable, otherwise this throws rather than
 * silently falling back, since an explicit setting that is wrong is a configuration bug), `temporal`
 * on PATH, the per-user cache, then a one-time `go install` into the cache.
 *
 * @throws Error naming `TEMPORAL_CLI_PATH` when it points at nothing usable.
 * @throws TemporalCliNotFoundError when nothing is found and building is disabled or Go is missing.
 */
export async function locateTemporalCli(options: LocateTemporalCliOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});

  const explicit = nonEmpty(env.TEMPORAL_CLI_PATH);
  if (explicit !== undefined) {
    const resolved = path.resolve(explicit);
    if (!(await isExecutableFile(resolved))) {
      throw new Error(
        `TEMPORAL_CLI_PATH is set to "${explicit}", but that is not an existing executable file. ` +
          'Point TEMPORAL_CLI_PATH at a Temporal CLI binary, or unset it to use PATH / the cache.',
      );
    }
    return resolved;
  }

  for (const candidate of findOnPath('temporal', env)) {
    // Another tool may be called `temporal`; only accept one that has the dev server.
    if ((await isExecutableFile(candidate)) && (await supportsStartDev(candidate, env))) return candidate;
  }

  const cached = temporalCliCachePath(env);
  if (await isExecutableFile(cached)) return cached;

  if (options.build === false) {
    throw new TemporalCliNotFoundError(notFoundMessage(cached, 'building is disabled'));
  }
  return buildTemporalCli(env, log);
}

/** `go install`s the CLI into the cache dir and returns the binary's path. */
async function buildTemporalCli(env: NodeJS.ProcessEnv, log: (msg: string) => void): Promise<string> {
  const go = await findGo(env);
  const cacheDir = temporalCliCacheDir(env);
  const target = path.join(cacheDir, 'temporal');
  if (go === undefined) {
    throw new TemporalCliNotFoundError(notFoundMessage(target, '`go` was not found on PATH or in /usr/local/go/bin'));
  }

  log(`Temporal CLI not found; building ${TEMPORAL_CLI_VERSION} with go install into ${cacheDir} (one-time, a few minutes)…`);
  await mkdir(cacheDir, { recursive: true });
  // Build into a private dir and rename: a concurrent locate never sees a half-written binary,
  // and two concurrent builds simply both win with identical files.
  const staging = await mkdtemp(path.join(cacheDir, '.build-'));
  try {
    await runGo(go, ['install', `${GO_PACKAGE}@${TEMPORAL_CLI_VERSION}`], {
      ...env,
      CGO_ENABLED: '0',
      GOBIN: staging,
      // The go command re-invokes itself (toolchain switching); keep its own dir on PATH.
      PATH: [path.dirname(go), env.PATH ?? ''].filter(Boolean).join(path.delimiter),
    });
    await rename(path.join(staging, 'temporal'), target);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  log(`Temporal CLI built: ${target}`);
  return target;
}

function runGo(go: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(go, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`go ${args.join(' ')} failed (${signal ?? `exit code ${code}`}):\n${output.trim()}`));
    });
  });
}

function notFoundMessage(cachePath: string, why: string): string {
  return (
    `Temporal CLI not found (${why}). Provide it in one of three ways:\n` +
    '  1. set TEMPORAL_CLI_PATH to a `temporal` binary that supports `server start-dev`;\n' +
    '  2. put `temporal` on PATH;\n' +
    `  3. install Go >= 1.25 so it can be built once into ${cachePath} ` +
    `(CGO_ENABLED=0 GOBIN=${path.dirname(cachePath)} go install ${GO_PACKAGE}@${TEMPORAL_CLI_VERSION}).\n` +
    'Alternatively set TEMPORAL_ADDRESS to use an already running Temporal server.'
  );
}

async function findGo(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const goroot = nonEmpty(env.GOROOT);
  const candidates = [
    ...findOnPath('go', env),
    ...(goroot ? [path.join(goroot, 'bin', 'go')] : []),
    ...EXTRA_GO_DIRS.map((dir) => path.join(dir, 'go')),
  ];
  for (const candidate of candidates) {
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string[] {
  return (env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir.length > 0)
    .map((dir) => path.resolve(dir, name));
}

/** Cheap capability probe: `server start-dev --help` only succeeds on a CLI that has the dev server. */
function supportsStartDev(cli: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(cli, ['server', 'start-dev', '--help'], { env, timeout: 15_000 }, (error) => resolve(error === null));
  });
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
