/**
 * An in-memory Messenger provider for users' tests: records the Send API messages and sender actions
 * that would have gone out and refuses like Meta (empty content; untagged sends outside the 24-hour
 * window; `failWith` refuses sender actions too, thrown as the real provider throws them).
 */
import { markReadArgs, throwIfRefused, typingArgs } from '../actions.js';
import type { TransportProvider, TransportTypingOptions } from '../transport.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE } from '../http.js';
import { isWindowClosed } from '../meta/window.js';
import type { MessengerSendOptions } from './provider.js';
import type { MessengerSenderAction } from './client.js';
import { messengerMessages, type MessengerMessage } from './payload.js';
import { messengerWindowClosedResult } from './window.js';

export interface MockMessengerCall {
  to: string;
  messages: MessengerMessage[];
  event: RoomEvent;
  tag?: string;
  idempotencyKey?: string;
}

/** A sender action that would have been posted (`{ recipient: { id: to }, sender_action }`). */
export interface MockMessengerAction {
  to: string;
  senderAction: MessengerSenderAction;
}

export interface MockMessengerFailure {
  error: string;
  code?: string;
  retryable?: boolean;
}

/**
 * @example
 * const fb = new MockMessengerProvider();
 * await channel.deliver(event, binding, ctx);
 * expect(fb.calls[0].messages[0]).toEqual({ text: 'Hi' });
 */
export class MockMessengerProvider implements TransportProvider {
  readonly name = 'mock-messenger';
  readonly calls: MockMessengerCall[] = [];
  /** Typing and seen sender actions, in order. */
  readonly actions: MockMessengerAction[] = [];
  failWith: MockMessengerFailure | undefined;
  private readonly now: () => number;
  private counter = 0;

  constructor(options: { failWith?: MockMessengerFailure; now?: () => number } = {}) {
    this.failWith = options.failWith;
    this.now = options.now ?? Date.now;
  }

  async send(event: RoomEvent, options: MessengerSendOptions): Promise<ProviderResult> {
    const messages = messengerMessages(event.content);
    if (messages.length === 0) return EMPTY_MESSAGE;
    const tagged = Boolean(options.tag) || options.messagingType === 'MESSAGE_TAG';
    if (!tagged && isWindowClosed(options.lastInboundAt, this.now())) return messengerWindowClosedResult({ decidedLocally: true });
    this.calls.push({ to: options.to, messages, event: structuredClone(event), tag: options.tag, idempotencyKey: options.idempotencyKey });
    if (this.failWith) {
      const { error, code = error, retryable = true } = this.failWith;
      return { success: false, error, metadata: { code, retryable } };
    }
    this.counter += 1;
    return { success: true, providerMessageId: `m_mock-${this.counter}` };
  }

  async sendTyping(to: string, options: TransportTypingOptions): Promise<void> {
    const args = typingArgs(this.name, to, options);
    this.act('typing', { to: args.to, senderAction: args.on ? 'typing_on' : 'typing_off' });
  }

  /** Like Meta's `mark_seen`: the message id is checked but not sent. */
  async markRead(providerMessageId: string, to: string): Promise<void> {
    const args = markReadArgs(this.name, providerMessageId, to);
    this.act('markRead', { to: args.to, senderAction: 'mark_seen' });
  }

  reset(): void {
    this.calls.length = 0;
    this.actions.length = 0;
    this.counter = 0;
  }

  private act(action: 'typing' | 'markRead', call: MockMessengerAction): void {
    this.actions.push(call);
    if (this.failWith) {
      const { error, code = error, retryable = true } = this.failWith;
      throwIfRefused(this.name, action, { success: false, error, metadata: { code, retryable } });
    }
  }
}
