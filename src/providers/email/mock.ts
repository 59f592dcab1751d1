import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE } from '../http.js';
import type { EmailProvider, EmailSendOptions } from './base.js';
import { emailBody, isEmptyBody } from './content.js';
import { bracketed, outboundMessageId, replyReferences, replySubject } from './threading.js';

/** One recorded `send` call, with the headers a real provider would have written. */
export interface MockEmailCall {
  event: RoomEvent;
  options: EmailSendOptions;
  to: string;
  from: string | undefined;
  subject: string;
  messageId: string;
  inReplyTo: string | undefined;
  references: string[];
  idempotencyKey: string | undefined;
}

/** A refusal as an SMTP server reports it; `retryable` defaults to "4xx". */
export interface MockEmailFailure {
  error: string;
  /** `smtp_550`, `network_error`… */
  code: string;
  retryable?: boolean;
}

export interface MockEmailProviderOptions {
  failWith?: MockEmailFailure;
  throwError?: Error;
  /** Right-hand side of the Message-IDs it makes up. Default `mock.invalid`. */
  domain?: string;
}

/**
 * Records every call and answers like the SMTP provider: same Message-ID derivation, same `Re:`
 * subject and References rules, same `empty_message` refusal.
 *
 * @example
 * const email = new MockEmailProvider();
 * await channel.deliver(event, binding, ctx);
 * expect(email.calls[0]).toMatchObject({ to: 'ana@example.com', subject: 'Re: Order 42' });
 */
export class MockEmailProvider implements EmailProvider {
  readonly name: string = 'mock';
  readonly calls: MockEmailCall[] = [];
  failWith: MockEmailFailure | undefined;
  throwError: Error | undefined;
  private readonly domain: string;

  constructor(options: MockEmailProviderOptions = {}) {
    this.failWith = options.failWith;
    this.throwError = options.throwError;
    this.domain = options.domain ?? 'mock.invalid';
  }

  /** Alias of `calls`. */
  get sent(): MockEmailCall[] {
    return this.calls;
  }

  async send(event: RoomEvent, options: EmailSendOptions): Promise<ProviderResult> {
    if (isEmptyBody(emailBody(event.content))) return EMPTY_MESSAGE;
    const inReplyTo = bracketed(options.inReplyTo);
    const references = replyReferences(options.references, inReplyTo);
    const call: MockEmailCall = {
      event: structuredClone(event),
      options: { ...options },
      to: options.to,
      from: options.from,
      subject: replySubject(options.subject, references.length > 0),
      messageId: outboundMessageId(options.idempotencyKey, this.domain),
      inReplyTo,
      references,
      idempotencyKey: options.idempotencyKey,
    };
    this.calls.push(call);
    if (this.throwError) throw this.throwError;
    if (this.failWith) {
      const { error, code, retryable = !/^smtp_5/.test(code) } = this.failWith;
      return { success: false, error, metadata: { code, retryable } };
    }
    return { success: true, providerMessageId: call.messageId };
  }

  /** Forget recorded calls; failure modes are left as they are. */
  reset(): void {
    this.calls.length = 0;
  }
}
