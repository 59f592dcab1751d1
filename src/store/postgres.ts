/**
 * `ConversationStore` in PostgreSQL: the store of every multi-process deployment (ARCHITECTURE.md §7).
 * Workers and readers on any machine share one timeline.
 *
 * Behaves exactly like `InMemoryStore` (the shared contract in tests/contract checks all stores).
 * Every write is an upsert, so a retried activity is a no-op. `open` connects and migrates, so a
 * server that cannot be reached fails there, with a `StoreUnavailableError`; later, a query that
 * loses its connection rejects (the activity retries it) and the pool reconnects on the next one.
 *
 * Listing order: rooms by `createdAt` instant then id (as InMemoryStore); bindings, participants,
 * tasks and observations in first-write order (the `seq` column, kept by an upsert).
 */
import pg from 'pg';
import type {
  ChannelBinding, DeliveryResult, Identity, Observation, Participant, Room, RoomEvent, RoomStatus, Task, TaskStatus,
} from '../models/index.js';
import type { ConversationStore, DeliveryRecord, ListEventsOptions, ProviderMessageRef } from './conversation-store.js';
import { migrate, quoteIdent } from './postgres-migrations.js';
import { postgresStatements, type PostgresStatements } from './postgres-sql.js';
import { isConnectionFault, locate, toJsonb, unavailable, type Location } from './postgres-wire.js';
import { checkCount, instant } from './values.js';
import { IdentityNotFoundError } from '../errors.js';
import { addressKey, identityKeys, withAddress } from './identity-index.js';

export interface PostgresStoreOptions {
  /** Schema that holds the tables, created if missing. Default `public`. Lowercase letters, digits and `_`. */
  schema?: string;
  /** Most connections the pool holds. Default 10. */
  maxConnections?: number;
  /** How long opening one connection may take, in ms. Default 10000. */
  connectTimeoutMs?: number;
  /**
   * Errors of idle pooled connections (the server restarted, a proxy dropped them). The pool drops
   * such a connection either way; without a listener these would crash the process. Default: ignored.
   */
  onIdleError?: (error: Error) => void;
}

const DEFAULT_EVENT_LIMIT = 50;
const DEFAULT_ROOM_LIMIT = 100;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * @example
 * const store = await PostgresStore.open('postgres://roomkit@db.internal/roomkit');
 * const kit = new RoomKit({ store });
 * // …
 * await store.close();
 */
