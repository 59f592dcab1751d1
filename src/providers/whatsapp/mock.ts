/**
 * An in-memory WhatsApp provider for users' tests: records what would have been posted and refuses
 * like Meta does (empty content, the 24-hour window when `lastInboundAt` says it is closed, typing
 * without the inbound wamid it answers; `failWith` refuses read receipts and typing too, thrown as the
 * real provider throws them).
 */
import { markReadArgs, throwIfRefused, typingArgs } from '../actions.js';
import type { TransportProvider, TransportTypingOptions } from '../transport.js';
import type { ProviderResult, RoomEvent, TemplateContent } from '../../models/index.js';
import { EMPTY_MESSAGE } from '../http.js';
import { missingReplyTo, type WhatsAppSendOptions } from './provider.js';
import { messageBodies, type WhatsAppMessageBody } from './payload.js';
import { templateBody, templateFromContent, type WhatsAppTemplate } from './template.js';
import { isWindowClosed, windowClosedResult } from './window.js';

export interface MockWhatsAppCall {
  kind: 'send' | 'template' | 'reaction';
  to: string;
  /** Cloud API message bodies that would have been posted (without `messaging_product`/`to`). */
  bodies: WhatsAppMessageBody[];
  event?: RoomEvent;
  idempotencyKey?: string;
}

/** A read receipt that would have been posted: `{ messaging_product, status: 'read', message_id, typing_indicator? }`. */
export interface MockWhatsAppReadCall {
  to: string;
  messageId: string;
  /** Sent with `typing_indicator: { type: 'text' }` (a `sendTyping` call). */
  typing: boolean;
}

export interface MockWhatsAppFailure {
  error: string;
  code?: string;
  retryable?: boolean;
}

export interface MockWhatsAppProviderOptions {
  failWith?: MockWhatsAppFailure;
  /** Clock for the 24-hour window check. */
  now?: () => number;
  defaultTemplateLanguage?: string;
}

/**
 * @example
 * const wa = new MockWhatsAppProvider();
 * await channel.deliver(event, binding, ctx);
 * expect(wa.calls[0].bodies[0]).toMatchObject({ type: 'text' });
 */
export class MockWhatsAppProvider implements TransportProvider {
  readonly name = 'mock-whatsapp';
  readonly calls: MockWhatsAppCall[] = [];
  /** `markRead` and `sendTyping` calls that reached "Meta" (typing off sends nothing, as for real). */
  readonly reads: MockWhatsAppReadCall[] = [];
  failWith: MockWhatsAppFailure | undefined;
  private readonly now: () => number;
  private readonly language: string;
  private counter = 0;

  constructor(options: MockWhatsAppProviderOptions = {}) {
    this.failWith = options.failWith;
    this.now = options.now ?? Date.now;
    this.language = options.defaultTemplateLanguage ?? 'en_US';
  }

  async send(event: RoomEvent, options: WhatsAppSendOptions): Promise<ProviderResult> {
    const reactionTo = event.metadata.reactionTo;
    if (event.type === 'reaction' && typeof reactionTo === 'string') {
      return this.sendReaction(options.to, reactionTo, event.content.type === 'text' ? event.content.body : '', options);
    }
    const bodies = messageBodies(event.content, { defaultTemplateLanguage: this.language, previewUrl: false });
    if (bodies.length === 0) return EMPTY_MESSAGE;
    if (bodies.some((b) => b.type !== 'template') && isWindowClosed(options.lastInboundAt, this.now())) {
      return windowClosedResult({ decidedLocally: true });
    }
    return this.record({ kind: 'send', to: options.to, bodies, event: structuredClone(event), idempotencyKey: options.idempotencyKey });
  }

  async sendTemplate(to: string, template: WhatsAppTemplate | TemplateContent, options: { idempotencyKey?: string } = {}): Promise<ProviderResult> {
    const spec = 'type' in template ? templateFromContent(template) : template;
    const body = templateBody(spec, this.language) as WhatsAppMessageBody;
    return this.record({ kind: 'template', to, bodies: [body], idempotencyKey: options.idempotencyKey });
  }

  async sendReaction(to: string, messageId: string, emoji: string, options: { idempotencyKey?: string } = {}): Promise<ProviderResult> {
    const body = { type: 'reaction', reaction: { message_id: messageId, emoji } };
    return this.record({ kind: 'reaction', to, bodies: [body], idempotencyKey: options.idempotencyKey });
  }

  async markRead(providerMessageId: string, to: string): Promise<void> {
    const args = markReadArgs(this.name, providerMessageId, to);
    this.recordRead('markRead', { to: args.to, messageId: args.providerMessageId, typing: false });
  }

  async sendTyping(to: string, options: TransportTypingOptions): Promise<void> {
    const args = typingArgs(this.name, to, options);
    if (!args.on) return;
    if (!args.replyToMessageId) throw missingReplyTo(this.name);
    this.recordRead('typing', { to: args.to, messageId: args.replyToMessageId, typing: true });
  }

  /** Forget recorded calls and restart ids; the failure mode stays. */
  reset(): void {
    this.calls.length = 0;
    this.reads.length = 0;
    this.counter = 0;
  }

  private record(call: MockWhatsAppCall): ProviderResult {
    this.calls.push(call);
    if (this.failWith) {
      const { error, code = error, retryable = true } = this.failWith;
      return { success: false, error, metadata: { code, retryable } };
    }
    this.counter += 1;
    return { success: true, providerMessageId: `wamid.mock-${this.counter}` };
  }

  private recordRead(action: 'typing' | 'markRead', call: MockWhatsAppReadCall): void {
    this.reads.push(call);
    if (this.failWith) {
      const { error, code = error, retryable = true } = this.failWith;
      throwIfRefused(this.name, action, { success: false, error, metadata: { code, retryable } });
    }
  }
}
