/**
 * `ConversationStore` kept in this process's memory: the default for development and tests.
 *
 * Every write copies in and every read copies out (`structuredClone`), so a caller mutating what it
 * passed or got back never changes what is stored (RoomKit 0.28 returned shared objects).
 */
import type {
  ChannelBinding, DeliveryResult, Identity, Observation, Participant, Room, RoomEvent, RoomStatus, Task, TaskStatus,
} from '../models/index.js';
import { IdentityNotFoundError } from '../errors.js';
import { addressKey, identityKeys, withAddress, type AddressKey } from './identity-index.js';
import { checkCount } from './values.js';
import type { ConversationStore, DeliveryRecord, ListEventsOptions, ProviderMessageRef } from './conversation-store.js';

/** One room's timeline: events by index, plus the lookups that must follow replacements. */
interface Timeline {
  byIndex: Map<number, RoomEvent>;
  indexById: Map<string, number>;
  indexByKey: Map<string, number>;
}

const DEFAULT_EVENT_LIMIT = 50;
const DEFAULT_ROOM_LIMIT = 100;

/**
 * @example
 * const store = new InMemoryStore();
 * await store.putEvents([event]);
 * const latest = await store.listEvents('room-1', { limit: 20, newestFirst: true });
 */
export class InMemoryStore implements ConversationStore {
  readonly isProcessLocal = true;

  private readonly rooms = new Map<string, Room>();
  private readonly timelines = new Map<string, Timeline>();
  /** roomId → channelId → binding (insertion order kept). */
  private readonly bindings = new Map<string, Map<string, ChannelBinding>>();
  /** roomId → participantId → participant. */
  private readonly participants = new Map<string, Map<string, Participant>>();
  private readonly identities = new Map<string, Identity>();
  /** `keyOf(address key)` → identity id. */
  private readonly addresses = new Map<string, string>();
  private readonly tasks = new Map<string, Task>();
  private readonly observations = new Map<string, Observation>();
  /** roomId → readerId → index. */
  private readonly readMarkers = new Map<string, Map<string, number>>();
  /**
   * providerMessageId → `roomId␀index␀channelId` → where it leads. Insertion order is write order
   * (a rewrite deletes, then sets), so the last matching entry is the most recently written.
   */
  private readonly deliveries = new Map<string, Map<string, ProviderMessageRef>>();
  /**
   * Like the SQL stores' delivery_results table: (room, index) → channel → the delivery recorded
   * there. Rewriting an event replaces all of its (room, index)'s rows.
   */
  private readonly targets = new Map<string, Map<string, DeliveryRow>>();

  // Rooms

  async putRoom(room: Room): Promise<void> {
    this.rooms.set(room.id, copy(room));
  }

  async getRoom(roomId: string): Promise<Room | undefined> {
    return copyOrUndefined(this.rooms.get(roomId));
  }

  /** Oldest room first (then id). */
  async listRooms(options: { offset?: number; limit?: number; status?: RoomStatus } = {}): Promise<Room[]> {
    const offset = checkCount('offset', options.offset ?? 0);
    const limit = checkCount('limit', options.limit ?? DEFAULT_ROOM_LIMIT);
    return [...this.rooms.values()]
      .filter((r) => options.status === undefined || r.status === options.status)
      .sort(oldestFirst)
      .slice(offset, offset + limit)
      .map(copy);
  }

  /** Only rooms with a stored room record are returned: ordering needs `createdAt`. No default limit. */
  async findRoomIdsByChannel(channelId: string, options: { status?: RoomStatus; limit?: number; sharedOnly?: boolean } = {}): Promise<string[]> {
    const limit = options.limit === undefined ? Infinity : checkCount('limit', options.limit);
    const rooms: Room[] = [];
    for (const [roomId, byChannel] of this.bindings) {
      const binding = byChannel.get(channelId);
      if (!binding || (options.sharedOnly && binding.participantId !== undefined)) continue;
      const room = this.rooms.get(roomId);
      if (room && (options.status === undefined || room.status === options.status)) rooms.push(room);
    }
    return rooms.sort(oldestFirst).slice(0, limit).map((r) => r.id);
  }

