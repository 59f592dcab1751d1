/** Content transcoding and max-length truncation, exactly as RoomKit §8. Pure. */
import type { ChannelCapabilities } from '../models/channel.js';
import type { EventContent, TextContent } from '../models/content.js';

const text = (body: string): TextContent => ({ type: 'text', body });

/** A float as Python prints it (RoomKit formats coordinates with str(float)): 1 → "1.0", 45.5 → "45.5". */
const pyFloat = (n: number): string => (Number.isInteger(n) ? n.toFixed(1) : String(n));

function passesUnchanged(content: EventContent, caps: ChannelCapabilities): boolean {
  if (content.type === 'edit') return !!caps.supportsEdit;
  if (content.type === 'delete') return !!caps.supportsDelete;
  return (caps.mediaTypes as string[]).includes(content.type);
}

/** Transcode for a target; `null` means nothing can be shown (delivery error `transcoding_failed`). */
export function transcode(content: EventContent, caps: ChannelCapabilities): EventContent | null {
  if (passesUnchanged(content, caps)) return content;
  switch (content.type) {
    case 'text':
    case 'system':
    case 'tool_call':
      return content;
    case 'rich':
      return text(content.plainText ?? content.body);
    case 'media':
      return text(`[Media: ${content.caption || content.filename || content.url}]`);
    case 'audio':
      return content.transcript ? text(content.transcript) : text(`[Voice message: ${content.url}]`);
    case 'video':
      return text(`[Video: ${content.url}]`);
    case 'location':
      // RoomKit quirk 16 kept: no label and no address gives a double space.
      return text(`[Location: ${content.label || content.address || ''} (${pyFloat(content.latitude)}, ${pyFloat(content.longitude)})]`);
    case 'template':
      return text(content.body ?? `[Template: ${content.templateId}]`);
    case 'composite': {
      const parts = content.parts.map((p) => transcode(p, caps)).filter((p): p is EventContent => p !== null);
      if (parts.length === 0) return null;
      if (parts.every((p) => p.type === 'text')) return text(parts.map((p) => (p as TextContent).body).join('\n'));
      return { type: 'composite', parts };
    }
    case 'edit': {
      const inner = content.newContent;
      if (inner.type === 'text') return text(`Correction: ${inner.body}`);
      return transcode(inner, caps) ?? text('[Correction]');
    }
    case 'delete':
      return text('[Message deleted]');
  }
}

/** Truncate text to a target's max length: `body[:L-3] + "..."` with `L = max(3, maxLength)`. */
export function truncate(content: EventContent, maxLength: number | undefined): EventContent {
  if (maxLength === undefined || content.type !== 'text') return content;
  const limit = Math.max(3, maxLength);
  if (content.body.length <= limit) return content;
  return { ...content, body: content.body.slice(0, limit - 3) + '...' };
}

/** What a target receives: transcoded then truncated, or `null` when it cannot be shown. */
export function contentForTarget(content: EventContent, caps: ChannelCapabilities): EventContent | null {
  const out = transcode(content, caps);
  return out === null ? null : truncate(out, caps.maxLength);
}
