/**
 * Small builders for test data. Every object is run through its zod schema, so a test never works
 * with a shape production code would refuse.
 */
import {
  ChannelBinding, Observation, Participant, Room, RoomEvent, Task,
} from '../../src/models/index.js';
import type { RoomContext } from '../../src/channels/room-context.js';

const T0 = '2025-01-01T00:00:00.000Z';

/** A delivered inbound text message; `id` defaults to `<roomId>-evt-<index>`. */
export function makeEvent(overrides: Partial<RoomEvent> = {}): RoomEvent {
  const roomId = overrides.roomId ?? 'room-1';
  const index = overrides.index ?? 0;
  return RoomEvent.parse({
    id: `${roomId}-evt-${index}`,
    roomId,
    type: 'message',
    source: { channelId: 'sms-main', channelType: 'sms', direction: 'inbound', participantId: 'user-1' },
    content: { type: 'text', body: `message ${index}` },
    status: 'delivered',
    visibility: 'all',
    index,
    chainDepth: 0,
    createdAt: T0,
    metadata: {},
    ...overrides,
  });
}

/** A read-write transport binding of `sms-main` to `room-1`. */
export function makeBinding(overrides: Partial<ChannelBinding> = {}): ChannelBinding {
  return ChannelBinding.parse({
    channelId: 'sms-main',
    roomId: 'room-1',
    channelType: 'sms',
    category: 'transport',
    direction: 'bidirectional',
    access: 'read_write',
    muted: false,
    visibility: 'all',
    attachedAt: T0,
    capabilities: { mediaTypes: ['text'] },
    metadata: {},
    ...overrides,
  });
}

/** An active, empty room. */
export function makeRoom(overrides: Partial<Room> = {}): Room {
  return Room.parse({
    id: 'room-1',
    status: 'active',
    createdAt: T0,
    updatedAt: T0,
    timers: {},
    agentResponsePolicy: 'agent_chain',
    metadata: {},
    eventCount: 0,
    latestIndex: 0,
    ...overrides,
  });
}

/** An active member of `room-1` reached through `sms-main`. */
export function makeParticipant(overrides: Partial<Participant> = {}): Participant {
  const channelId = overrides.channelId ?? 'sms-main';
  return Participant.parse({
    id: 'user-1',
    roomId: 'room-1',
    channelId,
    role: 'member',
    status: 'active',
    identification: 'pending',
    connectedVia: [channelId],
    joinedAt: T0,
    metadata: {},
    ...overrides,
  });
}

export function makeTask(overrides: Partial<Task> = {}): Task {
  return Task.parse({
    id: 'task-1', roomId: 'room-1', title: 'Call back', status: 'pending', createdAt: T0, metadata: {},
    ...overrides,
  });
}

export function makeObservation(overrides: Partial<Observation> = {}): Observation {
  return Observation.parse({
    id: 'obs-1', roomId: 'room-1', content: 'customer is upset', confidence: 1, createdAt: T0, metadata: {},
    ...overrides,
  });
}

/** A context for `deliver`/`onEvent`: the room with the given bindings and no history. */
export function makeContext(overrides: Partial<RoomContext> = {}): RoomContext {
  return { room: makeRoom(), bindings: [makeBinding()], participants: [], recentEvents: [], ...overrides };
}
