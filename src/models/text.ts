/**
 * The plain text of event content. A pure function of the model so providers (which sit below the
 * channels) can flatten content without importing `Channel`; `Channel.extractText` delegates here.
 */
import type { RoomEvent } from './event.js';

/** Plain text of an event's content, for providers that only send text. */
export function extractText(event: Pick<RoomEvent, 'content'>): string {
  const c = event.content;
  switch (c.type) {
    case 'text':
    case 'rich':
    case 'system':
      return c.body;
    case 'media':
      return c.caption ?? '';
    case 'template':
      return c.body ?? '';
    case 'composite':
      return c.parts.map((p) => extractText({ content: p })).filter(Boolean).join('\n');
    default:
      return '';
  }
}
