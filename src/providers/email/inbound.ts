/**
 * Raw MIME ⇒ `InboundMessage`, with mailparser. Room events must stay small and JSON, so the body is
 * the text part (quoted history cut off by default), attachments are described (name, type, size,
 * checksum) but their bytes stay out, and `rawPayload` keeps the header lines, not the whole MIME.
 */
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { WebhookPayloadError } from '../../errors.js';
import { LIMITS, type InboundMessage } from '../../models/index.js';
import { htmlToText } from './content.js';
import { bracketed, messageIds, threadRoot } from './threading.js';

export interface ParseInboundEmailOptions {
  /**
   * Cut the quoted history below the usual `On <date>, <name> wrote:` (or `-----Original Message-----`)
   * line, so the room sees what the sender wrote. Default true; the full text is never kept.
   */
  stripQuotedReply?: boolean;
  /** Vendor name used in errors and metadata. Default `email`. */
  provider?: string;
}

/**
 * Parses one raw RFC 5322 message (as received by any means: a MIME webhook, IMAP, a file).
 * Throws `WebhookPayloadError` naming the field (`body`, `from`).
 *
 * @example
 * const message = await parseInboundEmail(await readFile('reply.eml'), 'email-main');
 * await kit.processInbound(message);
 */
export async function parseInboundEmail(
  raw: Buffer | string,
  channelId: string,
  options: ParseInboundEmailOptions = {},
): Promise<InboundMessage> {
  const provider = options.provider ?? 'email';
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  if (bytes.length === 0 || bytes.toString('utf8').trim() === '') {
    throw new WebhookPayloadError(provider, 'body', 'empty message; expected a raw RFC 5322 (message/rfc822) email');
  }
  let mail: ParsedMail;
  try {
    mail = await simpleParser(bytes, { skipImageLinks: true, skipTextLinks: true, skipTextToHtml: true });
  } catch (err) {
    throw new WebhookPayloadError(provider, 'body', `not a parsable MIME message: ${(err as Error).message}`);
  }
  const sender = mail.from?.value.find((a) => a.address)?.address;
  if (!sender) throw new WebhookPayloadError(provider, 'from', 'missing or without an address; cannot tell who wrote the message');

  // A Message-ID is near universal; without one the bytes themselves give a key stable across redeliveries.
  const messageId = bracketed(mail.messageId) ?? `<sha256.${createHash('sha256').update(bytes).digest('hex')}@roomkit.invalid>`;
  const inReplyTo = bracketed(mail.inReplyTo);
  const references = messageIds(mail.references);
  const fullText = mail.text ?? (mail.html ? htmlToText(mail.html) : '');
  const stripped = options.stripQuotedReply === false ? fullText : stripQuotedReply(fullText);
  const { body, truncated } = bounded(stripped.trim());

  return {
    channelId,
    senderId: sender.toLowerCase(),
    content: { type: 'text', body },
    externalId: messageId,
    providerMessageId: messageId,
    idempotencyKey: messageId.slice(0, 512),
    threadId: threadRoot(references, inReplyTo, messageId),
    rawPayload: { headers: mail.headerLines.map((h) => h.line) },
    metadata: {
      provider,
      subject: mail.subject ?? '',
      fromName: mail.from?.value[0]?.name || undefined,
      to: addresses(mail.to),
      cc: addresses(mail.cc),
      replyTo: addresses(mail.replyTo)[0],
      inReplyTo,
      references,
      date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : undefined,
      hasHtml: mail.html !== false,
      quotedReplyStripped: stripped.length !== fullText.length,
      ...(truncated && { truncated: true }),
      attachments: mail.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        sizeBytes: a.size,
        checksum: a.checksum,
        contentId: a.contentId,
        inline: a.contentDisposition === 'inline' || undefined,
      })),
    },
  };
}

/** Everything above the first line that introduces quoted history; the whole text if that is all. */
export function stripQuotedReply(text: string): string {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    // Gmail wraps long attributions over two lines: "On Tue, …, Jane <jane@…>" / "wrote:".
    const twoLines = `${line} ${lines[i + 1]?.trim() ?? ''}`;
    const attribution = /^On\b.{0,200}\bwrote:$/.test(line) || (/^On\b/.test(line) && /^On\b.{0,200}\bwrote:$/.test(twoLines));
    const outlook = /^-{2,}\s*Original Message\s*-{2,}$/i.test(line) || /^_{10,}$/.test(line);
    if (attribution || outlook) {
      const above = lines.slice(0, i).join('\n').trimEnd();
      return above.trim() ? above : text;
    }
  }
  return text;
}

/** Room messages are capped in characters and, as JSON, in bytes; leave room for headers and metadata. */
const MAX_BODY_BYTES = Math.floor(LIMITS.messageBytes * 0.75);

function bounded(body: string): { body: string; truncated: boolean } {
  if (body.length <= LIMITS.bodyChars && Buffer.byteLength(body, 'utf8') <= MAX_BODY_BYTES) return { body, truncated: false };
  let cut = body.slice(0, LIMITS.bodyChars - 1);
  while (Buffer.byteLength(cut, 'utf8') > MAX_BODY_BYTES - 8) cut = cut.slice(0, Math.floor(cut.length * 0.9));
  return { body: `${cut}…`, truncated: true };
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return objects.flatMap((o) => o.value).flatMap((a) => (a.address ? [a.address.toLowerCase()] : []));
}
