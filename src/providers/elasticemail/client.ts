/**
 * Elastic Email over its v2 HTTP API: a form POST to `/v2/email/send` with the API key in the body
 * (`apikey, from, fromName, to, subject, bodyText, bodyHtml, isTransactional`). The answer is
 * `{ success: true, data: { transactionid, messageid } }`, or `{ success: false, error: "…" }`, often
 * with HTTP 200, so the body, not the status, says whether the mail was accepted.
 *
 * Limits of this API kept as they are: no idempotency key (a retried activity after a lost answer
 * can send twice), no threading headers, no attachments without an upload step (media go as links).
 */
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE, httpFailure, unreachable, vendorRequest, VendorUnreachableError, type HttpAnswer } from '../http.js';
import type { EmailProvider, EmailSendOptions } from '../email/base.js';
import { emailBody, isEmptyBody, mediaLinks } from '../email/content.js';
import { bracketed, replyReferences, replySubject, textOption } from '../email/threading.js';
import { parseElasticEmailConfig, type ElasticEmailConfig, type ElasticEmailConfigInput } from './config.js';

/** Refusals Elastic Email words as "not now" rather than "no": worth a retry. */
const TRANSIENT = /too many|rate limit|try again|temporar|timeout|unavailable|busy/i;

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
      const htmlLinks = body.media.map((m) => `<p><a href="${m.url.replace(/"/g, '&quot;')}">${escape(m.caption || m.filename || m.url)}</a></p>`);
      form.set('bodyHtml', [body.html, ...htmlLinks].join('\n'));
    }

    let answer: HttpAnswer;
    try {
      answer = await vendorRequest(this.name, `${this.config.baseUrl.replace(/\/$/, '')}/v2/email/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        timeoutMs: this.config.timeoutMs,
      });
    } catch (err) {
      if (err instanceof VendorUnreachableError) return unreachable(err);
      throw err;
    }
    return interpret(answer);
  }
}

/** Builds the provider from a plain config object (the composition root parses it). */
export function createElasticEmailProvider(config: ElasticEmailConfigInput): ElasticEmailProvider {
  return new ElasticEmailProvider(config);
}

interface V2Answer {
  success?: boolean;
  error?: string;
  data?: { transactionid?: string; messageid?: string };
}

function interpret(answer: HttpAnswer): ProviderResult {
  const body = (typeof answer.body === 'object' && answer.body !== null ? answer.body : {}) as V2Answer;
  const message = body.error ?? (typeof answer.body === 'string' && answer.body ? answer.body.slice(0, 300) : undefined);
  if (answer.status >= 300) return httpFailure(answer, { message });
  const transactionId = body.data?.transactionid;
  if (body.success === true && transactionId) {
    return {
      success: true, providerMessageId: transactionId,
      metadata: { transactionId, ...(body.data?.messageid && { messageId: body.data.messageid }) },
    };
  }
  // HTTP 200 with success:false is a refusal; v2 gives words, not codes.
  const error = message ?? 'Elastic Email answered without success or transactionid';
  const retryable = TRANSIENT.test(error);
  return { success: false, error, metadata: { code: 'elasticemail_refused', retryable, httpStatus: answer.status } };
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
