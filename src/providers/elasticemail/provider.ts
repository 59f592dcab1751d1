/** The Elastic Email provider; the `/v2/email/send` wire call lives in `client.ts`. */
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE } from '../http.js';
import type { EmailProvider, EmailSendOptions } from '../email/base.js';
import { emailBody, isEmptyBody, mediaLinks } from '../email/content.js';
import { bracketed, replyReferences, replySubject, textOption } from '../email/threading.js';
import { parseElasticEmailConfig, type ElasticEmailConfig, type ElasticEmailConfigInput } from './config.js';
import { escapeHtml, postSend } from './client.js';

/**
 * @example
 * const elastic = new ElasticEmailProvider({ apiKey: secret, from: 'help@acme.test', fromName: 'Acme' });
 * kit.registerChannel(new EmailChannel('email-main', { provider: elastic }));
 */
export class ElasticEmailProvider implements EmailProvider {
  readonly name = 'elasticemail';
  readonly config: ElasticEmailConfig;

  constructor(config: ElasticEmailConfigInput) {
    this.config = parseElasticEmailConfig(config);
  }

  async send(event: RoomEvent, options: EmailSendOptions): Promise<ProviderResult> {
    const body = emailBody(event.content);
    if (isEmptyBody(body)) return EMPTY_MESSAGE;
    const links = mediaLinks(body.media);
    const text = [body.text, links].filter((t) => t !== '').join('\n\n');
    const isReply = bracketed(options.inReplyTo) !== undefined || replyReferences(options.references, options.inReplyTo).length > 0;
    const form = new URLSearchParams({
      apikey: this.config.apiKey,
      from: textOption(options.from) ?? this.config.from,
      to: options.to,
      subject: replySubject(options.subject, isReply),
      bodyText: text,
      isTransactional: String(this.config.isTransactional),
    });
    const fromName = textOption(options.fromName) ?? this.config.fromName;
    if (fromName) form.set('fromName', fromName);
    if (body.html !== undefined) {
      const htmlLinks = body.media.map((m) => `<p><a href="${m.url.replace(/"/g, '&quot;')}">${escapeHtml(m.caption || m.filename || m.url)}</a></p>`);
      form.set('bodyHtml', [body.html, ...htmlLinks].join('\n'));
    }
    return postSend(this.config, form);
  }
}

/** Builds the provider from a plain config object (the composition root parses it). */
export function createElasticEmailProvider(config: ElasticEmailConfigInput): ElasticEmailProvider {
  return new ElasticEmailProvider(config);
}
