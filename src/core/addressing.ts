/** Solicitation of intelligence targets (RoomKit §6.3). Pure. */
import type { ChannelBinding } from '../models/channel.js';
import type { AgentResponsePolicy } from '../models/enums.js';
import type { RoomEvent } from '../models/event.js';

/** Is an INTELLIGENCE target asked to act on this event? Transports are always "solicited". */
export function isSolicited(
  event: Pick<RoomEvent, 'metadata' | 'addressedTo'>,
  target: Pick<ChannelBinding, 'channelId' | 'category'>,
  source: Pick<ChannelBinding, 'category'> | undefined,
  policy: AgentResponsePolicy,
): boolean {
  if (target.category !== 'intelligence') return true;
  const meta = event.metadata ?? {};
  if (meta._orchestration_internal) return false;
  const always = Array.isArray(meta._always_process) ? (meta._always_process as string[]) : [];
  if (always.includes(target.channelId)) return true;
  if (event.addressedTo) return event.addressedTo.includes(target.channelId);
  if (source?.category === 'intelligence' && policy === 'addressed_only') return false;
  if (typeof meta._routed_to === 'string') return meta._routed_to === target.channelId;
  return true;
}