  /**
   * The newest room (by `createdAt`, then the greater id) in which `participantId` is a participant
   * on any channel, or is the `participantId` of a binding of type `channelType`.
   */
  async findLatestRoom(participantId: string, channelType: string, status?: RoomStatus): Promise<string | undefined> {
    let latest: Room | undefined;
    for (const room of this.rooms.values()) {
      if (status !== undefined && room.status !== status) continue;
      const isParticipant = this.participants.get(room.id)?.has(participantId) ?? false;
      const isBound = !isParticipant && [...(this.bindings.get(room.id)?.values() ?? [])]
        .some((b) => b.participantId === participantId && b.channelType === channelType);
      if ((isParticipant || isBound) && (!latest || oldestFirst(room, latest) > 0)) latest = room;
    }
    return latest?.id;
  }

  // Events

  async putEvents(events: RoomEvent[]): Promise<void> {
    for (const event of events) {
      const timeline = this.timeline(event.roomId);
      const previous = timeline.byIndex.get(event.index);
      if (previous) forget(timeline, previous);
      this.clearDeliveries(event.roomId, event.index);
      const stored = copy(event);
      timeline.byIndex.set(stored.index, stored);
      timeline.indexById.set(stored.id, stored.index);
      if (stored.idempotencyKey !== undefined) timeline.indexByKey.set(stored.idempotencyKey, stored.index);
      for (const [channelId, result] of Object.entries(stored.deliveryResults ?? {})) {
        this.putDelivery({ roomId: stored.roomId, eventId: stored.id, index: stored.index, channelId, result });
      }
    }
  }

  async getEvent(roomId: string, eventId: string): Promise<RoomEvent | undefined> {
    const timeline = this.timelines.get(roomId);
    const index = timeline?.indexById.get(eventId);
    return index === undefined ? undefined : copyOrUndefined(timeline?.byIndex.get(index));
  }

  async getEventByIndex(roomId: string, index: number): Promise<RoomEvent | undefined> {
    return copyOrUndefined(this.timelines.get(roomId)?.byIndex.get(index));
  }

  async getEventByIdempotencyKey(roomId: string, key: string): Promise<RoomEvent | undefined> {
    const timeline = this.timelines.get(roomId);
    const index = timeline?.indexByKey.get(key);
    return index === undefined ? undefined : copyOrUndefined(timeline?.byIndex.get(index));
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
    const types = options.eventTypes ? new Set<string>(options.eventTypes) : undefined;
    const timeline = this.timelines.get(roomId);
    if (!timeline || limit === 0) return [];

    const matching = [...timeline.byIndex.values()]
      .filter((e) =>
        (options.afterIndex === undefined || e.index > options.afterIndex)
        && (options.beforeIndex === undefined || e.index < options.beforeIndex)
        && (types === undefined || types.has(e.type))
        && (options.visibility === undefined || e.visibility === options.visibility))
      .sort((a, b) => a.index - b.index);

    const page = options.newestFirst
      ? matching.slice(Math.max(0, matching.length - offset - limit), Math.max(0, matching.length - offset))
      : matching.slice(offset, offset + limit);
    return page.map(copy);
  }

  async getEventCount(roomId: string): Promise<number> {
    return this.timelines.get(roomId)?.byIndex.size ?? 0;
  }

  async recordDelivery(delivery: DeliveryRecord): Promise<void> {
    this.dropDelivery(delivery.roomId, delivery.index, delivery.channelId);
    this.putDelivery(delivery);
  }

  async getDelivery(roomId: string, index: number, channelId: string): Promise<DeliveryResult | undefined> {
    return copyOrUndefined(this.targets.get(`${roomId}\u0000${index}`)?.get(channelId)?.result);
  }

