/**
 * An in-memory Teams provider for users' tests: records every send and typing activity and answers
 * like Bot Framework (empty text refused before any call, unknown conversation ⇒
 * `ConversationNotFound` when `knownConversations` is given; typing refusals thrown as the real
 * provider throws them; no `markRead`, as Bot Framework has none).
 */
import { throwIfRefused, typingArgs } from '../actions.js';
import type { TransportProvider } from '../transport.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE } from '../http.js';
import type { TeamsSendOptions, TeamsTypingOptions } from './provider.js';
import { outboundText, type OutboundText } from './outbound.js';

export interface MockTeamsCall {
  event: RoomEvent;
  to: string;
  serviceUrl: string | undefined;
  /** What would have been posted; undefined for a refused empty message. */
  activity: ({ type: 'message' } & OutboundText) | undefined;
}

/** A `{ type: 'typing' }` activity that would have been posted. */
export interface MockTeamsTypingCall {
  to: string;
  serviceUrl: string | undefined;
}

export interface MockTeamsFailure {
  /** Bot Framework's error code, e.g. `BotNotInConversationRoster`. */
  code: string;
  message?: string;
  retryable?: boolean;
  httpStatus?: number;
}

export interface MockTeamsProviderOptions {
  failWith?: MockTeamsFailure;
  /** When given, sends to any other conversation are refused with 404 `ConversationNotFound`. */
  knownConversations?: string[];
}

/**
 * @example
 * const teams = new MockTeamsProvider();
 * await channel.deliver(event, binding);
 * expect(teams.calls[0].activity?.text).toBe('Hello');
 */
export class MockTeamsProvider implements TransportProvider {
  readonly name = 'mock-teams';
  readonly calls: MockTeamsCall[] = [];
  /** Typing activities posted (`on: false` posts nothing, as for real). */
  readonly typing: MockTeamsTypingCall[] = [];
  failWith: MockTeamsFailure | undefined;
  knownConversations: Set<string> | undefined;
  private counter = 0;

  constructor(options: MockTeamsProviderOptions = {}) {
    this.failWith = options.failWith;
    this.knownConversations = options.knownConversations && new Set(options.knownConversations);
  }

  async send(event: RoomEvent, options: TeamsSendOptions): Promise<ProviderResult> {
    const text = outboundText(event.content);
    this.calls.push({
      event: structuredClone(event), to: options.to,
      serviceUrl: typeof options.serviceUrl === 'string' ? options.serviceUrl : undefined,
      activity: text && { type: 'message', ...text },
    });
    if (!text) return EMPTY_MESSAGE;
    const refused = this.refusal(options.to);
    if (refused) return refused;
    this.counter += 1;
    return { success: true, providerMessageId: `mock-teams-${this.counter}` };
  }

  async sendTyping(to: string, options: TeamsTypingOptions): Promise<void> {
    const args = typingArgs(this.name, to, options);
    if (!args.on) return;
    this.typing.push({ to: args.to, serviceUrl: typeof options.serviceUrl === 'string' ? options.serviceUrl : undefined });
    const refused = this.refusal(args.to);
    if (refused) throwIfRefused(this.name, 'typing', refused);
  }

  reset(): void {
    this.calls.length = 0;
    this.typing.length = 0;
    this.counter = 0;
  }

  /** What Bot Framework would refuse an activity to `to` with, if anything. */
  private refusal(to: string): ProviderResult | undefined {
    if (this.failWith) {
      const { code, message = code, retryable = false, httpStatus = 400 } = this.failWith;
      return { success: false, error: message, metadata: { code, retryable, httpStatus } };
    }
    if (this.knownConversations && !this.knownConversations.has(to)) {
      return { success: false, error: 'Conversation not found.', metadata: { code: 'ConversationNotFound', retryable: false, httpStatus: 404 } };
    }
    return undefined;
  }
}
