/**
 * Schema migrations, applied in order inside one immediate transaction: `MIGRATIONS[n]` takes the
 * file from `user_version` n to n + 1. Add a new entry to change the schema; never edit an old one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE rooms (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    -- Date.parse(created_at), NULL when it does not parse: ordering compares instants.
    created_ms INTEGER,
    status TEXT NOT NULL,
    json TEXT NOT NULL
  );
  CREATE INDEX rooms_by_created ON rooms (created_ms, id);
  CREATE INDEX rooms_by_status ON rooms (status, created_ms, id);

  CREATE TABLE events (
    room_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    id TEXT NOT NULL,
    idempotency_key TEXT,
    type TEXT NOT NULL,
    visibility TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (room_id, idx)
  );
  -- idx last, so "highest index with this id/key" is read from the index alone.
  CREATE INDEX events_by_id ON events (room_id, id, idx);
  CREATE INDEX events_by_idempotency_key ON events (room_id, idempotency_key, idx);

  CREATE TABLE bindings (
    room_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    participant_id TEXT,
    channel_type TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (room_id, channel_id)
  );
  CREATE INDEX bindings_by_channel ON bindings (channel_id);
  CREATE INDEX bindings_by_participant ON bindings (participant_id, channel_type);

  CREATE TABLE participants (
    room_id TEXT NOT NULL,
    id TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (room_id, id)
  );
  CREATE INDEX participants_by_id ON participants (id);

  CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL,
    status TEXT NOT NULL,
    json TEXT NOT NULL
  );
  CREATE INDEX tasks_by_room ON tasks (room_id);

  CREATE TABLE observations (
    id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL,
    json TEXT NOT NULL
  );
  CREATE INDEX observations_by_room ON observations (room_id);
  `,
  // 2: delivery results by (room, index, channel), so a vendor's message id leads back to its event.
  // Rewritten with their event (deleted, then inserted: rowid order is write order). Backfilled from
  // the events already stored.
  `
  CREATE TABLE delivery_results (
    room_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    channel_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    status TEXT NOT NULL,
    provider_message_id TEXT,
    PRIMARY KEY (room_id, idx, channel_id)
  );
  CREATE INDEX delivery_results_by_provider_message_id
    ON delivery_results (provider_message_id, channel_id) WHERE provider_message_id IS NOT NULL;

  INSERT INTO delivery_results (room_id, idx, channel_id, event_id, status, provider_message_id)
  SELECT e.room_id, e.idx, d.key, e.id, json_extract(d.value, '$.status'), json_extract(d.value, '$.providerMessageId')
  FROM events e, json_each(e.json, '$.deliveryResults') d
  ORDER BY e.room_id, e.idx;
  `,
  // 3: read markers (RoomKit §2.8), one per (room, reader); the index only moves forward.
  `
  CREATE TABLE read_markers (
    room_id TEXT NOT NULL,
    reader_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    PRIMARY KEY (room_id, reader_id)
  );
  `,
  // 4: identities (RoomKit §11), and the normalised addresses that lead to them, keyed by
  // (channel type, address, organisation or '').
  `
  CREATE TABLE identities (
    id TEXT PRIMARY KEY,
    json TEXT NOT NULL
  );
  CREATE TABLE identity_addresses (
    channel_type TEXT NOT NULL,
    address TEXT NOT NULL,
    organization_id TEXT NOT NULL,
    identity_id TEXT NOT NULL,
    PRIMARY KEY (channel_type, address, organization_id)
  );
  CREATE INDEX identity_addresses_by_identity ON identity_addresses (identity_id);
  `,
];

/** The `user_version` this code writes and reads. */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;
