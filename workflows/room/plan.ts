/** A committed event's delivery plan, as the command loop hands it to the delivery lane. */
import type { ChannelBinding, RoomEvent } from '../../src/models/index.js';
import type { Cascade } from './cascade.js';

export interface Plan {
  event: RoomEvent;
  source: ChannelBinding | undefined;
  /** Resolved at commit time, from the bindings of that moment (RoomKit plans under the lock). */
  targets: ChannelBinding[];
  injected: { targets: string[]; event: RoomEvent }[];
  cascade: Cascade;
  root: boolean;
  /** False for blocked events and binding-less sources: only injected events go out. */
  broadcast: boolean;
}
