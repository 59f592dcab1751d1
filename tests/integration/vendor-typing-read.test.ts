/**
 * An AI answering a vendor's user shows it there (issue «Realtime», item 4): the inbound message is
 * marked read and the vendor's typing indicator is on before the answer is sent (WhatsApp: both on
 * the wamid from the webhook; Messenger: `mark_seen`, `typing_on`), best effort (a vendor that
 * refuses does not stop the answer), once per generation (a Temporal retry does not send it again);
 * and the AI channel's own `typing_start` / `typing_stop` reach the room's subscribers.
 * Real Temporal, through the public API; vendors are the in-memory mocks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AIChannel, MessengerChannel, WhatsAppChannel, type EphemeralEvent, type InboundMessage, type RoomEvent, type RoomKit,
} from '../../src/index.js';
import { AIProviderError, MockAIProvider } from '../../src/providers/ai/index.js';
import { MockMessengerProvider, parseMessengerPayload } from '../../src/providers/messenger/index.js';
import { MockWhatsAppProvider, parseWhatsAppPayload, type WhatsAppSendOptions } from '../../src/providers/whatsapp/index.js';
import type { TransportTypingOptions } from '../../src/providers/transport.js';
import type { ProviderResult } from '../../src/models/index.js';
import { eventually, roomId, startTestKit } from '../support/kit.js';

const GRAPH = { graphBaseUrl: 'https://graph.facebook.com', apiVersion: 'v21.0' };

/** The WhatsApp mock, with one timeline of what reached "Meta" (reads, typing and sends, in order). */
class TimelineWhatsApp extends MockWhatsAppProvider {
  readonly timeline: string[] = [];
  failReads = false;

  override async markRead(providerMessageId: string, to: string): Promise<void> {
    this.timeline.push(`read ${to} ${providerMessageId}`);
    if (this.failReads) throw new Error('Meta is down for read receipts');
    return super.markRead(providerMessageId, to);
  }

  override async sendTyping(to: string, options: TransportTypingOptions): Promise<void> {
    this.timeline.push(`typing ${to} ${options.replyToMessageId ?? '-'} ${options.on ? 'on' : 'off'}`);
    return super.sendTyping(to, options);
  }

  override async send(event: RoomEvent, options: WhatsAppSendOptions): Promise<ProviderResult> {
    this.timeline.push(`send ${options.to} ${event.content.type === 'text' ? event.content.body : event.content.type}`);
    return super.send(event, options);
  }

  of(to: string): string[] {
    return this.timeline.filter((line) => line.split(' ')[1] === to);
  }
}

function whatsappWebhook(from: string, wamid: string, body: string): InboundMessage {
  const outcome = parseWhatsAppPayload({
    object: 'whatsapp_business_account',
    entry: [{
      id: 'WABA-1',
      changes: [{
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '15550001111', phone_number_id: 'PNID-1' },
          contacts: [{ wa_id: from, profile: { name: 'Ada' } }],
          messages: [{ from, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body } }],
        },
      }],
    }],
  }, 'wa', GRAPH);
  if (outcome.kind !== 'messages') throw new Error(`expected a message, got ${outcome.kind}`);
  return outcome.messages[0];
}

function messengerWebhook(psid: string, mid: string, text: string): InboundMessage {
  const outcome = parseMessengerPayload({
    object: 'page',
    entry: [{
      id: 'PAGE-1', time: Date.now(),
      messaging: [{ sender: { id: psid }, recipient: { id: 'PAGE-1' }, timestamp: Date.now(), message: { mid, text } }],
    }],
  }, 'fb');
  if (outcome.kind !== 'messages') throw new Error(`expected a message, got ${outcome.kind}`);
  return outcome.messages[0];
}

const unique = (): string => String(Math.floor(Math.random() * 1e10)).padStart(10, '0');