  async findEventByProviderMessageId(providerMessageId: string, channelId?: string): Promise<ProviderMessageRef | undefined> {
    const matching = [...(this.deliveries.get(providerMessageId)?.values() ?? [])]
      .filter((ref) => channelId === undefined || ref.channelId === channelId);
    return copyOrUndefined(matching.at(-1));
  }

  // Bindings

  async putBinding(binding: ChannelBinding): Promise<void> {
    let byChannel = this.bindings.get(binding.roomId);
    if (!byChannel) this.bindings.set(binding.roomId, (byChannel = new Map()));
    byChannel.set(binding.channelId, copy(binding));
  }

  async removeBinding(roomId: string, channelId: string): Promise<boolean> {
    return this.bindings.get(roomId)?.delete(channelId) ?? false;
  }

  async getBinding(roomId: string, channelId: string): Promise<ChannelBinding | undefined> {
    return copyOrUndefined(this.bindings.get(roomId)?.get(channelId));
  }

  async listBindings(roomId: string): Promise<ChannelBinding[]> {
    return [...(this.bindings.get(roomId)?.values() ?? [])].map(copy);
  }

  // Participants

  async putParticipant(participant: Participant): Promise<void> {
    let byId = this.participants.get(participant.roomId);
    if (!byId) this.participants.set(participant.roomId, (byId = new Map()));
    byId.set(participant.id, copy(participant));
  }

  async getParticipant(roomId: string, participantId: string): Promise<Participant | undefined> {
    const p = this.participants.get(roomId)?.get(participantId);
    return p && copy(p);
  }

  async listParticipants(roomId: string): Promise<Participant[]> {
    return [...(this.participants.get(roomId)?.values() ?? [])].map(copy);
  }

  // Identities

  async createIdentity(identity: Identity): Promise<Identity> {
    for (const [k, id] of this.addresses) if (id === identity.id) this.addresses.delete(k);
    this.identities.set(identity.id, copy(identity));
    for (const key of identityKeys(identity)) this.addresses.set(keyOf(key), identity.id);
    return copy(identity);
  }

  async getIdentity(identityId: string): Promise<Identity | undefined> {
    const i = this.identities.get(identityId);
    return i && copy(i);
  }

  async resolveIdentity(channelType: string, address: string, organizationId?: string): Promise<Identity | undefined> {
    const id = this.addresses.get(keyOf(addressKey(channelType, address, organizationId)));
    return id === undefined ? undefined : this.getIdentity(id);
  }

  async linkAddress(identityId: string, channelType: string, address: string, organizationId?: string): Promise<Identity> {
    const existing = this.identities.get(identityId);
    if (!existing) throw new IdentityNotFoundError(identityId);
    const updated = withAddress(existing, channelType, address);
    this.identities.set(identityId, copy(updated));
    this.addresses.set(keyOf(addressKey(channelType, address, organizationId ?? existing.organizationId)), identityId);
    return copy(updated);
  }

  // Tasks and observations: upserts by id, listed in first-write order.

  async putTask(task: Task): Promise<void> {
    this.tasks.set(task.id, copy(task));
  }

  async listTasks(roomId: string, status?: TaskStatus): Promise<Task[]> {
    return [...this.tasks.values()]
      .filter((t) => t.roomId === roomId && (status === undefined || t.status === status))
      .map(copy);
  }

  async putObservation(observation: Observation): Promise<void> {
    this.observations.set(observation.id, copy(observation));
  }

  async listObservations(roomId: string): Promise<Observation[]> {
    return [...this.observations.values()].filter((o) => o.roomId === roomId).map(copy);
  }

  async setReadMarker(roomId: string, readerId: string, _eventId: string, index: number): Promise<void> {
    let markers = this.readMarkers.get(roomId);
    if (!markers) this.readMarkers.set(roomId, (markers = new Map()));
    markers.set(readerId, Math.max(index, markers.get(readerId) ?? -1));
  }

