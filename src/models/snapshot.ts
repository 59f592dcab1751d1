/** What a room's state query answers (`kit.roomState`), and the `describe` command's value. */
import type { ChannelBinding } from './channel.js';
import type { RoomEvent } from './event.js';
import type { Participant } from './participant.js';
import type { Room } from './room.js';

export interface RoomSnapshot {
  room: Room;
  bindings: ChannelBinding[];
  participants: Participant[];
  /** The newest events committed (all types), ascending. */
  recentEvents: RoomEvent[];
  counters: {
    eventCount: number;
    latestIndex: number;
    /** Commands waiting in the room's queue. */
    queued: number;
    /** Commands processed by this run and its predecessors. */
    processed: number;
    /** Signals dropped because their payload was invalid. */
    rejectedSignals: number;
  };
}
