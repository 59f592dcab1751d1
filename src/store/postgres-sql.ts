/**
 * The statements of `PostgresStore`, with every table qualified by the store's schema (no
 * `search_path` needed at run time, so they also work through a transaction-pooling proxy).
 * Parameters are positional; documents travel as JSON text cast to jsonb.
 */

export type PostgresStatements = ReturnType<typeof postgresStatements>;

/** `schema` is already a quoted identifier. */
export function postgresStatements(schema: string) {
  const t = (table: string): string => `${schema}.${table}`;
  /** Oldest first: the instant, then (only for unparseable timestamps) the text, then the id. */
  const roomOrder = 'r.created_ms NULLS FIRST, CASE WHEN r.created_ms IS NULL THEN r.created_at END, r.id';
  const roomOrderDesc = 'r.created_ms DESC NULLS LAST, CASE WHEN r.created_ms IS NULL THEN r.created_at END DESC, r.id DESC';
  /** $1 room, $2 after, $3 before (exclusive; always set, so the (room_id, idx) key serves a range scan), $4 types, $5 visibility. */
  const eventFilter = `
    room_id = $1 AND idx > $2 AND idx < $3
    AND ($4::text[] IS NULL OR type = ANY ($4::text[]))
    AND ($5::text IS NULL OR visibility = $5)`;
  /** $1: a JSON array of events, at most one per (roomId, index). */
  const batch = 'jsonb_array_elements($1::jsonb) WITH ORDINALITY AS b(e, n)';

  return {
    putRoom: `
      INSERT INTO ${t('rooms')} (id, created_at, created_ms, status, doc) VALUES ($1, $2, $3, $4, $5::jsonb)
      ON CONFLICT (id) DO UPDATE SET
        created_at = excluded.created_at, created_ms = excluded.created_ms, status = excluded.status, doc = excluded.doc`,
    getRoom: `SELECT doc FROM ${t('rooms')} WHERE id = $1`,
    listRooms: `
      SELECT doc FROM ${t('rooms')} r WHERE ($1::text IS NULL OR r.status = $1)
      ORDER BY ${roomOrder} LIMIT $2 OFFSET $3`,
    // Both lookups start from the binding/participant indexes, not from every room (inbound routing).
    // A room has at most one binding per channel, so the join yields each room once. LIMIT NULL is no limit.
    findRoomIdsByChannel: `
      SELECT r.id FROM ${t('bindings')} b JOIN ${t('rooms')} r ON r.id = b.room_id
      WHERE b.channel_id = $1 AND ($2::text IS NULL OR r.status = $2)
        AND (NOT $3::boolean OR b.participant_id IS NULL)
      ORDER BY ${roomOrder} LIMIT $4`,
    findLatestRoom: `
      SELECT r.id FROM ${t('rooms')} r
      WHERE r.id IN (
          SELECT room_id FROM ${t('participants')} WHERE id = $1
          UNION SELECT room_id FROM ${t('bindings')} WHERE participant_id = $1 AND channel_type = $2)
        AND ($3::text IS NULL OR r.status = $3)
      ORDER BY ${roomOrderDesc} LIMIT 1`,

    // Rewriting an event clears the delivery results of its (room, index) in the same statement;
    // putDeliveryResults (same transaction) writes the new ones, so their seq is write order.
    putEvents: `
      WITH cleared AS (
        DELETE FROM ${t('delivery_results')} d USING ${batch}
        WHERE d.room_id = e->>'roomId' AND d.idx = (e->>'index')::bigint
      )
      INSERT INTO ${t('events')} (room_id, idx, id, idempotency_key, type, visibility, doc)
      SELECT e->>'roomId', (e->>'index')::bigint, e->>'id', e->>'idempotencyKey', e->>'type', e->>'visibility', e
      FROM ${batch} ORDER BY n
      ON CONFLICT (room_id, idx) DO UPDATE SET
        id = excluded.id, idempotency_key = excluded.idempotency_key, type = excluded.type,
        visibility = excluded.visibility, doc = excluded.doc`,
    putDeliveryResults: `
      INSERT INTO ${t('delivery_results')} (room_id, idx, channel_id, event_id, status, provider_message_id, result)
      SELECT e->>'roomId', (e->>'index')::bigint, r.key, e->>'id', r.value->>'status', r.value->>'providerMessageId', r.value
      FROM ${batch} CROSS JOIN LATERAL jsonb_each(coalesce(e->'deliveryResults', '{}'::jsonb)) AS r
      ORDER BY n`,
    // One statement: an upsert whose fresh seq makes it the most recently written delivery.
    recordDelivery: `
      INSERT INTO ${t('delivery_results')} (room_id, idx, channel_id, event_id, status, provider_message_id, result)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (room_id, idx, channel_id) DO UPDATE SET
        event_id = excluded.event_id, status = excluded.status, provider_message_id = excluded.provider_message_id,
        result = excluded.result, seq = DEFAULT`,
    getDelivery: `SELECT result FROM ${t('delivery_results')} WHERE room_id = $1 AND idx = $2 AND channel_id = $3`,
    // The newest row is the most recently written delivery.
    findByProviderMessageId: `
      SELECT room_id, event_id, idx, channel_id FROM ${t('delivery_results')}
      WHERE provider_message_id = $1 AND ($2::text IS NULL OR channel_id = $2)
      ORDER BY seq DESC LIMIT 1`,
    // Ids and keys are unique per room in practice; if not, the highest index wins.
    getEvent: `SELECT doc FROM ${t('events')} WHERE room_id = $1 AND id = $2 ORDER BY idx DESC LIMIT 1`,
    getEventByIndex: `SELECT doc FROM ${t('events')} WHERE room_id = $1 AND idx = $2`,
    getEventByIdempotencyKey: `
      SELECT doc FROM ${t('events')} WHERE room_id = $1 AND idempotency_key = $2 ORDER BY idx DESC LIMIT 1`,
    listEventsAsc: `SELECT doc FROM ${t('events')} WHERE ${eventFilter} ORDER BY idx LIMIT $6 OFFSET $7`,
    listEventsDesc: `SELECT doc FROM ${t('events')} WHERE ${eventFilter} ORDER BY idx DESC LIMIT $6 OFFSET $7`,
    getEventCount: `SELECT count(*) AS n FROM ${t('events')} WHERE room_id = $1`,

    putBinding: `
      INSERT INTO ${t('bindings')} (room_id, channel_id, participant_id, channel_type, doc) VALUES ($1, $2, $3, $4, $5::jsonb)
      ON CONFLICT (room_id, channel_id) DO UPDATE SET
        participant_id = excluded.participant_id, channel_type = excluded.channel_type, doc = excluded.doc`,
    removeBinding: `DELETE FROM ${t('bindings')} WHERE room_id = $1 AND channel_id = $2`,
    getBinding: `SELECT doc FROM ${t('bindings')} WHERE room_id = $1 AND channel_id = $2`,
    listBindings: `SELECT doc FROM ${t('bindings')} WHERE room_id = $1 ORDER BY seq`,

    putParticipant: `
      INSERT INTO ${t('participants')} (room_id, id, doc) VALUES ($1, $2, $3::jsonb)
      ON CONFLICT (room_id, id) DO UPDATE SET doc = excluded.doc`,
    getParticipant: `SELECT doc FROM ${t('participants')} WHERE room_id = $1 AND id = $2`,
    listParticipants: `SELECT doc FROM ${t('participants')} WHERE room_id = $1 ORDER BY seq`,

    putIdentity: `
      INSERT INTO ${t('identities')} (id, doc) VALUES ($1, $2::jsonb) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`,
    getIdentity: `SELECT doc FROM ${t('identities')} WHERE id = $1`,
    lockIdentity: `SELECT doc FROM ${t('identities')} WHERE id = $1 FOR UPDATE`,
    clearAddresses: `DELETE FROM ${t('identity_addresses')} WHERE identity_id = $1`,
    putAddress: `
      INSERT INTO ${t('identity_addresses')} (channel_type, address, organization_id, identity_id) VALUES ($1, $2, $3, $4)
      ON CONFLICT (channel_type, address, organization_id) DO UPDATE SET identity_id = excluded.identity_id`,
    resolveIdentity: `
      SELECT i.doc FROM ${t('identity_addresses')} a JOIN ${t('identities')} i ON i.id = a.identity_id
      WHERE a.channel_type = $1 AND a.address = $2 AND a.organization_id = $3`,

    putTask: `
      INSERT INTO ${t('tasks')} (id, room_id, status, doc) VALUES ($1, $2, $3, $4::jsonb)
      ON CONFLICT (id) DO UPDATE SET room_id = excluded.room_id, status = excluded.status, doc = excluded.doc`,
    listTasks: `SELECT doc FROM ${t('tasks')} WHERE room_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY seq`,
    putObservation: `
      INSERT INTO ${t('observations')} (id, room_id, doc) VALUES ($1, $2, $3::jsonb)
      ON CONFLICT (id) DO UPDATE SET room_id = excluded.room_id, doc = excluded.doc`,
    listObservations: `SELECT doc FROM ${t('observations')} WHERE room_id = $1 ORDER BY seq`,

    setReadMarker: `
      INSERT INTO ${t('read_markers')} AS m (room_id, reader_id, event_id, idx) VALUES ($1, $2, $3, $4)
      ON CONFLICT (room_id, reader_id) DO UPDATE SET event_id = excluded.event_id, idx = excluded.idx, updated_at = now()
      WHERE excluded.idx > m.idx`,
    listReadMarkers: `SELECT reader_id, idx FROM ${t('read_markers')} WHERE room_id = $1 ORDER BY reader_id`,
    getUnreadCount: `
      SELECT count(*) AS n FROM ${t('events')} WHERE room_id = $1
        AND idx > coalesce((SELECT idx FROM ${t('read_markers')} WHERE room_id = $1 AND reader_id = $2), -1)`,
  };
}
