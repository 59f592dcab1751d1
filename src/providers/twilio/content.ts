/**
 * Content both ways: what a room event becomes on the wire (Body + MediaUrl), and what an inbound
 * Twilio message becomes in the room (RoomKit `build_inbound_content`).
 */
import { Channel } from '../../channels/channel.js';
import type { EventContent, RoomEvent } from '../../models/index.js';

/** Twilio accepts at most 10 `MediaUrl` per message. */
export const MAX_OUTBOUND_MEDIA = 10;
/** Twilio reports at most 20 inbound media (`NumMedia`); more is a malformed payload. */
export const MAX_INBOUND_MEDIA = 20;

export interface OutboundParts {
  body: string;
  mediaUrls: string[];
}

/** Text of the event plus the http(s) URLs of its media, audio and video parts (Twilio fetches them). */
export function outboundParts(event: Pick<RoomEvent, 'content'>): OutboundParts {
  const mediaUrls: string[] = [];
  const collect = (c: EventContent): void => {
    if ((c.type === 'media' || c.type === 'audio' || c.type === 'video') && /^https?:\/\//.test(c.url)) mediaUrls.push(c.url);
    if (c.type === 'composite') c.parts.forEach(collect);
  };
  collect(event.content);
  return { body: Channel.extractText(event), mediaUrls: mediaUrls.slice(0, MAX_OUTBOUND_MEDIA) };
}

export interface InboundMedia {
  url: string;
  mimeType?: string;
}

/**
 * No media ⇒ text; one media without text ⇒ media; one media with text ⇒ media captioned with the
 * text; otherwise a composite of the text (if any) and every media.
 */
export function buildInboundContent(body: string, media: InboundMedia[]): EventContent {
  if (media.length === 0) return { type: 'text', body };
  const parts: EventContent[] = media.map((m) => ({ type: 'media', url: m.url, mimeType: m.mimeType || 'application/octet-stream' }));
  if (media.length === 1) {
    const only = parts[0] as Extract<EventContent, { type: 'media' }>;
    return body ? { ...only, caption: body } : only;
  }
  return { type: 'composite', parts: body ? [{ type: 'text', body }, ...parts] : parts };
}
