/** Visibility and broadcast targeting (RoomKit §5.1, §6.1). Pure. */
import { canRead, canWrite } from '../models/access.js';
import type { ChannelBinding } from '../models/channel.js';
import type { RoomEvent } from '../models/event.js';

/** Does `visibility` let `target` read an event? Keywords, else a channel id or a comma-separated list. */
export function visibilityAllows(visibility: string, target: Pick<ChannelBinding, 'channelId' | 'category'>): boolean {
  switch (visibility) {
    case 'all': return true;
    case 'none':
    case 'internal': return false;
    case 'transport': return target.category === 'transport';
    case 'intelligence': return target.category === 'intelligence';
    default:
      if (visibility.includes(',')) return visibility.split(',').map((s) => s.trim()).includes(target.channelId);
      return visibility === target.channelId;
  }
}

/**
 * The visibility used to plan a broadcast: an event left at "all" takes its source binding's
 * visibility. Only the planned copy changes; the stored event keeps its own (RoomKit quirk 4).
 */
export function effectiveVisibility(event: Pick<RoomEvent, 'visibility'>, source: ChannelBinding | undefined): string {
  if (event.visibility === 'all' && source && source.visibility !== 'all') return source.visibility;
  return event.visibility;
}

/**
 * Targets of a broadcast: every other binding that can read, is not outbound-only and that the
 * effective visibility allows. Muted targets are included (muted channels still read).
 */
export function planTargets(
  event: Pick<RoomEvent, 'visibility' | 'source'>,
  source: ChannelBinding | undefined,
  bindings: ChannelBinding[],
): ChannelBinding[] {
  if (source && !canWrite(source)) return [];
  const visibility = effectiveVisibility(event, source);
  return bindings.filter(
    (b) =>
      b.channelId !== event.source.channelId &&
      canRead(b) &&
      b.direction !== 'outbound' &&
      visibilityAllows(visibility, b),
  );
}

/**
 * Tool-call bookkeeping (`tool_call_start` / `tool_call_end`) goes to intelligence channels (which
 * never answer it) and to transports that say they show it (`tool_call` among their media types,
 * e.g. the WebSocket chat page); an SMS, email or chat-app transport never receives it, so a tool
 * loop cannot spend a customer's channel (or its circuit breaker) on empty messages.
 */
export function showsEvent(binding: Pick<ChannelBinding, 'category' | 'capabilities'>, event: Pick<RoomEvent, 'type'>): boolean {
  if (event.type !== 'tool_call_start' && event.type !== 'tool_call_end') return true;
  return binding.category === 'intelligence' || (binding.capabilities.mediaTypes as string[]).includes('tool_call');
}
