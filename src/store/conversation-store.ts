/**
 * The durable event timeline and read model. Temporal holds authoritative room state; the room
 * workflow is the single writer of a room's store records, through activities. Every write is
 * idempotent (an activity may be retried): events are keyed by (roomId, index), tasks and
 * observations by id, bindings by (roomId, channelId), participants by (roomId, id).
 */
import type {
  ChannelBinding, DeliveryResult, EventType, Identity, Observation, Participant, Room, RoomEvent, RoomStatus, Task, TaskStatus,
} from '../models/index.js';

export interface ListEventsOptions {
  /** Skip this many events (ignored when a cursor is given). Default 0. */
  offset?: number;
  /** At most this many events. Default 50. */
  limit?: number;
  /** Only events with index > afterIndex. */
  afterIndex?: number;
  /** Only events with index < beforeIndex. */
  beforeIndex?: number;
  /** Only these event types. */
  eventTypes?: EventType[];
  /** Only events with this exact visibility. */
  visibility?: string;
  /** Take the newest `limit` events (still returned in ascending index order). */
  newestFirst?: boolean;
}

/**
 * Where a vendor's message id leads: the stored event whose delivery to `channelId` the vendor
 * acknowledged with that id (`event.deliveryResults[channelId].providerMessageId`). Status callbacks
 * and replies quote the vendor's id, never ours.
 */
export interface ProviderMessageRef {
  roomId: string;
  eventId: string;
  index: number;
  channelId: string;
}

/** One delivery of a stored event to one channel, with the provider's answer. */
export interface DeliveryRecord {
  roomId: string;
  eventId: string;
  index: number;
  channelId: string;
  result: DeliveryResult;
}

export interface ConversationStore {
  /** True when the data lives in this process only (InMemoryStore). */
  readonly isProcessLocal: boolean;

  // Rooms (read model of the room workflow's state)
  putRoom(room: Room): Promise<void>;
  getRoom(roomId: string): Promise<Room | undefined>;
  listRooms(options?: { offset?: number; limit?: number; status?: RoomStatus }): Promise<Room[]>;
  /** Ids of rooms with a binding of `channelId`, oldest room first (then id), optionally by status. */
  /** `sharedOnly`: skip bindings that belong to one participant (`binding.participantId` set). */
  findRoomIdsByChannel(channelId: string, options?: { status?: RoomStatus; limit?: number; sharedOnly?: boolean }): Promise<string[]>;
  /** Newest room with `participantId` as a participant, or bound via a binding with that participantId and channel type. */
  findLatestRoom(participantId: string, channelType: string, status?: RoomStatus): Promise<string | undefined>;

  // Events
  /** Insert or replace events by (roomId, index). Replaying the same write is a no-op. */
  putEvents(events: RoomEvent[]): Promise<void>;
  getEvent(roomId: string, eventId: string): Promise<RoomEvent | undefined>;
  getEventByIndex(roomId: string, index: number): Promise<RoomEvent | undefined>;
  getEventByIdempotencyKey(roomId: string, key: string): Promise<RoomEvent | undefined>;
  /** Ascending by index. */
  listEvents(roomId: string, options?: ListEventsOptions): Promise<RoomEvent[]>;
  getEventCount(roomId: string): Promise<number>;
  /**
   * The event a provider message id was delivered as, optionally on one channel only. Follows
   * replacements: an event rewritten without that delivery result is no longer found. When several
   * deliveries carry the id (a vendor reusing ids), the most recently written wins.
   */
  findEventByProviderMessageId(providerMessageId: string, channelId?: string): Promise<ProviderMessageRef | undefined>;
  /**
   * Index one delivery as the worker made it (the provider's answer), before the room records
   * delivery results on the event (RoomKit records them there only when a delivery failed). Idempotent
   * by (room, index, channel); a later `putEvents` of the event replaces it.
   */
  recordDelivery(delivery: DeliveryRecord): Promise<void>;
  /**
   * The delivery recorded for (room, index, channel), by the worker or on the event. A worker about
   * to send finds here that an earlier attempt (whose answer Temporal lost) already sent it.
   */
  getDelivery(roomId: string, index: number, channelId: string): Promise<DeliveryResult | undefined>;

  // Bindings
  putBinding(binding: ChannelBinding): Promise<void>;
  removeBinding(roomId: string, channelId: string): Promise<boolean>;
  getBinding(roomId: string, channelId: string): Promise<ChannelBinding | undefined>;
  listBindings(roomId: string): Promise<ChannelBinding[]>;

  // Participants
  putParticipant(participant: Participant): Promise<void>;
  getParticipant(roomId: string, participantId: string): Promise<Participant | undefined>;
  /** In first-join order. */
  listParticipants(roomId: string): Promise<Participant[]>;

  // Identities (RoomKit §11, §21): people behind addresses, keyed by (channel type, address,
  // organisation or ''). Addresses are normalised (`normalizeAddress`: phones to E.164, emails
  // case-folded); `phone` and `email` are also indexed under the channel types `phone` / `email`.
  // An unscoped lookup never finds a scoped registration, nor the reverse.
  /** Insert or replace by id, indexing its addresses (a re-created identity drops its old ones). */
  createIdentity(identity: Identity): Promise<Identity>;
  getIdentity(identityId: string): Promise<Identity | undefined>;
  resolveIdentity(channelType: string, address: string, organizationId?: string): Promise<Identity | undefined>;
  /** Add an address to an identity (IdentityNotFoundError if unknown); the address then leads to it. */
  linkAddress(identityId: string, channelType: string, address: string, organizationId?: string): Promise<Identity>;

  // Tasks and observations (idempotent by id)
  putTask(task: Task): Promise<void>;
  listTasks(roomId: string, status?: TaskStatus): Promise<Task[]>;
  putObservation(observation: Observation): Promise<void>;
  listObservations(roomId: string): Promise<Observation[]>;

  // Read markers (RoomKit §2.8): how far each reader (a channel id, as in RoomKit, or a participant
  // id) has read. Written by the kit, not the room: a marker is not part of the timeline.
  /** Move the reader's marker to `index` (the event `eventId` at that index). It never moves back. */
  setReadMarker(roomId: string, readerId: string, eventId: string, index: number): Promise<void>;
  /** readerId → the index of the last event it read. */
  listReadMarkers(roomId: string): Promise<Record<string, number>>;
  /** Stored events after the reader's marker, system events included; no marker ⇒ every event. */
  getUnreadCount(roomId: string, readerId: string): Promise<number>;

  close(): Promise<void>;
}
