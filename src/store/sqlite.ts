/**
 * `ConversationStore` in an embedded SQLite file (better-sqlite3): the timeline and read model
 * survive a worker that dies, and several processes (a worker and a reader) may open one file.
 *
 * Behaves exactly like `InMemoryStore` (the shared contract in tests/contract checks both). Every
 * write is an upsert, so a retried activity is a no-op; reads parse stored JSON, so callers always
 * get their own copies. The file runs in WAL mode (readers never block the writer) with a busy
 * timeout, so a second process waits for a lock instead of failing with SQLITE_BUSY.
 *
 * Listing order: rooms by `createdAt` instant then id (as InMemoryStore); bindings, participants,
 * tasks and observations in first-write order (an upsert keeps its place, as a Map's `set` does).
 */
import Database from 'better-sqlite3';
import type {
  ChannelBinding, DeliveryResult, Identity, Observation, Participant, Room, RoomEvent, RoomStatus, Task, TaskStatus,
} from '../models/index.js';
import { MIGRATIONS, SQLITE_SCHEMA_VERSION } from './sqlite-migrations.js';
import { prepareSQLiteStatements, type SQLiteStatements } from './sqlite-sql.js';
import { checkCount, instant } from './values.js';
import { IdentityNotFoundError } from '../errors.js';
import { addressKey, identityKeys, withAddress } from './identity-index.js';
import type { ConversationStore, DeliveryRecord, ListEventsOptions, ProviderMessageRef } from './conversation-store.js';

export { SQLITE_SCHEMA_VERSION };

export interface SQLiteStoreOptions {
  /** How long a write waits for another connection's lock before failing, in ms. Default 5000. */
  busyTimeoutMs?: number;
}

const DEFAULT_EVENT_LIMIT = 50;
const DEFAULT_ROOM_LIMIT = 100;
/** SQLite's "no limit". */
const NO_LIMIT = -1;


interface JsonRow { json: string }

/**
 * @example
 * const store = new SQLiteStore('./data/roomkit.db');
 * const kit = new RoomKit({ store });
 * // another process (an API server) may open the same file to read the timeline:
 * const reader = new SQLiteStore('./data/roomkit.db');
 */
export class SQLiteStore implements ConversationStore {
  /** True for `':memory:'` (and `''`, SQLite's private temporary file); a named file is shared by every process that opens it. */
  readonly isProcessLocal: boolean;
  readonly filename: string;

  private readonly db: Database.Database;
  private readonly sql: SQLiteStatements;
  private readonly putEventsTx: (events: RoomEvent[]) => void;
  private readonly recordDeliveryTx: (row: Record<string, string | number | null>) => void;

  constructor(filename: string, options: SQLiteStoreOptions = {}) {
    this.filename = filename;
    this.isProcessLocal = filename === ':memory:' || filename === '';
    this.db = new Database(filename, { timeout: options.busyTimeoutMs ?? 5000 });
    try {
      // WAL: one writer and many readers, across processes. ':memory:' stays 'memory'.
      this.db.pragma('journal_mode = WAL');
      // In WAL mode NORMAL survives a crashed process (only an OS crash may lose the last commits).
      this.db.pragma('synchronous = NORMAL');
      migrate(this.db);
      this.sql = prepareSQLiteStatements(this.db);
    } catch (err) {
      this.db.close();
      throw err;
    }
    const { putEvent, clearDeliveryResults, putDeliveryResult, clearDeliveryResult } = this.sql;
    // Delete, then insert: the new rowid makes this the most recently written delivery.
    this.recordDeliveryTx = this.db.transaction((row: Record<string, string | number | null>) => {
      clearDeliveryResult.run(row);
      putDeliveryResult.run(row);
    });
    this.putEventsTx = this.db.transaction((events: RoomEvent[]) => {
      for (const event of events) {
        putEvent.run({
          roomId: event.roomId, idx: event.index, id: event.id, idempotencyKey: event.idempotencyKey ?? null,
          type: event.type, visibility: event.visibility, json: JSON.stringify(event),
        });
        clearDeliveryResults.run(event.roomId, event.index);
        for (const [channelId, result] of Object.entries(event.deliveryResults ?? {})) {
          putDeliveryResult.run({
            roomId: event.roomId, idx: event.index, channelId, eventId: event.id, status: result.status,
            providerMessageId: result.providerMessageId ?? null,
          });
        }
      }
    });
  }

  // Rooms

  async putRoom(room: Room): Promise<void> {
    this.sql.putRoom.run({
      id: room.id, createdAt: room.createdAt, createdMs: instant(room.createdAt), status: room.status, json: JSON.stringify(room),
    });
  }

  async getRoom(roomId: string): Promise<Room | undefined> {
    return parseRow<Room>(this.sql.getRoom.get(roomId));
  }

