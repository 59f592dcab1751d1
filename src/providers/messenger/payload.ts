/**
 * Event content ⇒ Send API `message` objects. Messenger attachments carry no caption, so a media
 * caption becomes a second, text message; locations and templates go as text.
 */
import { extractText, type EventContent, type RichContent } from '../../models/index.js';

export type MessengerMessage = Record<string, unknown>;

const MAX_BUTTONS = 3;
const MAX_QUICK_REPLIES = 13;
const TITLE_CHARS = 20;
/** The button template's text limit. */
const BUTTON_TEXT_CHARS = 640;

function text(body: string): MessengerMessage[] {
  return body === '' ? [] : [{ text: body }];
}

/** Messenger's attachment type for a MIME type. */
export function attachmentType(mimeType: string | undefined): 'image' | 'audio' | 'video' | 'file' {
  const type = (mimeType ?? '').toLowerCase();
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('audio/')) return 'audio';
  if (type.startsWith('video/')) return 'video';
  return 'file';
}

function attachment(type: string, url: string): MessengerMessage {
  return { attachment: { type, payload: { url, is_reusable: true } } };
}

function str(record: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) if (typeof record[key] === 'string' && record[key]) return record[key] as string;
  return undefined;
}

function rich(content: RichContent): MessengerMessage[] {
  const body = content.plainText ?? content.body;
  if (body === '') return [];
  const buttons = (content.buttons ?? []).map((b) => {
    const title = str(b, 'title', 'label', 'text');
    const url = str(b, 'url');
    if (!title) return undefined;
    return url
      ? { type: 'web_url', url, title: title.slice(0, TITLE_CHARS) }
      : { type: 'postback', title: title.slice(0, TITLE_CHARS), payload: str(b, 'payload', 'id', 'value') ?? title };
  });
  if (buttons.length && buttons.length <= MAX_BUTTONS && buttons.every(Boolean) && body.length <= BUTTON_TEXT_CHARS) {
    return [{ attachment: { type: 'template', payload: { template_type: 'button', text: body, buttons } } }];
  }
  const replies = content.quickReplies ?? [];
  if (replies.length && replies.length <= MAX_QUICK_REPLIES) {
    return [{ text: body, quick_replies: replies.map((r) => ({ content_type: 'text', title: r.slice(0, TITLE_CHARS), payload: r })) }];
  }
  return text(body);
}

export function messengerMessages(content: EventContent): MessengerMessage[] {
  switch (content.type) {
    case 'text':
    case 'system':
      return text(content.body);
    case 'rich':
      return rich(content);
    case 'media':
      return [attachment(attachmentType(content.mimeType), content.url), ...text(content.caption ?? '')];
    case 'audio':
      return [attachment('audio', content.url)];
    case 'video':
      return [attachment('video', content.url)];
    case 'location':
      return text(`[Location: ${content.label ?? content.address ?? ''} (${content.latitude}, ${content.longitude})]`);
    case 'template':
      return text(content.body ?? `[Template: ${content.templateId}]`);
    case 'composite':
      return content.parts.flatMap(messengerMessages);
    // The Send API cannot edit or unsend a Page's message; say it in the conversation instead.
    case 'edit': {
      const corrected = extractText({ content: content.newContent });
      return text(corrected ? `Correction: ${corrected}` : '[Correction]');
    }
    case 'delete':
      return text('[Message deleted]');
    default:
      return [];
  }
}