export class PostgresStore implements ConversationStore {
  readonly isProcessLocal = false;

  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    /** The schema holding this store's tables. */
    readonly schema: string,
    private readonly sql: PostgresStatements,
    private readonly where: Location,
  ) {}

  /**
   * Connects, creates the schema if missing and applies pending migrations (several processes may
   * open at once: they serialize on an advisory lock).
   * @throws StoreUnavailableError when the server cannot be reached or refuses the connection.
   */
  static async open(connectionString: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(schema)) {
      throw new RangeError(`schema must be 1–63 lowercase letters, digits or _ (not starting with a digit), got "${schema}"`);
    }
    const where = locate(connectionString);
    const pool = new pg.Pool({
      connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      application_name: 'roomkit',
    });
    const onIdleError = options.onIdleError ?? (() => {});
    pool.on('error', (error) => onIdleError(error));
    try {
      await migrate(pool, schema, where);
    } catch (error) {
      await pool.end().catch(() => {});
      throw error;
    }
    return new PostgresStore(pool, schema, postgresStatements(quoteIdent(schema)), where);
  }

  // Rooms

  async putRoom(room: Room): Promise<void> {
    await this.query(this.sql.putRoom, [room.id, room.createdAt, instant(room.createdAt), room.status, toJsonb(room)]);
  }

  async getRoom(roomId: string): Promise<Room | undefined> {
    return (await this.docs<Room>(this.sql.getRoom, [roomId]))[0];
  }

  /** Oldest room first (then id). */
  async listRooms(options: { offset?: number; limit?: number; status?: RoomStatus } = {}): Promise<Room[]> {
    const offset = checkCount('offset', options.offset ?? 0);
    const limit = checkCount('limit', options.limit ?? DEFAULT_ROOM_LIMIT);
    return this.docs<Room>(this.sql.listRooms, [options.status ?? null, limit, offset]);
  }

  /** Only rooms with a stored room record are returned: ordering needs `createdAt`. No default limit. */
  async findRoomIdsByChannel(channelId: string, options: { status?: RoomStatus; limit?: number; sharedOnly?: boolean } = {}): Promise<string[]> {
    const limit = options.limit === undefined ? null : checkCount('limit', options.limit);
    const rows = await this.query<{ id: string }>(this.sql.findRoomIdsByChannel, [
      channelId, options.status ?? null, options.sharedOnly ?? false, limit,
    ]);
    return rows.map((r) => r.id);
  }

  /**
   * The newest room (by `createdAt`, then the greater id) in which `participantId` is a participant
   * on any channel, or is the `participantId` of a binding of type `channelType`.
   */
  async findLatestRoom(participantId: string, channelType: string, status?: RoomStatus): Promise<string | undefined> {
    const rows = await this.query<{ id: string }>(this.sql.findLatestRoom, [participantId, channelType, status ?? null]);
    return rows[0]?.id;
  }

  // Events

  /**
   * Insert or replace by (roomId, index), with their delivery results, all in one transaction. In a
   * batch naming one (roomId, index) twice, the later event wins (as writing them one by one would).
   */
  async putEvents(events: RoomEvent[]): Promise<void> {
    if (events.length === 0) return;
    const latest = new Map<string, RoomEvent>();
    for (const event of events) latest.set(`${event.roomId}\u0000${event.index}`, event);
    const batch = toJsonb([...latest.values()]);
    const hasResults = [...latest.values()].some((e) => Object.keys(e.deliveryResults ?? {}).length > 0);
    // One statement is atomic on its own: a transaction is only needed to add delivery results.
    if (!hasResults) {
      await this.query(this.sql.putEvents, [batch]);
      return;
    }
    await this.transaction(async (client) => {
      await client.query(this.sql.putEvents, [batch]);
      await client.query(this.sql.putDeliveryResults, [batch]);
    });
  }

  async getEvent(roomId: string, eventId: string): Promise<RoomEvent | undefined> {
    return (await this.docs<RoomEvent>(this.sql.getEvent, [roomId, eventId]))[0];
  }

  async getEventByIndex(roomId: string, index: number): Promise<RoomEvent | undefined> {
    if (!Number.isSafeInteger(index)) return undefined;
    return (await this.docs<RoomEvent>(this.sql.getEventByIndex, [roomId, index]))[0];
  }

  async getEventByIdempotencyKey(roomId: string, key: string): Promise<RoomEvent | undefined> {
    return (await this.docs<RoomEvent>(this.sql.getEventByIdempotencyKey, [roomId, key]))[0];
  }

  /**
   * Ascending by index. Filters and cursors (exclusive) narrow the set first; then `offset` (ignored
   * with a cursor) and `limit` (default 50) page it from the oldest end, or from the newest end with
   * `newestFirst` — the page is still returned oldest first. Cursors are a range on the
   * (room_id, idx) key (keyset paging): a page costs the same at index 10 and at index 10 million.
   */
  async listEvents(roomId: string, options: ListEventsOptions = {}): Promise<RoomEvent[]> {
    const limit = checkCount('limit', options.limit ?? DEFAULT_EVENT_LIMIT);
    const hasCursor = options.afterIndex !== undefined || options.beforeIndex !== undefined;
    const offset = hasCursor ? 0 : checkCount('offset', options.offset ?? 0);
    if (limit === 0 || Number.isNaN(options.afterIndex) || Number.isNaN(options.beforeIndex)) return [];
    // Indexes are integers: idx > 2.5 is idx > 2, idx < 2.5 is idx < 3. Absent cursors are the whole range.
    const after = clampIndex(Math.floor(options.afterIndex ?? -1));
    const before = clampIndex(Math.ceil(options.beforeIndex ?? Number.MAX_SAFE_INTEGER));
    const params = [roomId, after, before, options.eventTypes ?? null, options.visibility ?? null, limit, offset];
    if (!options.newestFirst) return this.docs<RoomEvent>(this.sql.listEventsAsc, params);
    return (await this.docs<RoomEvent>(this.sql.listEventsDesc, params)).reverse();
  }

  async getEventCount(roomId: string): Promise<number> {
    const rows = await this.query<{ n: string }>(this.sql.getEventCount, [roomId]);
    return Number(rows[0].n);
  }

  async recordDelivery(delivery: DeliveryRecord): Promise<void> {
    const { roomId, eventId, index, channelId, result } = delivery;
    await this.query(this.sql.recordDelivery, [roomId, index, channelId, eventId, result.status, result.providerMessageId ?? null, toJsonb(result)]);
  }

  async getDelivery(roomId: string, index: number, channelId: string): Promise<DeliveryResult | undefined> {
    if (!Number.isSafeInteger(index)) return undefined;
    return (await this.query<{ result: DeliveryResult }>(this.sql.getDelivery, [roomId, index, channelId]))[0]?.result;
  }

  async findEventByProviderMessageId(providerMessageId: string, channelId?: string): Promise<ProviderMessageRef | undefined> {
    const rows = await this.query<{ room_id: string; event_id: string; idx: string; channel_id: string }>(
      this.sql.findByProviderMessageId, [providerMessageId, channelId ?? null],
    );
    const row = rows[0];
    return row && { roomId: row.room_id, eventId: row.event_id, index: Number(row.idx), channelId: row.channel_id };
  }

  // Bindings

  async putBinding(binding: ChannelBinding): Promise<void> {
    await this.query(this.sql.putBinding, [
      binding.roomId, binding.channelId, binding.participantId ?? null, binding.channelType, toJsonb(binding),
    ]);
  }

  async removeBinding(roomId: string, channelId: string): Promise<boolean> {
    let result: pg.QueryResult;
    try {
      result = await this.pool.query(this.sql.removeBinding, [roomId, channelId]);
    } catch (error) {
      throw this.classify(error);
    }
    return (result.rowCount ?? 0) > 0;
  }

  async getBinding(roomId: string, channelId: string): Promise<ChannelBinding | undefined> {
    return (await this.docs<ChannelBinding>(this.sql.getBinding, [roomId, channelId]))[0];
  }

  async listBindings(roomId: string): Promise<ChannelBinding[]> {
    return this.docs<ChannelBinding>(this.sql.listBindings, [roomId]);
  }

  // Participants

  async putParticipant(participant: Participant): Promise<void> {
    await this.query(this.sql.putParticipant, [participant.roomId, participant.id, toJsonb(participant)]);
  }

  async getParticipant(roomId: string, participantId: string): Promise<Participant | undefined> {
    return (await this.docs<Participant>(this.sql.getParticipant, [roomId, participantId]))[0];
  }

  async listParticipants(roomId: string): Promise<Participant[]> {
    return this.docs<Participant>(this.sql.listParticipants, [roomId]);
  }

  // Identities

  async createIdentity(identity: Identity): Promise<Identity> {
    await this.transaction(async (client) => {
      await client.query(this.sql.clearAddresses, [identity.id]);
      await client.query(this.sql.putIdentity, [identity.id, toJsonb(identity)]);
      for (const k of identityKeys(identity)) await client.query(this.sql.putAddress, [k.channelType, k.address, k.organizationId, identity.id]);
    });
    return identity;
  }

  async getIdentity(identityId: string): Promise<Identity | undefined> {
    return (await this.docs<Identity>(this.sql.getIdentity, [identityId]))[0];
  }

  async resolveIdentity(channelType: string, address: string, organizationId?: string): Promise<Identity | undefined> {
    const k = addressKey(channelType, address, organizationId);
    return (await this.docs<Identity>(this.sql.resolveIdentity, [k.channelType, k.address, k.organizationId]))[0];
  }

  async linkAddress(identityId: string, channelType: string, address: string, organizationId?: string): Promise<Identity> {
    let updated: Identity | undefined;
    await this.transaction(async (client) => {
      const existing = (await client.query<{ doc: Identity }>(this.sql.lockIdentity, [identityId])).rows[0]?.doc;
      if (!existing) throw new IdentityNotFoundError(identityId);
      updated = withAddress(existing, channelType, address);
      const k = addressKey(channelType, address, organizationId ?? existing.organizationId);
      await client.query(this.sql.putIdentity, [identityId, toJsonb(updated)]);
      await client.query(this.sql.putAddress, [k.channelType, k.address, k.organizationId, identityId]);
    });
    return updated as Identity;
  }

  // Tasks and observations: upserts by id, listed in first-write order.

  async putTask(task: Task): Promise<void> {
    await this.query(this.sql.putTask, [task.id, task.roomId, task.status, toJsonb(task)]);
  }

  async listTasks(roomId: string, status?: TaskStatus): Promise<Task[]> {
    return this.docs<Task>(this.sql.listTasks, [roomId, status ?? null]);
  }

  async putObservation(observation: Observation): Promise<void> {
    await this.query(this.sql.putObservation, [observation.id, observation.roomId, toJsonb(observation)]);
  }

  async listObservations(roomId: string): Promise<Observation[]> {
    return this.docs<Observation>(this.sql.listObservations, [roomId]);
  }

  async setReadMarker(roomId: string, readerId: string, eventId: string, index: number): Promise<void> {
    await this.query(this.sql.setReadMarker, [roomId, readerId, eventId, index]);
  }

  async listReadMarkers(roomId: string): Promise<Record<string, number>> {
    const rows = await this.query<{ reader_id: string; idx: string }>(this.sql.listReadMarkers, [roomId]);
    return Object.fromEntries(rows.map((r) => [r.reader_id, Number(r.idx)]));
  }

  async getUnreadCount(roomId: string, readerId: string): Promise<number> {
    return Number((await this.query<{ n: string }>(this.sql.getUnreadCount, [roomId, readerId]))[0].n);
  }

  /** Ends the pool (waiting for queries in flight). Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query<R>(text, values)).rows;
    } catch (error) {
      throw this.classify(error);
    }
  }

  /**
   * A lost or refused connection becomes a StoreUnavailableError (the HTTP edge answers 503, and
   * activities retry it); anything else (a constraint, a bug) is thrown as it came.
   */
  private classify(error: unknown): unknown {
    return isConnectionFault(error) ? unavailable(this.where, error) : error;
  }

  /** The `doc` column of each row: pg parses jsonb, so every read is the caller's own copy. */
  private async docs<T>(text: string, values: unknown[]): Promise<T[]> {
    return (await this.query<{ doc: T }>(text, values)).map((r) => r.doc);
  }

  private async transaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw this.classify(error);
    });
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      // A connection that cannot even roll back is broken: release(error) discards it.
      const broken = await client.query('ROLLBACK').then(() => undefined, (e: unknown) => e as Error);
      client.release(broken ?? undefined);
      throw this.classify(error);
    }
    client.release();
  }
}

/** Into bigint range: indexes are non-negative, so -1 and MAX_SAFE_INTEGER bound every cursor. */
function clampIndex(value: number): number {
  return Math.min(Math.max(value, -1), Number.MAX_SAFE_INTEGER);
}
