/**
 * `/metrics` end to end: traffic through a kit on real Temporal (an SMS room with an AI that calls
 * a tool, a message a BEFORE_BROADCAST hook blocks, a channel whose provider is down, a closed
 * room), then a scrape over real HTTP on loopback, checked to the exact count.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AIChannel, createApp, HookResult, MockAIProvider, MockSMSProvider, SMSChannel, type RoomKit,
} from '../../src/index.js';
import { TwilioSMSProvider } from '../../src/providers/twilio/index.js';
import { RoomKitMetrics } from '../../src/telemetry/index.js';
import { eventually, roomId, startTestKit } from '../support/kit.js';

const AUTH_TOKEN = 'metrics-auth-token';
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;

/** One sample's value from the text exposition (`undefined` when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('metrics: GET /metrics after traffic through a kit', () => {
  let kit: RoomKit;
  let server: Server;
  let base: string;
  const room = roomId('metrics');
  const closed = roomId('metrics-closed');

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new SMSChannel('sms', { provider: new MockSMSProvider(), fromNumber: '+15550000000' }));
      k.registerChannel(new SMSChannel('sms-down', {
        provider: new MockSMSProvider({ failWith: { error: 'carrier down', retryable: false } }), fromNumber: '+15550000001',
      }));
      k.registerChannel(new SMSChannel('sms-twilio', {
        provider: new TwilioSMSProvider({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: '+14155552671', baseUrl: 'http://127.0.0.1:9' }),
      }));
      k.registerChannel(new AIChannel('ai', {
        provider: new MockAIProvider({
          aiResponses: [
            { content: '', toolCalls: [{ id: 't1', name: 'lookup_order', arguments: { order_id: 'A1' } }], usage: { inputTokens: 7, outputTokens: 3 } },
            { content: 'Your order A1 has shipped.', usage: { inputTokens: 10, outputTokens: 5 } },
          ],
        }),
        tools: ['lookup_order'],
      }));
      k.tool({
        name: 'lookup_order', description: 'Look up an order', parameters: z.object({ order_id: z.string() }),
        handler: ({ order_id }) => ({ order_id, status: 'shipped' }),
      });
      k.hook('before_tool_use', { name: 'tool-guard' }, () => HookResult.allow());
      k.hook('before_broadcast', { name: 'no-spam' }, (event) =>
        event.content.type === 'text' && event.content.body.includes('SPAM') ? HookResult.block('spam') : HookResult.allow());
    }, { circuitBreaker: { failureThreshold: 1 }, metrics: new RoomKitMetrics() });
    server = createServer(createApp(kit, { metrics: true }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await kit?.close();
  });

  const scrape = async (): Promise<string> => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  it('counts messages in and out, tool calls, tokens, delivery latency and the breaker state exactly', async () => {
    await kit.createRoom({ roomId: room });
    await kit.attachChannel(room, 'sms', { metadata: { phoneNumber: '+15557654321' } });
    await kit.attachChannel(room, 'sms-down', { metadata: { phoneNumber: '+15557654322' } });
    await kit.attachChannel(room, 'ai');

    // Committed: delivered to sms-down (fails, opens its breaker), answered by the AI after one tool call.
    const first = await kit.processInbound({ channelId: 'sms', senderId: '+15557654321', content: { type: 'text', body: 'Where is A1?' } }, { roomId: room });
    expect(first.blocked).toBe(false);
    // Blocked by the hook: stored as blocked, delivered nowhere, not answered.
    const spam = await kit.processInbound({ channelId: 'sms', senderId: '+15557654321', content: { type: 'text', body: 'SPAM SPAM' } }, { roomId: room });
    expect(spam).toMatchObject({ blocked: true, reason: 'spam' });
    // Refused: the room is closed.
    await kit.createRoom({ roomId: closed });
    await kit.closeRoom(closed);
    const refused = await kit.processInbound({ channelId: 'sms', senderId: '+15557654399', content: { type: 'text', body: 'hello?' } }, { roomId: closed });
    expect(refused).toMatchObject({ blocked: true, reason: 'room_closed' });

    // The AI's answer is delivered once the cascade settles: wait for it in the store.
    await eventually(async () => (await kit.store.listEvents(room, { limit: 50 }))
      .some((e) => e.source.channelId === 'ai' && e.content.type === 'text' && e.content.body.includes('shipped')));

    const text = await eventually(async () => {
      const t = await scrape();
      return sample(t, 'roomkit_messages_out_total', { channel: 'sms', status: 'delivered' }) === 1
        && sample(t, 'roomkit_messages_out_total', { channel: 'sms-down', status: 'refused' }) === 1 ? t : undefined;
    });
    const value = (name: string, labels: Record<string, string>) => sample(text, name, labels);

    expect(value('roomkit_messages_in_total', { channel: 'sms', outcome: 'committed' })).toBe(1);
    expect(value('roomkit_messages_in_total', { channel: 'sms', outcome: 'blocked' })).toBe(1);
    expect(value('roomkit_messages_in_total', { channel: 'sms', outcome: 'refused' })).toBe(1);
    // sms got the AI's answer; sms-down failed the customer's message and, its breaker open, refused the answer.
    expect(value('roomkit_messages_out_total', { channel: 'sms', status: 'delivered' })).toBe(1);
    expect(value('roomkit_messages_out_total', { channel: 'sms-down', status: 'failed' })).toBe(1);
    expect(value('roomkit_messages_out_total', { channel: 'sms-down', status: 'refused' })).toBe(1);
    expect(value('roomkit_messages_out_total', { channel: 'sms-down', status: 'delivered' })).toBeUndefined();
    // Two provider sends (one each); the denied one never reached the provider.
    expect(value('roomkit_delivery_duration_seconds_count', { channel: 'sms' })).toBe(1);
    expect(value('roomkit_delivery_duration_seconds_count', { channel: 'sms-down' })).toBe(1);
    expect(value('roomkit_tool_calls_total', { tool: 'lookup_order', outcome: 'ok' })).toBe(1);
    expect(value('roomkit_ai_tokens_total', { channel: 'ai', provider: 'mock', kind: 'input' })).toBe(17);
    expect(value('roomkit_ai_tokens_total', { channel: 'ai', provider: 'mock', kind: 'output' })).toBe(8);
    expect(value('roomkit_ai_generation_duration_seconds_count', { channel: 'ai', provider: 'mock', outcome: 'ok' })).toBe(2);
    expect(value('roomkit_hook_duration_seconds_count', { hook: 'no-spam', trigger: 'before_broadcast', outcome: 'blocked' })).toBe(1);
    expect(value('roomkit_hook_duration_seconds_count', { hook: 'no-spam', trigger: 'before_broadcast', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(value('roomkit_hook_duration_seconds_count', { hook: 'tool-guard', trigger: 'before_tool_use', outcome: 'ok' })).toBe(1);
    expect(value('roomkit_circuit_breaker_state', { channel: 'sms-down' })).toBe(2);
    expect(value('roomkit_circuit_breaker_state', { channel: 'sms' })).toBe(0);
  });

  it('a webhook with a bad signature counts a signature failure for its channel', async () => {
    const url = `${base}/webhooks/sms-twilio`;
    const params = { MessageSid: `SM${'0'.repeat(32)}`, AccountSid: ACCOUNT_SID, From: '+14155550101', To: '+14155552671', Body: 'hi' };
    const body = new URLSearchParams(params).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const wrong = await fetch(url, { method: 'POST', headers: { ...headers, 'x-twilio-signature': twilio.getExpectedTwilioSignature('wrong-token', url, params) }, body });
    expect(wrong.status).toBe(403);
    const missing = await fetch(url, { method: 'POST', headers, body });
    expect(missing.status).toBe(401);
    expect(sample(await scrape(), 'roomkit_webhook_signature_failures_total', { channel: 'sms-twilio' })).toBe(2);
  });

  it('is not served unless asked for', async () => {
    const other = createServer(createApp(kit));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(other.address() as AddressInfo).port}/metrics`);
      expect(res.status).toBe(404);
    } finally {
      other.closeAllConnections();
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });
});
