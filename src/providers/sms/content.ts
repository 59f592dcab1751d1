/**
 * Event content ⇄ what an SMS/MMS vendor carries (text plus media URLs). RoomKit's
 * `build_inbound_content`: no media ⇒ text; one media ⇒ media (the text as caption); more ⇒ a
 * composite of the text and each media.
 */
import { extractText, type EventContent, type RoomEvent } from '../../models/index.js';

export interface OutboundParts {
  text: string;
  mediaUrls: string[];
}

/** The text and media URLs of an event, composites flattened. */
export function outboundParts(event: Pick<RoomEvent, 'content'>): OutboundParts {
  const mediaUrls: string[] = [];
  const collect = (content: EventContent): void => {
    if (content.type === 'media' || content.type === 'audio' || content.type === 'video') mediaUrls.push(content.url);
    else if (content.type === 'composite') content.parts.forEach(collect);
  };
  collect(event.content);
  return { text: extractText(event), mediaUrls };
}

export interface InboundMedia {
  url: string;
  mimeType?: string;
}

export function inboundContent(text: string, media: InboundMedia[]): EventContent {
  const parts = media.map((m): EventContent => ({ type: 'media', url: m.url, mimeType: m.mimeType || 'application/octet-stream' }));
  if (parts.length === 0) return { type: 'text', body: text };
  if (parts.length === 1) return text ? { ...parts[0], caption: text } as EventContent : parts[0];
  return { type: 'composite', parts: text ? [{ type: 'text', body: text }, ...parts] : parts };
}

/**
 * An ISO-8601 string for a vendor timestamp, or null when it does not parse. A date-time without a
 * zone (VoiceMeUp's `2024-05-02 14:03:11`) is null too: read as local time it would depend on the
 * server's time zone.
 */
export function isoOrNull(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value.trim())) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
