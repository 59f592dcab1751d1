/**
 * Email over SMTP with nodemailer. Every mail carries a Message-ID derived from the delivery's
 * idempotency key (a retried activity re-sends the same id, so clients show it once) and the thread
 * headers the channel passes (`inReplyTo`, `references`, `subject` from the binding).
 */
import { createTransport, type Transporter } from 'nodemailer';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE } from '../http.js';
import type { EmailProvider, EmailSendOptions } from './base.js';
import { parseSMTPEmailConfig, type SMTPEmailConfig, type SMTPEmailConfigInput } from './config.js';
import { attachmentName, emailBody, isEmptyBody, mediaLinks, type EmailMedia } from './content.js';
import { smtpFailure } from './failures.js';
import { bracketed, domainOf, outboundMessageId, replyReferences, replySubject, textOption } from './threading.js';
import { EmailWebhook } from './webhook.js';

/**
 * @example
 * const smtp = new SMTPEmailProvider({
 *   host: 'smtp.acme.test', port: 587, requireTLS: true,
 *   auth: { user: 'rooms', pass: secret }, from: 'help@acme.test', fromName: 'Acme Support',
 * });
 * kit.registerChannel(new EmailChannel('email-main', { provider: smtp }));
 */
export class SMTPEmailProvider implements EmailProvider {
  readonly name = 'smtp';
  /** Present when `config.inbound` is set: verifies and parses raw MIME posted to the webhook. */
  readonly webhook: EmailWebhook | undefined;
  readonly config: SMTPEmailConfig;
  private readonly transport: Transporter;
  private readonly domain: string;

  constructor(config: SMTPEmailConfigInput) {
    this.config = parseSMTPEmailConfig(config);
    const c = this.config;
    this.domain = c.domain ?? domainOf(c.from) ?? 'localhost';
    this.transport = createTransport({
      host: c.host, port: c.port ?? (c.secure ? 465 : 587), secure: c.secure, requireTLS: c.requireTLS,
      ...(c.auth && { auth: { user: c.auth.user, pass: c.auth.pass } }),
      connectionTimeout: c.connectionTimeoutMs, greetingTimeout: c.greetingTimeoutMs, socketTimeout: c.socketTimeoutMs,
      ...(c.pool && { pool: true, maxConnections: c.maxConnections }),
      ...(c.allowSelfSigned && { tls: { rejectUnauthorized: false } }),
      // Event content is untrusted: never let a "path" read the worker's disk.
      disableFileAccess: true,
      disableUrlAccess: c.remoteMedia !== 'attach',
      name: this.domain,
    });
    this.webhook = c.inbound
      ? new EmailWebhook({ secret: c.inbound.secret, signatureHeader: c.inbound.signatureHeader, stripQuotedReply: c.inbound.stripQuotedReply })
      : undefined;
  }

  async send(event: RoomEvent, options: EmailSendOptions): Promise<ProviderResult> {
    const body = emailBody(event.content);
    if (isEmptyBody(body)) return EMPTY_MESSAGE;
    const attached = body.media.filter((m) => m.url.startsWith('data:') || this.config.remoteMedia === 'attach');
    const linked = body.media.filter((m) => !attached.includes(m));
    const links = mediaLinks(linked);
    const text = [body.text, links].filter((t) => t !== '').join('\n\n');
    const html = body.html !== undefined && linked.length
      ? `${body.html}\n${linked.map((m) => `<p><a href="${escapeAttr(m.url)}">${escapeText(m.caption || m.filename || m.url)}</a></p>`).join('\n')}`
      : body.html;

    const inReplyTo = bracketed(options.inReplyTo);
    const references = replyReferences(options.references, inReplyTo);
    const isReply = inReplyTo !== undefined || references.length > 0;
    const messageId = outboundMessageId(options.idempotencyKey, this.domain);
    try {
      const info = await this.transport.sendMail({
        from: sender(textOption(options.from) ?? this.config.from, textOption(options.fromName) ?? this.config.fromName),
        to: options.to,
        subject: replySubject(options.subject, isReply),
        messageId,
        ...(inReplyTo && { inReplyTo }),
        ...(references.length && { references }),
        text,
        ...(html !== undefined && { html }),
        ...(attached.length && { attachments: attached.map(toAttachment) }),
      });
      const accepted = bracketed(String(info.messageId ?? '')) ?? messageId;
      return { success: true, providerMessageId: accepted, metadata: { messageId: accepted, smtpResponse: String(info.response ?? '') } };
    } catch (err) {
      return smtpFailure(err);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/** Builds the provider from a plain config object (the composition root parses it). */
export function createSMTPEmailProvider(config: SMTPEmailConfigInput): SMTPEmailProvider {
  return new SMTPEmailProvider(config);
}

function sender(address: string, name: string | undefined): string | { name: string; address: string } {
  // An address that already carries a display name (`Acme <help@acme.test>`) is used as given.
  return name && !address.includes('<') ? { name, address } : address;
}

function toAttachment(media: EmailMedia, index: number): { filename: string; path: string; contentType?: string } {
  return { filename: attachmentName(media, index), path: media.url, ...(media.mimeType && { contentType: media.mimeType }) };
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}
