/**
 * Event content ⇒ Cloud API message bodies (without `messaging_product`/`to`). One content may need
 * several messages (a composite); an empty list means there is nothing to send.
 */
import { extractText, type EventContent, type MediaContent, type RichContent } from '../../models/index.js';
import { templateBody, templateFromContent } from './template.js';

export type WhatsAppMessageBody = Record<string, unknown> & { type: string };

export interface PayloadOptions {
  defaultTemplateLanguage: string;
  previewUrl: boolean;
}

/** Meta's limits on interactive reply buttons. */
const MAX_REPLY_BUTTONS = 3;
const BUTTON_TITLE_CHARS = 20;
const BUTTON_ID_CHARS = 256;

function text(body: string, options: PayloadOptions): WhatsAppMessageBody[] {
  return body === '' ? [] : [{ type: 'text', text: { preview_url: options.previewUrl, body } }];
}

/** WhatsApp's media kind for a MIME type; `image/webp` is only accepted as a sticker. */
export function mediaKind(mimeType: string): 'image' | 'audio' | 'video' | 'document' | 'sticker' {
  const type = mimeType.toLowerCase();
  if (type === 'image/webp') return 'sticker';
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('audio/')) return 'audio';
  if (type.startsWith('video/')) return 'video';
  return 'document';
}

function media(content: MediaContent): WhatsAppMessageBody {
  const kind = mediaKind(content.mimeType);
  const object: Record<string, unknown> = { link: content.url };
  // Audio and stickers take no caption; only documents carry a file name.
  if (content.caption && kind !== 'audio' && kind !== 'sticker') object.caption = content.caption;
  if (kind === 'document' && content.filename) object.filename = content.filename;
  return { type: kind, [kind]: object };
}

function label(button: Record<string, unknown>): string | undefined {
  for (const key of ['title', 'label', 'text']) if (typeof button[key] === 'string' && button[key]) return button[key] as string;
  return undefined;
}

/** Up to three reply buttons as an interactive message; anything else falls back to text. */
function rich(content: RichContent, options: PayloadOptions): WhatsAppMessageBody[] {
  const bodyText = content.plainText ?? content.body;
  const fromButtons = (content.buttons ?? []).map((b) => {
    const title = label(b);
    const id = [b.id, b.payload, b.value].find((v) => typeof v === 'string' && v) as string | undefined;
    return title ? { id: id ?? title, title } : undefined;
  });
  const fromQuickReplies = (content.quickReplies ?? []).map((title) => ({ id: title, title }));
  const buttons = content.buttons?.length ? fromButtons : fromQuickReplies;
  const usable = bodyText !== '' && buttons.length > 0 && buttons.length <= MAX_REPLY_BUTTONS && buttons.every(Boolean);
  if (!usable) return text(bodyText, options);
  return [{
    type: 'interactive',
    interactive: {
      type: 'button',
      body: { text: bodyText },
      action: {
        buttons: buttons.map((b) => ({
          type: 'reply',
          reply: { id: b!.id.slice(0, BUTTON_ID_CHARS), title: b!.title.slice(0, BUTTON_TITLE_CHARS) },
        })),
      },
    },
  }];
}

export function messageBodies(content: EventContent, options: PayloadOptions): WhatsAppMessageBody[] {
  switch (content.type) {
    case 'text':
    case 'system':
      return text(content.body, options);
    case 'rich':
      return rich(content, options);
    case 'media':
      return [media(content)];
    case 'audio':
      return [{ type: 'audio', audio: { link: content.url } }];
    case 'video':
      return [{ type: 'video', video: { link: content.url } }];
    case 'location':
      return [{
        type: 'location',
        location: {
          latitude: content.latitude, longitude: content.longitude,
          ...(content.label && { name: content.label }), ...(content.address && { address: content.address }),
        },
      }];
    case 'template':
      return [templateBody(templateFromContent(content), options.defaultTemplateLanguage) as WhatsAppMessageBody];
    case 'composite':
      return content.parts.flatMap((part) => messageBodies(part, options));
    // The Cloud API cannot edit or delete a sent message; say it in the conversation instead
    // (what RoomKit's transcoder does for channels without edit/delete).
    case 'edit': {
      const corrected = extractText({ content: content.newContent });
      return text(corrected ? `Correction: ${corrected}` : '[Correction]', options);
    }
    case 'delete':
      return text('[Message deleted]', options);
    default:
      return [];
  }
}
