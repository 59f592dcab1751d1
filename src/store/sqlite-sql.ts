/**
 * The statements of `SQLiteStore`, prepared once per connection. Named parameters (`@name`);
 * documents are stored as JSON text.
 */
import type Database from 'better-sqlite3';

type Statement = Database.Statement<unknown[], unknown>;
export type SQLiteStatements = ReturnType<typeof prepareSQLiteStatements>;

/** Oldest first: the instant, then (only for unparseable timestamps) the text, then the id. */
const ROOM_ORDER = 'r.created_ms, CASE WHEN r.created_ms IS NULL THEN r.created_at END, r.id';
const ROOM_ORDER_DESC = 'r.created_ms DESC, CASE WHEN r.created_ms IS NULL THEN r.created_at END DESC, r.id DESC';

/**
 * Filters and cursors of `listEvents`. Cursors default to the widest range (rather than
 * `? IS NULL OR …`) so the (room_id, idx) key still serves as a range scan.
 */
const EVENT_FILTER = `
  room_id = @roomId AND idx > @after AND idx < @before
  AND (@types IS NULL OR type IN (SELECT value FROM json_each(@types)))
  AND (@visibility IS NULL OR visibility = @visibility)`;


export function prepareSQLiteStatements(db: Database.Database) {
  const p = (source: string): Statement => db.prepare(source);
  return {
    putRoom: p(`
      INSERT INTO rooms (id, created_at, created_ms, status, json) VALUES (@id, @createdAt, @createdMs, @status, @json)
      ON CONFLICT (id) DO UPDATE SET
        created_at = excluded.created_at, created_ms = excluded.created_ms, status = excluded.status, json = excluded.json`),
    getRoom: p('SELECT json FROM rooms WHERE id = ?'),
    listRooms: p(`SELECT json FROM rooms r ORDER BY ${ROOM_ORDER} LIMIT @limit OFFSET @offset`),
    listRoomsByStatus: p(`SELECT json FROM rooms r WHERE status = @status ORDER BY ${ROOM_ORDER} LIMIT @limit OFFSET @offset`),
    // Both lookups start from the binding/participant indexes, not from every room (inbound routing).
    // A room has at most one binding per channel, so the join yields each room once.
    findRoomIdsByChannel: p(`
      SELECT r.id FROM bindings b JOIN rooms r ON r.id = b.room_id
      WHERE b.channel_id = @channelId AND (@status IS NULL OR r.status = @status)
        AND (@sharedOnly = 0 OR b.participant_id IS NULL)
      ORDER BY ${ROOM_ORDER} LIMIT @limit`),
    findLatestRoom: p(`
      SELECT r.id FROM rooms r
      WHERE r.id IN (
          SELECT room_id FROM participants WHERE id = @participantId
          UNION SELECT room_id FROM bindings WHERE participant_id = @participantId AND channel_type = @channelType)
        AND (@status IS NULL OR r.status = @status)
      ORDER BY ${ROOM_ORDER_DESC} LIMIT 1`),

    putEvent: p(`
      INSERT INTO events (room_id, idx, id, idempotency_key, type, visibility, json)
      VALUES (@roomId, @idx, @id, @idempotencyKey, @type, @visibility, @json)
      ON CONFLICT (room_id, idx) DO UPDATE SET
        id = excluded.id, idempotency_key = excluded.idempotency_key, type = excluded.type,
        visibility = excluded.visibility, json = excluded.json`),
    // Ids and keys are unique per room in practice; if not, the highest index wins.
    getEvent: p('SELECT json FROM events WHERE room_id = ? AND id = ? ORDER BY idx DESC LIMIT 1'),
    getEventByIndex: p('SELECT json FROM events WHERE room_id = ? AND idx = ?'),
    getEventByIdempotencyKey: p('SELECT json FROM events WHERE room_id = ? AND idempotency_key = ? ORDER BY idx DESC LIMIT 1'),
    listEventsAsc: p(`SELECT json FROM events WHERE ${EVENT_FILTER} ORDER BY idx LIMIT @limit OFFSET @offset`),
    listEventsDesc: p(`SELECT json FROM events WHERE ${EVENT_FILTER} ORDER BY idx DESC LIMIT @limit OFFSET @offset`),
    getEventCount: p('SELECT count(*) AS n FROM events WHERE room_id = ?'),
    clearDeliveryResults: p('DELETE FROM delivery_results WHERE room_id = ? AND idx = ?'),
    clearDeliveryResult: p('DELETE FROM delivery_results WHERE room_id = @roomId AND idx = @idx AND channel_id = @channelId'),
    getDelivery: p('SELECT status, provider_message_id FROM delivery_results WHERE room_id = @roomId AND idx = @idx AND channel_id = @channelId'),
    putDeliveryResult: p(`
      INSERT INTO delivery_results (room_id, idx, channel_id, event_id, status, provider_message_id)
      VALUES (@roomId, @idx, @channelId, @eventId, @status, @providerMessageId)`),
    // The newest row is the most recently written delivery (see migration 2).
    findByProviderMessageId: p(`
      SELECT room_id, event_id, idx, channel_id FROM delivery_results
      WHERE provider_message_id = @providerMessageId AND (@channelId IS NULL OR channel_id = @channelId)
      ORDER BY rowid DESC LIMIT 1`),

    // An upsert keeps the row (and its rowid), so listing by rowid is first-write order.
    putBinding: p(`
      INSERT INTO bindings (room_id, channel_id, participant_id, channel_type, json)
      VALUES (@roomId, @channelId, @participantId, @channelType, @json)
      ON CONFLICT (room_id, channel_id) DO UPDATE SET
        participant_id = excluded.participant_id, channel_type = excluded.channel_type, json = excluded.json`),
    removeBinding: p('DELETE FROM bindings WHERE room_id = ? AND channel_id = ?'),
    getBinding: p('SELECT json FROM bindings WHERE room_id = ? AND channel_id = ?'),
    listBindings: p('SELECT json FROM bindings WHERE room_id = ? ORDER BY rowid'),

    putParticipant: p(`
      INSERT INTO participants (room_id, id, json) VALUES (@roomId, @id, @json)
      ON CONFLICT (room_id, id) DO UPDATE SET json = excluded.json`),
    getParticipant: p('SELECT json FROM participants WHERE room_id = ? AND id = ?'),
    listParticipants: p('SELECT json FROM participants WHERE room_id = ? ORDER BY rowid'),

    putIdentity: p('INSERT INTO identities (id, json) VALUES (@id, @json) ON CONFLICT (id) DO UPDATE SET json = excluded.json'),
    getIdentity: p('SELECT json FROM identities WHERE id = ?'),
    clearAddresses: p('DELETE FROM identity_addresses WHERE identity_id = ?'),
    putAddress: p(`
      INSERT INTO identity_addresses (channel_type, address, organization_id, identity_id)
      VALUES (@channelType, @address, @organizationId, @identityId)
      ON CONFLICT (channel_type, address, organization_id) DO UPDATE SET identity_id = excluded.identity_id`),
    resolveIdentity: p(`
      SELECT i.json FROM identity_addresses a JOIN identities i ON i.id = a.identity_id
      WHERE a.channel_type = @channelType AND a.address = @address AND a.organization_id = @organizationId`),

    putTask: p(`
      INSERT INTO tasks (id, room_id, status, json) VALUES (@id, @roomId, @status, @json)
      ON CONFLICT (id) DO UPDATE SET room_id = excluded.room_id, status = excluded.status, json = excluded.json`),
    listTasks: p('SELECT json FROM tasks WHERE room_id = @roomId AND (@status IS NULL OR status = @status) ORDER BY rowid'),
    putObservation: p(`
      INSERT INTO observations (id, room_id, json) VALUES (@id, @roomId, @json)
      ON CONFLICT (id) DO UPDATE SET room_id = excluded.room_id, json = excluded.json`),
    listObservations: p('SELECT json FROM observations WHERE room_id = ? ORDER BY rowid'),
    setReadMarker: p(`
      INSERT INTO read_markers (room_id, reader_id, event_id, idx) VALUES (@roomId, @readerId, @eventId, @idx)
      ON CONFLICT (room_id, reader_id) DO UPDATE SET event_id = excluded.event_id, idx = excluded.idx
      WHERE excluded.idx > read_markers.idx`),
    listReadMarkers: p('SELECT reader_id, idx FROM read_markers WHERE room_id = ? ORDER BY reader_id'),
    getUnreadCount: p(`
      SELECT count(*) AS n FROM events WHERE room_id = @roomId
        AND idx > coalesce((SELECT idx FROM read_markers WHERE room_id = @roomId AND reader_id = @readerId), -1)`),
  };
}
