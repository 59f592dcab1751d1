/**
 * A throwaway PostgreSQL server for tests: Debian's binaries (`/usr/lib/postgresql/<version>/bin`),
 * a fresh cluster in a temporary directory, listening on a free 127.0.0.1 port (its unix socket in
 * that directory too), `trust` auth for the user and database `roomkit`. PostgreSQL refuses to run
 * as root, so as root every server command runs as an unprivileged user (`postgres` if the package
 * created it, else a `roomkit-pg` system user made here).
 *
 * Control from a test file (another process than the one that started it): `stopPostgres(dataDir)`
 * and `startPostgres(dataDir)` work on any cluster made here, given its data directory; the shared
 * one's is `inject('postgresDataDir')`. Stopping the shared server fails every test file using it at
 * that moment: a test that only needs an outage can start its own with `startPostgresServer()`.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.js';

const run = promisify(execFile);
const POSTGRES_ROOT = '/usr/lib/postgresql';
const UNPRIVILEGED_USER = 'roomkit-pg';
/** Written next to the data directory, so a helper given only `dataDir` can find the rest. */
const CONTROL_FILE = 'roomkit-test-server.json';

export interface PostgresServer {
  /** `postgres://roomkit@127.0.0.1:<port>/roomkit` (no password: trust auth). */
  url: string;
  dataDir: string;
  port: number;
  /** `pg_ctl stop -m fast`: connections are cut, the cluster stays on disk. */
  stop(): Promise<void>;
  /** Starts it again on the same port and waits until it accepts connections. */
  start(): Promise<void>;
  /** Stops it (if running) and removes its directory. */
  destroy(): Promise<void>;
}

interface Control { url: string; port: number; bin: string; user?: string }

/**
 * The test suite needs PostgreSQL and found none: what to install, or which server to point it at.
 * (A test that stops and restarts a server, like the outage test of postgres-store.test.ts, starts
 * one of its own and so needs the binaries even when ROOMKIT_TEST_POSTGRES_URL is set.)
 */
export class PostgresNotInstalledError extends Error {
  constructor() {
    super([
      `PostgreSQL is not installed (no ${POSTGRES_ROOT}/<version>/bin/postgres), and the tests need it: they start a throwaway server of their own, as CI does.`,
      '  Install it:  apt-get install -y postgresql   (Debian/Ubuntu; the tests run its binaries, not its system service)',
      '  or point the run at an existing server:  ROOMKIT_TEST_POSTGRES_URL=postgres://user:password@host:5432/db npm test',
      '  (tests that stop and restart PostgreSQL still start a server of their own from the installed binaries)',
    ].join('\n'));
    this.name = 'PostgresNotInstalledError';
  }
}