  async listReadMarkers(roomId: string): Promise<Record<string, number>> {
    return Object.fromEntries(this.readMarkers.get(roomId) ?? []);
  }

  async getUnreadCount(roomId: string, readerId: string): Promise<number> {
    const marker = this.readMarkers.get(roomId)?.get(readerId) ?? -1;
    let n = 0;
    for (const index of this.timelines.get(roomId)?.byIndex.keys() ?? []) if (index > marker) n++;
    return n;
  }

  /** Nothing to release: the data lives as long as this object. */
  async close(): Promise<void> {}

  /** Drop every delivery recorded at (room, index): the event there is being rewritten. */
  private clearDeliveries(roomId: string, index: number): void {
    for (const channelId of [...(this.targets.get(`${roomId}\u0000${index}`)?.keys() ?? [])]) this.dropDelivery(roomId, index, channelId);
  }

  private dropDelivery(roomId: string, index: number, channelId: string): void {
    const at = this.targets.get(`${roomId}\u0000${index}`);
    const row = at?.get(channelId);
    if (!at || !row) return;
    at.delete(channelId);
    if (at.size === 0) this.targets.delete(`${roomId}\u0000${index}`);
    const pmid = row.result.providerMessageId;
    if (pmid === undefined) return;
    const refs = this.deliveries.get(pmid);
    refs?.delete(deliveryKey({ roomId, index }, channelId));
    if (refs?.size === 0) this.deliveries.delete(pmid);
  }

  /** Insertion order of `deliveries` is write order: the last matching entry is the newest. */
  private putDelivery({ roomId, eventId, index, channelId, result }: DeliveryRecord): void {
    let at = this.targets.get(`${roomId}\u0000${index}`);
    if (!at) this.targets.set(`${roomId}\u0000${index}`, (at = new Map()));
    at.set(channelId, { result: copy(result) });
    if (result.providerMessageId === undefined) return;
    let refs = this.deliveries.get(result.providerMessageId);
    if (!refs) this.deliveries.set(result.providerMessageId, (refs = new Map()));
    refs.delete(deliveryKey({ roomId, index }, channelId));
    refs.set(deliveryKey({ roomId, index }, channelId), { roomId, eventId, index, channelId });
  }

  private timeline(roomId: string): Timeline {
    let timeline = this.timelines.get(roomId);
    if (!timeline) {
      timeline = { byIndex: new Map(), indexById: new Map(), indexByKey: new Map() };
      this.timelines.set(roomId, timeline);
    }
    return timeline;
  }
}

/** Drop the lookups of an event about to be replaced, unless they already point elsewhere. */
function forget(timeline: Timeline, event: RoomEvent): void {
  if (timeline.indexById.get(event.id) === event.index) timeline.indexById.delete(event.id);
  if (event.idempotencyKey !== undefined && timeline.indexByKey.get(event.idempotencyKey) === event.index) {
    timeline.indexByKey.delete(event.idempotencyKey);
  }
}

interface DeliveryRow {
  result: DeliveryResult;
}

function deliveryKey(event: Pick<RoomEvent, 'roomId' | 'index'>, channelId: string): string {
  return `${event.roomId}\u0000${event.index}\u0000${channelId}`;
}

/** Oldest `createdAt` first, then id; instants are compared, so offsets and precision do not matter. */
function oldestFirst(a: Room, b: Room): number {
  const ta = Date.parse(a.createdAt);
  const tb = Date.parse(b.createdAt);
  const byTime = Number.isNaN(ta) || Number.isNaN(tb) ? a.createdAt.localeCompare(b.createdAt) : ta - tb;
  return byTime !== 0 ? byTime : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function copy<T>(value: T): T {
  return structuredClone(value);
}

function copyOrUndefined<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}

const keyOf = (k: AddressKey): string => JSON.stringify([k.channelType, k.address, k.organizationId]);
