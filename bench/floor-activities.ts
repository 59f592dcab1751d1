/**
 * The floor's activities: the same kind of trivial work as RoomKit's `persist` (an in-memory store
 * write of a cloned event) and `deliver` (a provider `send` that resolves at once).
 */
import type { SendProbe } from './probe.js';

export interface FloorEvent {
  roomId: string;
  index: number;
  senderId: string;
  body: string;
}

export function createFloorActivities(probe: SendProbe, options: { keepEvents?: boolean } = {}) {
  const keep = options.keepEvents ?? true;
  const timelines = new Map<string, FloorEvent[]>();
  return {
    async persist(event: FloorEvent): Promise<void> {
      if (!keep) return;
      let timeline = timelines.get(event.roomId);
      if (!timeline) timelines.set(event.roomId, (timeline = []));
      timeline[event.index] = structuredClone(event);
    },
    async deliver(event: FloorEvent): Promise<{ providerMessageId: string }> {
      return { providerMessageId: probe.record(event.body) };
    },
  };
}

export type FloorActivities = ReturnType<typeof createFloorActivities>;
