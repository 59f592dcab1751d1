/**
 * The PostgreSQL store's schema, as ordered migrations: `POSTGRES_MIGRATIONS[n]` takes a schema from
 * version n to n + 1 (version n + 1 is recorded in `roomkit_schema_migrations`). Add an entry to
 * change the schema; never edit one that has shipped. Each runs in the opening transaction with
 * `search_path` set to the store's schema, so names are unqualified here.
 *
 * Conventions: JSON documents are `jsonb` (`doc`); what is looked up, filtered or sorted has its own
 * column. Ids compare byte-wise (`COLLATE "C"`), as in the other stores, whatever the database's
 * locale. `seq` (an identity) is first-write order: an upsert keeps it, a delete and re-insert does not.
 * `migrate` (below) applies them when a store opens.
 */
import type pg from 'pg';
import { unavailable, type Location } from './postgres-wire.js';
export const POSTGRES_MIGRATIONS: readonly string[] = [
  // 1: the timeline and read model.
  `
  CREATE TABLE rooms (
    id text COLLATE "C" PRIMARY KEY,
    created_at text COLLATE "C" NOT NULL,
    -- Date.parse(created_at), NULL when it does not parse: ordering compares instants.
    created_ms bigint,
    status text NOT NULL,
    doc jsonb NOT NULL
  );
  CREATE INDEX rooms_by_created ON rooms (created_ms NULLS FIRST, id);
  CREATE INDEX rooms_by_status ON rooms (status, created_ms NULLS FIRST, id);

  CREATE TABLE events (
    room_id text COLLATE "C" NOT NULL,
    idx bigint NOT NULL,
    id text COLLATE "C" NOT NULL,
    idempotency_key text COLLATE "C",
    type text NOT NULL,
    visibility text NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (room_id, idx)
  );
  -- idx last, so "highest index with this id/key" is read from the index alone.
  CREATE INDEX events_by_id ON events (room_id, id, idx);
  CREATE INDEX events_by_idempotency_key ON events (room_id, idempotency_key, idx) WHERE idempotency_key IS NOT NULL;

  -- One row per channel of an event's deliveryResults, rewritten with the event.
  CREATE TABLE delivery_results (
    room_id text COLLATE "C" NOT NULL,
    idx bigint NOT NULL,
    channel_id text COLLATE "C" NOT NULL,
    event_id text COLLATE "C" NOT NULL,
    status text NOT NULL,
    provider_message_id text COLLATE "C",
    result jsonb NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (room_id, idx, channel_id)
  );
  CREATE INDEX delivery_results_by_provider_message_id
    ON delivery_results (provider_message_id, channel_id, seq) WHERE provider_message_id IS NOT NULL;

  CREATE TABLE bindings (
    room_id text COLLATE "C" NOT NULL,
    channel_id text COLLATE "C" NOT NULL,
    participant_id text COLLATE "C",
    channel_type text NOT NULL,
    doc jsonb NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (room_id, channel_id)
  );
  CREATE INDEX bindings_by_channel ON bindings (channel_id);
  CREATE INDEX bindings_by_participant ON bindings (participant_id, channel_type);

  CREATE TABLE participants (
    room_id text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    doc jsonb NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (room_id, id)
  );
  CREATE INDEX participants_by_id ON participants (id);

  CREATE TABLE tasks (
    id text COLLATE "C" PRIMARY KEY,
    room_id text COLLATE "C" NOT NULL,
    status text NOT NULL,
    doc jsonb NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY
  );
  CREATE INDEX tasks_by_room ON tasks (room_id, seq);

  CREATE TABLE observations (
    id text COLLATE "C" PRIMARY KEY,
    room_id text COLLATE "C" NOT NULL,
    doc jsonb NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY
  );
  CREATE INDEX observations_by_room ON observations (room_id, seq);

  -- Filled by later work: how far each participant has read, and who is behind an address.
  CREATE TABLE read_markers (
    room_id text COLLATE "C" NOT NULL,
    participant_id text COLLATE "C" NOT NULL,
    event_id text COLLATE "C" NOT NULL,
    idx bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (room_id, participant_id)
  );

  CREATE TABLE identities (
    id text COLLATE "C" PRIMARY KEY,
    channel_type text NOT NULL,
    address text COLLATE "C" NOT NULL,
    participant jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel_type, address)
  );
  `,
  // 2: read markers are keyed by reader (a channel id, as in RoomKit, or a participant id).
  `
  ALTER TABLE read_markers RENAME COLUMN participant_id TO reader_id;
  `,
  // 3: identities (RoomKit §11). The placeholder table of migration 1 was never written: it is
  // replaced by one row per identity and one per normalised address that leads to it, keyed by
  // (channel type, address, organisation or '').
  `
  DROP TABLE identities;
  CREATE TABLE identities (
    id text COLLATE "C" PRIMARY KEY,
    doc jsonb NOT NULL
  );
  CREATE TABLE identity_addresses (
    channel_type text COLLATE "C" NOT NULL,
    address text COLLATE "C" NOT NULL,
    organization_id text COLLATE "C" NOT NULL,
    identity_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (channel_type, address, organization_id)
  );
  CREATE INDEX identity_addresses_by_identity ON identity_addresses (identity_id);
  `,
];

/** The schema version this code writes and reads. */
export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS.length;

/**
 * Key of the transaction-scoped advisory lock every opener takes before migrating ('roomkit' in
 * ASCII), so processes starting together apply each migration once, one after the other.
 */
export const MIGRATION_LOCK_KEY = 0x726f6f6d6b6974n;

/**
 * Bring `schema` to the newest version, in one transaction that holds the migration lock: a second
 * opener waits, then finds nothing left to do.
 */
export async function migrate(pool: pg.Pool, schema: string, where: Location): Promise<void> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw unavailable(where, error);
  }
  let failure: unknown;
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    // CREATE SCHEMA IF NOT EXISTS checks the CREATE privilege even when the schema exists.
    const existing = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (existing.rowCount === 0) await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    await client.query(`SET LOCAL search_path TO ${quoteIdent(schema)}`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS roomkit_schema_migrations (
        version integer PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM roomkit_schema_migrations');
    const version = rows[0].version;
    if (version > POSTGRES_MIGRATIONS.length) {
      throw new Error(
        `PostgreSQL store schema "${schema}" is at version ${version}, newer than this code's ${POSTGRES_MIGRATIONS.length}: upgrade RoomKit`,
      );
    }
    for (let v = version; v < POSTGRES_MIGRATIONS.length; v++) {
      await client.query(POSTGRES_MIGRATIONS[v]);
      await client.query('INSERT INTO roomkit_schema_migrations (version) VALUES ($1)', [v + 1]);
    }
    await client.query('COMMIT');
  } catch (error) {
    failure = error;
    await client.query('ROLLBACK').catch(() => {});
  }
  client.release(failure instanceof Error ? failure : undefined);
  if (failure !== undefined) throw failure;
}

/** A double-quoted identifier (the schema name). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
