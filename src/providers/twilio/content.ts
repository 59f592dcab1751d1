/**
 * Content both ways: what a room event becomes on the wire (Body + MediaUrl), and what an inbound
 * Twilio message becomes in the room (RoomKit `build_inbound_content`).
 */
import type { RoomEvent } from '../../models/index.js';
import { inboundContent, outboundParts as smsParts, type InboundMedia } from '../sms/content.js';

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
  const { text, mediaUrls } = smsParts(event);
  return { body: text, mediaUrls: mediaUrls.filter((url) => /^https?:\/\//.test(url)).slice(0, MAX_OUTBOUND_MEDIA) };
}

/** RoomKit `build_inbound_content` (shared by every SMS vendor). */
export const buildInboundContent = inboundContent;
export type { InboundMedia };