describe('vendor typing and read receipts while an AI answers (real Temporal)', () => {
  let kit: RoomKit;
  const wa = new TimelineWhatsApp();
  const fb = new MockMessengerProvider();
  let flakyCalls = 0;
  const providers = {
    ai: new MockAIProvider({ responses: ['On it.'], delayMs: 300 }),
    'ai-tools': new MockAIProvider({
      aiResponses: [
        { content: '', toolCalls: [{ id: 'call-1', name: 'order_status', arguments: { id: 'A1' } }], finishReason: 'tool_use' },
        { content: 'A1 has shipped.', finishReason: 'stop' },
      ],
    }),
    'ai-flaky': new MockAIProvider({
      responses: ['Back again.'],
      error: () => (++flakyCalls === 1 ? new AIProviderError('overloaded', { provider: 'mock', retryable: true }) : undefined),
    }),
  };

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new WhatsAppChannel('wa', { provider: wa }));
      k.registerChannel(new MessengerChannel('fb', { provider: fb }));
      k.registerChannel(new AIChannel('ai', { provider: providers.ai }));
      k.registerChannel(new AIChannel('ai-tools', { provider: providers['ai-tools'], tools: ['order_status'] }));
      k.registerChannel(new AIChannel('ai-flaky', { provider: providers['ai-flaky'] }));
      k.tool({
        name: 'order_status', description: 'An order status', parameters: z.object({ id: z.string() }),
        handler: ({ id }) => ({ id, status: 'shipped' }),
      });
    });
  });
  afterAll(async () => {
    await kit.close();
  });

  /** A room with one vendor binding and one AI; the AI channel's own ephemeral events are collected. */
  async function room(transport: 'wa' | 'fb', ai: keyof typeof providers, recipient: string) {
    const id = roomId(transport);
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, transport, { metadata: transport === 'wa' ? { phoneNumber: recipient } : { facebookUserId: recipient } });
    await kit.attachChannel(id, ai);
    const live: EphemeralEvent[] = [];
    await kit.subscribeRoom(id, (e) => {
      if (e.userId === ai) live.push(e);
    });
    return { id, live };
  }

  const typingOf = (live: EphemeralEvent[]) => live.map((e) => e.type).filter((t) => t === 'typing_start' || t === 'typing_stop');

  it('WhatsApp: the wamid is marked read and typing shows on it before the answer goes out; the AI publishes typing_start/stop', async () => {
    const phone = unique();
    const wamid = `wamid.HBgL${unique()}`;
    const { id, live } = await room('wa', 'ai', phone);

    const result = await kit.processInbound(whatsappWebhook(phone, wamid, 'Where is my order?'), { roomId: id });
    expect(result.error).toBeUndefined();

    const stored = await kit.store.listEvents(id, { limit: 50 });
    expect(stored.find((e) => e.source.channelType === 'whatsapp')?.source.providerMessageId).toBe(wamid);
    expect(wa.of(phone)).toEqual([`read ${phone} ${wamid}`, `typing ${phone} ${wamid} on`, `send ${phone} On it.`]);
    expect(wa.reads.filter((r) => r.to === phone)).toEqual([
      { to: phone, messageId: wamid, typing: false },
      { to: phone, messageId: wamid, typing: true },
    ]);

    await eventually(async () => typingOf(live).length === 2);
    expect(typingOf(live)).toEqual(['typing_start', 'typing_stop']);
    expect(live[0]).toMatchObject({ roomId: id, userId: 'ai', data: { event_id: result.event?.id } });
  });

  it('Messenger: mark_seen and typing_on reach the user before the answer; a tool round keeps the AI typing until its final answer', async () => {
    const psid = unique();
    const { id, live } = await room('fb', 'ai-tools', psid);

    const result = await kit.processInbound(messengerWebhook(psid, `m_${unique()}`, 'Is A1 shipped?'), { roomId: id });
    expect(result.error).toBeUndefined();

    expect(fb.actions.filter((a) => a.to === psid)).toEqual([
      { to: psid, senderAction: 'mark_seen' },
      { to: psid, senderAction: 'typing_on' },
    ]);
    const sent = fb.calls.filter((c) => c.to === psid);
    expect(sent.map((c) => c.messages)).toEqual([[{ text: 'A1 has shipped.' }]]);

    await eventually(async () => typingOf(live).includes('typing_stop'));
    await new Promise((r) => setTimeout(r, 200));
    // Started once at round 0, stopped once with the final answer (not after the tool round).
    expect(typingOf(live)).toEqual(['typing_start', 'typing_stop']);
  });

  it('a vendor whose read receipt throws does not stop the answer; typing still goes out', async () => {
    const phone = unique();
    const wamid = `wamid.HBgL${unique()}`;
    const { id } = await room('wa', 'ai', phone);
    wa.failReads = true;
    try {
      const result = await kit.processInbound(whatsappWebhook(phone, wamid, 'Hello?'), { roomId: id });
      expect(result.error).toBeUndefined();
      const answer = (await kit.store.listEvents(id, { limit: 50 })).find((e) => e.source.channelId === 'ai');
      expect(answer?.content).toEqual({ type: 'text', body: 'On it.' });
      expect(answer?.deliveryResults).toBeUndefined(); // written only when a delivery failed
    } finally {
      wa.failReads = false;
    }
    expect(wa.of(phone)).toEqual([`read ${phone} ${wamid}`, `typing ${phone} ${wamid} on`, `send ${phone} On it.`]);
    expect(wa.calls.filter((c) => c.to === phone)).toHaveLength(1);
  });

  it('a retried generation does not mark read or send typing again; the answer is still delivered', async () => {
    const phone = unique();
    const wamid = `wamid.HBgL${unique()}`;
    const { id, live } = await room('wa', 'ai-flaky', phone);

    const result = await kit.processInbound(whatsappWebhook(phone, wamid, 'Anyone?'), { roomId: id });
    expect(result.error).toBeUndefined();
    expect(providers['ai-flaky'].calls).toHaveLength(2);
    expect(wa.of(phone)).toEqual([`read ${phone} ${wamid}`, `typing ${phone} ${wamid} on`, `send ${phone} Back again.`]);

    // The UIs saw the failed attempt stop typing and the retry start again.
    await eventually(async () => typingOf(live).length === 4);
    expect(typingOf(live)).toEqual(['typing_start', 'typing_stop', 'typing_start', 'typing_stop']);
  });
});