  /** Oldest room first (then id). */
  async listRooms(options: { offset?: number; limit?: number; status?: RoomStatus } = {}): Promise<Room[]> {
    const offset = checkCount('offset', options.offset ?? 0);
    const limit = checkCount('limit', options.limit ?? DEFAULT_ROOM_LIMIT);
    const rows = options.status === undefined
      ? this.sql.listRooms.all({ limit, offset })
      : this.sql.listRoomsByStatus.all({ status: options.status, limit, offset });
    return parseRows<Room>(rows);
  }

  /** Only rooms with a stored room record are returned: ordering needs `createdAt`. No default limit. */
  async findRoomIdsByChannel(channelId: string, options: { status?: RoomStatus; limit?: number; sharedOnly?: boolean } = {}): Promise<string[]> {
    const limit = options.limit === undefined ? NO_LIMIT : checkCount('limit', options.limit);
    const rows = this.sql.findRoomIdsByChannel.all({
      channelId, status: options.status ?? null, limit, sharedOnly: options.sharedOnly ? 1 : 0,
    }) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /**
   * The newest room (by `createdAt`, then the greater id) in which `participantId` is a participant
   * on any channel, or is the `participantId` of a binding of type `channelType`.
   */
  async findLatestRoom(participantId: string, channelType: string, status?: RoomStatus): Promise<string | undefined> {
    const row = this.sql.findLatestRoom.get({ participantId, channelType, status: status ?? null }) as { id: string } | undefined;
    return row?.id;
  }

  // Events

  /** Insert or replace by (roomId, index), all in one transaction. */
  async putEvents(events: RoomEvent[]): Promise<void> {
    this.putEventsTx(events);
  }

  async getEvent(roomId: string, eventId: string): Promise<RoomEvent | undefined> {
    return parseRow<RoomEvent>(this.sql.getEvent.get(roomId, eventId));
  }

  async getEventByIndex(roomId: string, index: number): Promise<RoomEvent | undefined> {
    return parseRow<RoomEvent>(this.sql.getEventByIndex.get(roomId, index));
  }

  async getEventByIdempotencyKey(roomId: string, key: string): Promise<RoomEvent | undefined> {
    return parseRow<RoomEvent>(this.sql.getEventByIdempotencyKey.get(roomId, key));
  }

  /**
   * Ascending by index. Filters and cursors (exclusive) narrow the set first; then `offset` (ignored
   * with a cursor) and `limit` (default 50) page it from the oldest end, or from the newest end with
   * `newestFirst` — the page is still returned oldest first.
   */
  async listEvents(roomId: string, options: ListEventsOptions = {}): Promise<RoomEvent[]> {
    const limit = checkCount('limit', options.limit ?? DEFAULT_EVENT_LIMIT);
    const hasCursor = options.afterIndex !== undefined || options.beforeIndex !== undefined;
    const offset = hasCursor ? 0 : checkCount('offset', options.offset ?? 0);
    if (limit === 0) return [];
    const params = {
      roomId,
      after: options.afterIndex ?? -Number.MAX_VALUE,
      before: options.beforeIndex ?? Number.MAX_VALUE,
      types: options.eventTypes ? JSON.stringify(options.eventTypes) : null,
      visibility: options.visibility ?? null,
      limit,
      offset,
    };
    if (!options.newestFirst) return parseRows<RoomEvent>(this.sql.listEventsAsc.all(params));
    return parseRows<RoomEvent>(this.sql.listEventsDesc.all(params)).reverse();
  }

  async getEventCount(roomId: string): Promise<number> {
    return (this.sql.getEventCount.get(roomId) as { n: number }).n;
  }

  async recordDelivery(delivery: DeliveryRecord): Promise<void> {
    const { roomId, eventId, index, channelId, result } = delivery;
    this.recordDeliveryTx({ roomId, idx: index, channelId, eventId, status: result.status, providerMessageId: result.providerMessageId ?? null });
  }

  async getDelivery(roomId: string, index: number, channelId: string): Promise<DeliveryResult | undefined> {
    const row = this.sql.getDelivery.get({ roomId, idx: index, channelId }) as
      { status: DeliveryResult['status']; provider_message_id: string | null } | undefined;
    return row && { channelId, status: row.status, ...(row.provider_message_id !== null && { providerMessageId: row.provider_message_id }) };
  }

  async findEventByProviderMessageId(providerMessageId: string, channelId?: string): Promise<ProviderMessageRef | undefined> {
    const row = this.sql.findByProviderMessageId.get({ providerMessageId, channelId: channelId ?? null }) as
      { room_id: string; event_id: string; idx: number; channel_id: string } | undefined;
    return row && { roomId: row.room_id, eventId: row.event_id, index: row.idx, channelId: row.channel_id };
  }

  // Bindings

  async putBinding(binding: ChannelBinding): Promise<void> {
    this.sql.putBinding.run({
      roomId: binding.roomId, channelId: binding.channelId, participantId: binding.participantId ?? null,
      channelType: binding.channelType, json: JSON.stringify(binding),
    });
  }

  async removeBinding(roomId: string, channelId: string): Promise<boolean> {
    return this.sql.removeBinding.run(roomId, channelId).changes > 0;
  }

  async getBinding(roomId: string, channelId: string): Promise<ChannelBinding | undefined> {
    return parseRow<ChannelBinding>(this.sql.getBinding.get(roomId, channelId));
  }

  async listBindings(roomId: string): Promise<ChannelBinding[]> {
    return parseRows<ChannelBinding>(this.sql.listBindings.all(roomId));
  }

  // Participants

  async putParticipant(participant: Participant): Promise<void> {
    this.sql.putParticipant.run({ roomId: participant.roomId, id: participant.id, json: JSON.stringify(participant) });
  }

  async getParticipant(roomId: string, participantId: string): Promise<Participant | undefined> {
    return parseRow<Participant>(this.sql.getParticipant.get(roomId, participantId));
  }

  async listParticipants(roomId: string): Promise<Participant[]> {
    return parseRows<Participant>(this.sql.listParticipants.all(roomId));
  }

  // Identities

  async createIdentity(identity: Identity): Promise<Identity> {
    this.db.transaction(() => {
      this.sql.clearAddresses.run(identity.id);
      this.sql.putIdentity.run({ id: identity.id, json: JSON.stringify(identity) });
      for (const key of identityKeys(identity)) this.sql.putAddress.run({ ...key, identityId: identity.id });
    }).immediate();
    return identity;
  }

  async getIdentity(identityId: string): Promise<Identity | undefined> {
    return parseRow<Identity>(this.sql.getIdentity.get(identityId));
  }

  async resolveIdentity(channelType: string, address: string, organizationId?: string): Promise<Identity | undefined> {
    return parseRow<Identity>(this.sql.resolveIdentity.get(addressKey(channelType, address, organizationId)));
  }

  async linkAddress(identityId: string, channelType: string, address: string, organizationId?: string): Promise<Identity> {
    return this.db.transaction(() => {
      const existing = parseRow<Identity>(this.sql.getIdentity.get(identityId));
      if (!existing) throw new IdentityNotFoundError(identityId);
      const updated = withAddress(existing, channelType, address);
      this.sql.putIdentity.run({ id: identityId, json: JSON.stringify(updated) });
      this.sql.putAddress.run({ ...addressKey(channelType, address, organizationId ?? existing.organizationId), identityId });
      return updated;
    }).immediate();
  }

  // Tasks and observations: upserts by id, listed in first-write order.

  async putTask(task: Task): Promise<void> {
    this.sql.putTask.run({ id: task.id, roomId: task.roomId, status: task.status, json: JSON.stringify(task) });
  }

  async listTasks(roomId: string, status?: TaskStatus): Promise<Task[]> {
    return parseRows<Task>(this.sql.listTasks.all({ roomId, status: status ?? null }));
  }

  async putObservation(observation: Observation): Promise<void> {
    this.sql.putObservation.run({ id: observation.id, roomId: observation.roomId, json: JSON.stringify(observation) });
  }

  async listObservations(roomId: string): Promise<Observation[]> {
    return parseRows<Observation>(this.sql.listObservations.all(roomId));
  }

  async setReadMarker(roomId: string, readerId: string, eventId: string, index: number): Promise<void> {
    this.sql.setReadMarker.run({ roomId, readerId, eventId, idx: index });
  }

  async listReadMarkers(roomId: string): Promise<Record<string, number>> {
    const rows = this.sql.listReadMarkers.all(roomId) as { reader_id: string; idx: number }[];
    return Object.fromEntries(rows.map((r) => [r.reader_id, r.idx]));
  }

  async getUnreadCount(roomId: string, readerId: string): Promise<number> {
    return (this.sql.getUnreadCount.get({ roomId, readerId }) as { n: number }).n;
  }

  /** Closes the database (checkpointing the WAL when this is its last connection). Safe to call twice. */
  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Bring the file to `SQLITE_SCHEMA_VERSION`; concurrent openers serialize on the immediate lock. */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(
        `SQLite store schema version ${version} is newer than this code's ${MIGRATIONS.length}: upgrade RoomKit to open ${db.name}`,
      );
    }
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]);
    if (version !== MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

/** Milliseconds since the epoch, or null when the timestamp does not parse (then its text orders it). */
function parseRow<T>(row: unknown): T | undefined {
  return row === undefined ? undefined : (JSON.parse((row as JsonRow).json) as T);
}

function parseRows<T>(rows: unknown[]): T[] {
  return rows.map((row) => JSON.parse((row as JsonRow).json) as T);
}
