/**
 * Both Meta messengers allow free-form messages only within 24 hours of the user's last message.
 * The last inbound time is whatever the caller knows (usually binding metadata `lastInboundAt`).
 */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** `lastInboundAt` as epoch ms: an ISO string, epoch ms, or a Date; anything else ⇒ unknown. */
export function lastInboundMs(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value !== '') {
    const parsed = Date.parse(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** True only when the last inbound time is known and older than 24 hours. */
export function isWindowClosed(lastInboundAt: unknown, now: number): boolean {
  const last = lastInboundMs(lastInboundAt);
  return last !== undefined && now - last > SERVICE_WINDOW_MS;
}
