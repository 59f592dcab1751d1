/**
 * The store the benchmarked RoomKit writes to (`--store=memory|sqlite|postgres`), and a wrapper that
 * counts the store calls a message costs and the time they take.
 *
 * `postgres` uses `ROOMKIT_BENCH_POSTGRES_URL` when it is set (in a fresh schema, dropped at the
 * end); otherwise it starts a throwaway cluster from Debian's binaries, the one the store tests use
 * (tests/support/postgres-server.ts: fsync, synchronous_commit and full_page_writes off), or with
 * `durable` that cluster with the three turned back on, as a production server runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { InMemoryStore, PostgresStore, SQLiteStore, type ConversationStore } from '../src/store/index.js';
import { startPostgresServer } from '../tests/support/postgres-server.js';

export const STORE_KINDS = ['memory', 'sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export function parseStoreKind(raw: string | undefined): StoreKind {
  const kind = (raw ?? 'memory').toLowerCase();
  if (!(STORE_KINDS as readonly string[]).includes(kind)) {
    throw new Error(`BENCH_STORE / --store must be one of ${STORE_KINDS.join(', ')}, got ${raw}`);
  }
  return kind as StoreKind;
}

/** Calls and summed wall time per store method (calls made in parallel overlap in `ms`). */
export type StoreCalls = Record<string, { calls: number; ms: number }>;

export interface CountedStore {
  store: ConversationStore;
  /** A copy of the counts so far. */
  snapshot(): StoreCalls;
}

/** `store` with every method call counted and timed (a few microseconds each). */
export function countCalls(store: ConversationStore): CountedStore {
  const counts: StoreCalls = {};
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'constructor') return value;
      return (...args: unknown[]) => {
        const started = performance.now();
        const done = () => {
          const c = (counts[prop] ??= { calls: 0, ms: 0 });
          c.calls += 1;
          c.ms += performance.now() - started;
        };
        const out: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (out instanceof Promise) return out.finally(done);
        done();
        return out;
      };
    },
  });
  return { store: proxy, snapshot: () => structuredClone(counts) };
}

/** (after − before) ÷ messages, per method, rounded; methods not called in between are left out. */
export function callsPerMessage(before: StoreCalls, after: StoreCalls, messages: number): StoreCalls {
  const out: StoreCalls = {};
  for (const [method, a] of Object.entries(after).sort(([x], [y]) => x.localeCompare(y))) {
    const b = before[method] ?? { calls: 0, ms: 0 };
    if (a.calls === b.calls) continue;
    out[method] = { calls: Number(((a.calls - b.calls) / messages).toFixed(2)), ms: Number(((a.ms - b.ms) / messages).toFixed(3)) };
  }
  return out;
}

export interface BenchStore extends CountedStore {
  kind: StoreKind;
  /** What results.json records about it (never a password). */
  info: Record<string, unknown>;
  /** Closes the store (the kit may have already), drops a schema made in an external database, removes what was made here. */
  dispose(): Promise<void>;
}

export interface BenchStoreOptions {
  /** PostgreSQL pool size (PostgresStore's `maxConnections`); default: the store's own (10). */
  poolSize?: number;
  /** The throwaway cluster with fsync, synchronous_commit and full_page_writes on (every commit waits for the disk). */
  durable?: boolean;
}

export async function openBenchStore(
  kind: StoreKind, runId: string, log: (message: string) => void, options: BenchStoreOptions = {},
): Promise<BenchStore> {
  if (kind === 'memory') {
    const store = new InMemoryStore();
    return { kind, ...countCalls(store), info: { kind }, dispose: () => store.close() };
  }
  if (kind === 'sqlite') {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'roomkit-bench-'));
    const file = path.join(dir, 'bench.db');
    const store = new SQLiteStore(file);
    log(`SQLite store in ${file}`);
    return {
      kind, ...countCalls(store), info: { kind, file: 'a fresh file in the temporary directory' },
      dispose: async () => {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  return openPostgres(runId, log, options);
}

async function openPostgres(runId: string, log: (message: string) => void, { poolSize, durable }: BenchStoreOptions): Promise<BenchStore> {
  const external = process.env.ROOMKIT_BENCH_POSTGRES_URL;
  const server = external ? undefined : await startPostgresServer({ log });
  const url = external ?? server!.url;
  if (server && durable) await makeDurable(url).catch(async (error: unknown) => {
    await server.destroy();
    throw error;
  });
  const schema = `bench_${runId.replace(/[^a-z0-9]/g, '')}`;
  let store: PostgresStore;
  try {
    store = await PostgresStore.open(url, { schema, ...(poolSize && { maxConnections: poolSize }) });
  } catch (error) {
    await server?.destroy();
    throw error;
  }
  const settings = await withClient(url, async (c) => (await c.query<Record<string, string>>(`
    SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
           current_setting('synchronous_commit') AS synchronous_commit, current_setting('shared_buffers') AS shared_buffers`)).rows[0]);
  const probe = new pg.Client({ connectionString: url });
  const where = { host: probe.host, port: probe.port, database: probe.database };
  log(`PostgreSQL ${settings.version} at ${where.host}:${where.port}/${where.database}, schema ${schema}`);
  return {
    kind: 'postgres', ...countCalls(store),
    info: {
      kind: 'postgres',
      server: external
        ? { source: 'ROOMKIT_BENCH_POSTGRES_URL', ...where }
        : { source: `startPostgresServer (throwaway local cluster${durable ? ', made durable' : ''})`, host: where.host },
      ...settings, schema, maxConnections: poolSize ?? 'default (10)',
    },
    dispose: async () => {
      await store.close();
      if (external) await withClient(url, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined);
      await server?.destroy();
    },
  };
}

/** The test cluster's speed-ups undone (all three settings reload without a restart). */
async function makeDurable(url: string): Promise<void> {
  await withClient(url, async (c) => {
    for (const name of ['fsync', 'synchronous_commit', 'full_page_writes']) await c.query(`ALTER SYSTEM SET ${name} = on`);
    await c.query('SELECT pg_reload_conf()');
  });
  // The reload is a signal: wait until a new session sees it.
  for (let i = 0; i < 50; i++) {
    const fsync = await withClient(url, async (c) => (await c.query<{ fsync: string }>("SELECT current_setting('fsync') AS fsync")).rows[0].fsync);
    if (fsync === 'on') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('PostgreSQL did not turn fsync on after pg_reload_conf()');
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
