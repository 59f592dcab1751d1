/**
 * Event content as an email body. Transcoding (semantics §8) has already reduced the content to what
 * `EmailChannel` declares (text, rich, media, composites of them); anything else with a body or a URL
 * is still rendered rather than dropped.
 */
import type { EventContent } from '../../models/index.js';

/** One media item of the event: a URL plus what the event said about it. */
export interface EmailMedia {
  url: string;
  mimeType?: string;
  filename?: string;
  caption?: string;
}

/** The body parts of one email; `html` only when the event carried HTML. */
export interface EmailBody {
  text: string;
  html?: string;
  media: EmailMedia[];
}

/** Text, HTML and media of the content, in order. */
export function emailBody(content: EventContent): EmailBody {
  const blocks: Block[] = [];
  const media: EmailMedia[] = [];
  collect(content, blocks, media);
  const filled = blocks.filter((b) => b.text !== '' || b.html);
  const text = filled.map((b) => b.text).filter((t) => t !== '').join('\n\n');
  // One HTML part for the whole mail once any part is HTML; plain parts are escaped into it.
  const html = filled.some((b) => b.html) ? filled.map((b) => b.html ?? `<p>${escapeHtml(b.text)}</p>`).join('\n') : undefined;
  return { text, ...(html !== undefined && { html }), media };
}

/** True when there is nothing to send (no text, no HTML, no media). */
export function isEmptyBody(body: EmailBody): boolean {
  return body.text.trim() === '' && !body.html?.trim() && body.media.length === 0;
}

/** Media links as plain-text lines (`caption: url`), for vendors or modes that do not attach. */
export function mediaLinks(media: readonly EmailMedia[]): string {
  return media.map((m) => (m.caption || m.filename ? `${m.caption || m.filename}: ${m.url}` : m.url)).join('\n');
}

/** A file name for an attachment: the event's, else the URL's last path segment, else `attachment-<n>`. */
export function attachmentName(media: EmailMedia, index: number): string {
  if (media.filename) return media.filename;
  if (!media.url.startsWith('data:')) {
    const last = decodeURIComponent(new URL(media.url).pathname.split('/').pop() ?? '');
    if (last) return last;
  }
  return `attachment-${index + 1}`;
}

/** Crude HTML ⇒ text for the plain part of an HTML-only mail (clients without HTML show it). */
export function htmlToText(html: string): string {
  return html
    .replace(/<(br|\/p|\/div|\/li|\/h[1-6])\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

interface Block {
  text: string;
  html?: string;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '<br>');
}

function collect(content: EventContent, blocks: Block[], media: EmailMedia[]): void {
  switch (content.type) {
    case 'text':
    case 'system':
      blocks.push({ text: content.body });
      return;
    case 'rich':
      blocks.push(content.format === 'html'
        ? { text: content.plainText ?? htmlToText(content.body), html: content.body }
        : { text: content.plainText ?? content.body });
      return;
    case 'template':
      blocks.push({ text: content.body ?? '' });
      return;
    case 'media':
      media.push({ url: content.url, mimeType: content.mimeType, filename: content.filename, caption: content.caption });
      return;
    case 'audio':
    case 'video':
      media.push({ url: content.url, mimeType: content.mimeType });
      return;
    case 'location':
      blocks.push({ text: `[Location: ${content.label ?? content.address ?? ''} (${content.latitude}, ${content.longitude})]` });
      return;
    case 'composite':
      for (const part of content.parts) collect(part, blocks, media);
      return;
    case 'edit':
      collect(content.newContent, blocks, media);
      return;
    default:
      return;
  }
}