/** Newest installed version's bin dir, or undefined when PostgreSQL is not installed. */
export function postgresBinDir(): string | undefined {
  if (!existsSync(POSTGRES_ROOT)) return undefined;
  const versions = readdirSync(POSTGRES_ROOT)
    .filter((v) => existsSync(path.join(POSTGRES_ROOT, v, 'bin', 'postgres')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return versions[0] && path.join(POSTGRES_ROOT, versions[0], 'bin');
}

/**
 * initdb, configure, start and wait for a new cluster; `log` gets progress lines.
 * @example
 * const server = await startPostgresServer();
 * const store = await PostgresStore.open(server.url, { schema: 't_abc' });
 */
export async function startPostgresServer(options: { log?: (msg: string) => void } = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new PostgresNotInstalledError();
  const user = await serverUser();
  const root = await mkdtemp(path.join(os.tmpdir(), 'roomkit-pg-'));
  const dataDir = path.join(root, 'data');
  try {
    if (user) await chownTo(root, user);
    await as(user, root, path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'roomkit', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    const port = await freePort();
    await appendFile(path.join(dataDir, 'postgresql.conf'), [
      '', '# roomkit test server',
      "listen_addresses = '127.0.0.1'", `port = ${port}`, `unix_socket_directories = '${root}'`,
      // A test cluster: durability buys nothing, speed does.
      'fsync = off', 'synchronous_commit = off', 'full_page_writes = off',
      'max_connections = 200', 'shared_buffers = 32MB', '',
    ].join('\n'));
    const url = `postgres://roomkit@127.0.0.1:${port}/roomkit`;
    await writeFile(path.join(root, CONTROL_FILE), JSON.stringify({ url, port, bin, user } satisfies Control));
    await startPostgres(dataDir, { url: `postgres://roomkit@127.0.0.1:${port}/postgres` });
    await withClient(`postgres://roomkit@127.0.0.1:${port}/postgres`, (c) => c.query('CREATE DATABASE roomkit'));
    options.log?.(`PostgreSQL (${path.basename(path.dirname(bin))}) on 127.0.0.1:${port}, data in ${dataDir}`);
    return {
      url, dataDir, port,
      stop: () => stopPostgres(dataDir),
      start: () => startPostgres(dataDir),
      destroy: async () => {
        await stopPostgres(dataDir).catch(() => {});
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopPostgres(dataDir).catch(() => {});
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/** `pg_ctl stop -m fast` on a cluster made by `startPostgresServer`; a no-op if it is not running. */
export async function stopPostgres(dataDir: string): Promise<void> {
  if (!existsSync(path.join(dataDir, 'postmaster.pid'))) return;
  const control = await readControl(dataDir);
  await as(control.user, path.dirname(dataDir), path.join(control.bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
}

/**
 * Starts a cluster made by `startPostgresServer` (again) and resolves once a connection to its
 * database succeeds (polled, no fixed sleep). `url` overrides what is polled.
 */
export async function startPostgres(dataDir: string, options: { url?: string; timeoutMs?: number } = {}): Promise<void> {
  const control = await readControl(dataDir);
  const root = path.dirname(dataDir);
  await as(control.user, root, path.join(control.bin, 'pg_ctl'), ['-D', dataDir, '-l', path.join(root, 'postgres.log'), '-W', 'start']);
  try {
    await waitForPostgres(options.url ?? control.url, options.timeoutMs ?? 30_000);
  } catch (error) {
    const log = await readFile(path.join(root, 'postgres.log'), 'utf8').catch(() => '');
    throw new Error(`PostgreSQL in ${dataDir} did not start: ${(error as Error).message}\n${log.split('\n').slice(-15).join('\n')}`);
  }
}

/** Polls until a connection to `url` succeeds. */
export async function waitForPostgres(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    try {
      await withClient(url, (c) => c.query('SELECT 1'));
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** A schema name no other test uses (for `PostgresStore.open(url, { schema })`). */
export function uniqueSchema(prefix = 't'): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
}

/** Drops a test's schema and everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  await withClient(url, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {}); // a server going away while we hold it: the query rejects anyway
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function readControl(dataDir: string): Promise<Control> {
  return JSON.parse(await readFile(path.join(path.dirname(dataDir), CONTROL_FILE), 'utf8')) as Control;
}

/** Runs `file` as `user` (via runuser) when given, else as ourselves; cwd is one `user` may enter. */
async function as(user: string | undefined, cwd: string, file: string, args: string[]): Promise<void> {
  const [cmd, argv] = user ? ['runuser', ['-u', user, '--', file, ...args]] : [file, args];
  try {
    await run(cmd, argv, { cwd, timeout: 120_000 });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${path.basename(file)} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

/** Who runs the server: ourselves, unless we are root (PostgreSQL refuses root). */
async function serverUser(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  if (await userExists('postgres')) return 'postgres';
  if (!(await userExists(UNPRIVILEGED_USER))) {
    await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', UNPRIVILEGED_USER])
      .catch(async (error: unknown) => {
        // Two test runs creating it at once: the loser finds it made.
        if (!(await userExists(UNPRIVILEGED_USER))) throw error;
      });
  }
  return UNPRIVILEGED_USER;
}

async function userExists(name: string): Promise<boolean> {
  return run('id', ['-u', name]).then(() => true, () => false);
}

async function chownTo(dir: string, user: string): Promise<void> {
  const { stdout: uid } = await run('id', ['-u', user]);
  const { stdout: gid } = await run('id', ['-g', user]);
  await chown(dir, Number(uid), Number(gid));
}
