/**
 * Who may write, who reads, what each target receives (semantics §4 step 9i, §5.1–5.3, §6.1–6.2,
 * §8, §26 quirks 4 and 5), against a real room workflow.
 *
 * Channels are registered once for the file; bindings (access, visibility, direction, muted) are per
 * room, so every test builds its own room. Mock calls are filtered by room id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AIChannel, MockAIProvider, MockSMSProvider, type RoomKit, SMSChannel, TransportChannel, WebSocketChannel,
  type BindingOptions, type EventContent, type FrameworkEvent, type RoomEvent, type WebSocketFrame,
} from '../../src/index.js';
import { eventually, roomId, startTestKit } from '../support/kit.js';

const WS = 'pm-ws';
const AI = 'pm-ai';
const PLAIN = 'pm-plain';
const SMS_IDS = ['pm-sms-a', 'pm-sms-b', 'pm-sms-c', 'pm-sms-d', 'pm-sms-e'] as const;
type SmsId = (typeof SMS_IDS)[number];
const [A, B, C, D, E] = SMS_IDS;
const PHONE = { metadata: { phoneNumber: '+15550001' } };
const INTEL = { category: 'intelligence' } as const;

let kit: RoomKit;
const ws = new WebSocketChannel(WS);
const smsProviders = Object.fromEntries(SMS_IDS.map((id) => [id, new MockSMSProvider()])) as Record<SmsId, MockSMSProvider>;
const plainProvider = new MockSMSProvider();
const aiProvider = new MockAIProvider({ responses: ['AI here'] });
const framework: FrameworkEvent[] = [];

beforeAll(async () => {
  kit = await startTestKit((k) => {
    k.registerChannel(ws);
    for (const id of SMS_IDS) k.registerChannel(new SMSChannel(id, { provider: smsProviders[id], fromNumber: '+15550000' }));
    // A text-only transport (no MEDIA/RICH/LOCATION), to observe transcoding fallbacks.
    k.registerChannel(new TransportChannel(PLAIN, { channelType: 'webhook', provider: plainProvider, recipientKey: 'phoneNumber' }));
    k.registerChannel(new AIChannel(AI, { provider: aiProvider }));
  });
  kit.on('event_blocked', (e) => { framework.push(e); });
});

afterAll(async () => {
  await kit?.close();
});

/**
 * A room with the WebSocket channel (with one subscribed connection recording frames) and the given
 * channels attached with their binding options.
 */
async function room(wsOptions: BindingOptions, others: [string, BindingOptions][] = []) {
  const id = roomId('perm');
  const frames: WebSocketFrame[] = [];
  ws.registerConnection(`conn-${id}`, (f) => { frames.push(f); }, { roomId: id });
  await kit.createRoom({ roomId: id });
  await kit.attachChannel(id, WS, wsOptions);
  for (const [channelId, options] of others) await kit.attachChannel(id, channelId, options);
  return { id, frames };
}

const fromWs = (id: string, content: EventContent | string, extra: Record<string, unknown> = {}) =>
  kit.processInbound({
    channelId: WS, senderId: 'user-1', content: typeof content === 'string' ? { type: 'text', body: content } : content, ...extra,
  }, { roomId: id });

const events = (id: string) => kit.store.listEvents(id, { limit: 200 });
const bodyOf = (e: RoomEvent | undefined) => (e && 'body' in e.content ? e.content.body : undefined);
const received = (p: MockSMSProvider, id: string) => p.calls.filter((c) => c.event.roomId === id).map((c) => c.event);
const smsGot = (sms: SmsId, id: string) => received(smsProviders[sms], id);
const wsGot = (frames: WebSocketFrame[]) => frames.flatMap((f) => (f.type === 'event' || f.type === 'stream_end' ? [f.event] : []));
const aiCalls = (id: string) => aiProvider.calls.filter((c) => c.metadata?.roomId === id);
const stored = async (id: string, eventId: string | undefined) => (await events(id)).find((e) => e.id === eventId);

describe('source write permissions', () => {
  it('a muted source: inbound stored BLOCKED source_muted, broadcast to nobody', async () => {
    const { id, frames } = await room({}, [[A, PHONE]]);
    await kit.mute(id, WS);

    const result = await fromWs(id, 'can you hear me?');

    expect(result.blocked).toBe(true);
    expect(result.reason).toBe('source_muted');
    const ev = await stored(id, result.event?.id);
    expect(ev?.status).toBe('blocked');
    expect(ev?.blockedBy).toBe('source_muted');
    expect(bodyOf(ev)).toBe('can you hear me?');
    expect(smsGot(A, id)).toEqual([]);
    expect(frames).toEqual([]);
    const blocked = await eventually(async () => framework.find((e) => e.roomId === id));
    expect(blocked.data).toMatchObject({ reason: 'source_muted', blocked_by: 'source_muted' });
  });

  it('a READ_ONLY source: inbound stored BLOCKED source_read_only', async () => {
    const { id } = await room({ access: 'read_only' }, [[A, PHONE]]);

    const result = await fromWs(id, 'observer speaking');

    expect(result.blocked).toBe(true);
    expect(result.reason).toBe('source_read_only');
    const ev = await stored(id, result.event?.id);
    expect(ev?.status).toBe('blocked');
    expect(ev?.blockedBy).toBe('source_read_only');
    expect(smsGot(A, id)).toEqual([]);
  });

  it('a source with access NONE: inbound stored BLOCKED source_read_only', async () => {
    const { id } = await room({ access: 'none' }, [[A, PHONE]]);

    const result = await fromWs(id, 'nobody hears this');

    expect(result.blocked).toBe(true);
    expect(result.reason).toBe('source_read_only');
    expect((await stored(id, result.event?.id))?.status).toBe('blocked');
    expect(smsGot(A, id)).toEqual([]);
  });

  it('a WRITE_ONLY source can write', async () => {
    const { id } = await room({ access: 'write_only' }, [[A, PHONE]]);

    const result = await fromWs(id, 'announcement');

    expect(result.blocked).toBe(false);
    expect((await stored(id, result.event?.id))?.status).toBe('delivered');
    expect(smsGot(A, id).map(bodyOf)).toEqual(['announcement']);
  });
});

describe('unbound sources', () => {
  it('a detached (tombstoned) source: committed DELIVERED without broadcast and not re-attached', async () => {
    const { id, frames } = await room({}, [[A, PHONE], [B, PHONE]]);
    await kit.detachChannel(id, A);

    const result = await kit.processInbound(
      { channelId: A, senderId: '+15559999', content: { type: 'text', body: 'after detach' } }, { roomId: id },
    );

    expect(result.blocked).toBe(false);
    expect((await stored(id, result.event?.id))?.status).toBe('delivered');
    expect(smsGot(B, id)).toEqual([]);
    expect(frames).toEqual([]);
    expect((await kit.listBindings(id)).map((b) => b.channelId).sort()).toEqual([B, WS].sort());
  });

  it('a channel never attached to the room is auto-attached (read_write, all) and its message broadcast', async () => {
    const { id, frames } = await room({}, [[B, PHONE]]);

    const result = await kit.processInbound(
      { channelId: C, senderId: '+15557777', content: { type: 'text', body: 'new here' } }, { roomId: id },
    );

    expect(result.blocked).toBe(false);
    const binding = await kit.getBinding(id, C);
    expect(binding).toMatchObject({ access: 'read_write', visibility: 'all', category: 'transport' });
    const all = await events(id);
    const attached = all.filter((e) => e.content.type === 'system' && e.content.code === 'channel_attached');
    expect(attached).toHaveLength(3);
    expect(result.event!.index).toBeGreaterThan(attached[2].index);
    expect(smsGot(B, id).map(bodyOf)).toEqual(['new here']);
    expect(wsGot(frames).map(bodyOf)).toEqual(['new here']);
  });
});

describe('target read permissions', () => {
  it('READ_ONLY and muted targets receive; WRITE_ONLY, NONE and outbound-direction targets do not', async () => {
    const { id } = await room({}, [
      [A, { ...PHONE, access: 'read_only' }],
      [B, { ...PHONE, access: 'write_only' }],
      [C, { ...PHONE, access: 'none' }],
      [D, PHONE],
      [E, { ...PHONE, direction: 'outbound' }],
    ]);
    await kit.mute(id, D);

    const result = await fromWs(id, 'who reads this?');

    expect(result.blocked).toBe(false);
    expect(smsGot(A, id).map(bodyOf)).toEqual(['who reads this?']);
    expect(smsGot(B, id)).toEqual([]);
    expect(smsGot(C, id)).toEqual([]);
    expect(smsGot(D, id).map(bodyOf)).toEqual(['who reads this?']);
    expect(smsGot(E, id)).toEqual([]);
    expect(Object.keys(result.deliveryResults).sort()).toEqual([A, D]);
  });

  it('self-skip: the source channel never receives its own event', async () => {
    const { id, frames } = await room({}, [[A, PHONE], [B, PHONE]]);

    const result = await kit.processInbound(
      { channelId: A, senderId: '+15559999', content: { type: 'text', body: 'from sms a' } }, { roomId: id },
    );

    expect(result.blocked).toBe(false);
    expect(smsGot(A, id)).toEqual([]);
    expect(smsGot(B, id).map(bodyOf)).toEqual(['from sms a']);
    expect(wsGot(frames).map(bodyOf)).toEqual(['from sms a']);
    expect(Object.keys(result.deliveryResults).sort()).toEqual([B, WS].sort());
  });
});

describe('visibility', () => {
  it("binding visibility 'transport' on the source: the AI does not get the event, SMS does; stored keeps 'all'", async () => {
    const { id } = await room({ visibility: 'transport' }, [[A, PHONE], [AI, INTEL]]);

    const result = await fromWs(id, 'for transports only');

    expect(result.blocked).toBe(false);
    expect(smsGot(A, id).map(bodyOf)).toEqual(['for transports only']);
    expect(aiCalls(id)).toEqual([]);
    const ev = await stored(id, result.event?.id);
    expect(ev?.visibility).toBe('all');
    expect((await events(id)).filter((e) => e.source.channelId === AI)).toEqual([]);
  });

  it("message visibility 'pm-sms-b' reaches only sms-b", async () => {
    const { id, frames } = await room({}, [[A, PHONE], [B, PHONE], [C, PHONE]]);

    const result = await fromWs(id, 'psst, b', { visibility: B });

    expect(result.blocked).toBe(false);
    expect(smsGot(A, id)).toEqual([]);
    expect(smsGot(B, id).map(bodyOf)).toEqual(['psst, b']);
    expect(smsGot(C, id)).toEqual([]);
    expect(frames).toEqual([]);
    expect((await stored(id, result.event?.id))?.visibility).toBe(B);
  });

  it("a comma list 'pm-sms-a,pm-sms-b' reaches exactly those channels", async () => {
    const { id } = await room({}, [[A, PHONE], [B, PHONE], [C, PHONE]]);

    await fromWs(id, 'a and b', { visibility: `${A},${B}` });

    expect(smsGot(A, id).map(bodyOf)).toEqual(['a and b']);
    expect(smsGot(B, id).map(bodyOf)).toEqual(['a and b']);
    expect(smsGot(C, id)).toEqual([]);
  });

  it("message visibility 'transport' reaches transports only; 'intelligence' reaches the AI only", async () => {
    const t = await room({}, [[A, PHONE], [AI, INTEL]]);
    await fromWs(t.id, 'transports please', { visibility: 'transport' });
    expect(smsGot(A, t.id).map(bodyOf)).toEqual(['transports please']);
    expect(aiCalls(t.id)).toEqual([]);

    const i = await room({}, [[A, PHONE], [AI, INTEL]]);
    await fromWs(i.id, 'AI please', { visibility: 'intelligence' });
    expect(smsGot(A, i.id).filter((e) => bodyOf(e) === 'AI please')).toEqual([]);
    expect(aiCalls(i.id)).toHaveLength(1);
  });

  it.each(['internal', 'none'])("visibility '%s': stored only, delivered to nobody, no AI", async (visibility) => {
    const { id } = await room({}, [[A, PHONE], [B, PHONE], [AI, INTEL]]);

    const result = await fromWs(id, `note (${visibility})`, { visibility });

    expect(result.blocked).toBe(false);
    const ev = await stored(id, result.event?.id);
    expect(ev?.status).toBe('delivered');
    expect(ev?.visibility).toBe(visibility);
    expect(smsGot(A, id)).toEqual([]);
    expect(smsGot(B, id)).toEqual([]);
    expect(aiCalls(id)).toEqual([]);
    expect(result.deliveryResults).toEqual({});
  });
});

describe('AI history obeys visibility (§6.1 rule 8)', () => {
  it('messages the AI could not read never come back to it as history', async () => {
    const { id } = await room({}, [[A, PHONE], [AI, INTEL]]);

    await fromWs(id, 'secret for sms-a', { visibility: A });
    await fromWs(id, 'internal note', { visibility: 'internal' });
    await fromWs(id, 'hello everyone');

    const calls = aiCalls(id);
    expect(calls).toHaveLength(1);
    expect(calls[0].messages).toEqual([{ role: 'user', content: 'hello everyone' }]);
  });

  it("a source bound with visibility 'transport' stays hidden from the AI's history", async () => {
    const { id } = await room({}, [[A, PHONE], [AI, INTEL]]);
    await kit.setVisibility(id, A, 'transport');

    await kit.processInbound({ channelId: A, senderId: '+15559999', content: { type: 'text', body: 'sms only' } }, { roomId: id });
    await fromWs(id, 'question for the AI');

    const calls = aiCalls(id);
    expect(calls).toHaveLength(1);
    expect(calls[0].messages).toEqual([{ role: 'user', content: 'question for the AI' }]);
  });
});

describe('transcoding and length', () => {
  it('RichContent reaches SMS as its plain text and the WebSocket as rich', async () => {
    const { id, frames } = await room({}, [[A, PHONE], [B, PHONE]]);
    const rich: EventContent = { type: 'rich', body: '**hi**', plainText: 'hi' };

    // Sent from sms-b so that both sms-a and the WebSocket are targets.
    const result = await kit.processInbound({ channelId: B, senderId: '+15558888', content: rich }, { roomId: id });

    expect(result.blocked).toBe(false);
    expect(smsGot(A, id).map((e) => e.content)).toEqual([{ type: 'text', body: 'hi' }]);
    expect(wsGot(frames).map((e) => e.content)).toEqual([rich]);
    expect((await stored(id, result.event?.id))?.content).toEqual(rich);
  });

  it('SMS max length 1600: a 2000-char body reaches SMS as 1597 chars + "...", the stored event keeps it whole', async () => {
    const { id, frames } = await room({}, [[A, PHONE]]);
    const body = 'x'.repeat(1000) + 'y'.repeat(1000);

    const result = await fromWs(id, body);

    const [sent] = smsGot(A, id);
    expect(sent.content.type).toBe('text');
    expect(bodyOf(sent)).toBe(body.slice(0, 1597) + '...');
    expect(bodyOf(sent)).toHaveLength(1600);
    expect(bodyOf(await stored(id, result.event?.id))).toBe(body);
    expect(frames).toEqual([]); // the WebSocket is the source
  });

  it('LocationContent reaches SMS as "[Location: Montreal (45.5, -73.6)]"', async () => {
    const { id } = await room({}, [[A, PHONE]]);
    const location: EventContent = { type: 'location', latitude: 45.5, longitude: -73.6, label: 'Montreal' };

    const result = await fromWs(id, location);

    expect(smsGot(A, id).map((e) => e.content)).toEqual([{ type: 'text', body: '[Location: Montreal (45.5, -73.6)]' }]);
    expect((await stored(id, result.event?.id))?.content).toEqual(location);
  });

  it('media with a caption reaches a text-only transport as "[Media: caption]" and SMS (media-capable) unchanged', async () => {
    const { id } = await room({}, [[A, PHONE], [PLAIN, PHONE]]);
    const media: EventContent = { type: 'media', url: 'https://example.com/cat.jpg', mimeType: 'image/jpeg', caption: 'my cat' };

    await fromWs(id, media);

    expect(received(plainProvider, id).map((e) => e.content)).toEqual([{ type: 'text', body: '[Media: my cat]' }]);
    expect(smsGot(A, id).map((e) => e.content)).toEqual([media]);
  });
});

describe('delivery results', () => {
  it("deliveryResults has 'sent' for each transport, with the provider message id", async () => {
    const { id } = await room({}, [[A, PHONE], [B, PHONE]]);
    await kit.attachChannel(id, C, PHONE);

    const result = await kit.processInbound(
      { channelId: C, senderId: '+15557777', content: { type: 'text', body: 'report please' } }, { roomId: id },
    );

    expect(Object.keys(result.deliveryResults).sort()).toEqual([A, B, WS].sort());
    for (const sms of [A, B]) {
      const r = result.deliveryResults[sms];
      expect(r.status).toBe('sent');
      expect(r.channelId).toBe(sms);
      expect(r.providerMessageId).toMatch(/^mock-sms-\d+$/);
      expect(r.error).toBeUndefined();
    }
    expect(result.deliveryResults[WS].status).toBe('sent');
    // Nothing failed: the stored event carries no delivery map.
    expect((await stored(id, result.event?.id))?.deliveryResults).toBeUndefined();
  });

  it("an SMS binding without phoneNumber: 'failed' missing_recipient (not retryable), map written on the DELIVERED event", async () => {
    const { id } = await room({}, [[A, {}], [B, PHONE]]);

    const result = await fromWs(id, 'to nobody in particular');

    expect(result.blocked).toBe(false);
    const failed = result.deliveryResults[A];
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('missing_recipient');
    expect(failed.error?.retryable).toBe(false);
    expect(result.deliveryResults[B].status).toBe('sent');
    expect(smsGot(A, id)).toEqual([]);

    const ev = await stored(id, result.event?.id);
    expect(ev?.status).toBe('delivered');
    expect(ev?.deliveryResults?.[A]?.status).toBe('failed');
    expect(ev?.deliveryResults?.[A]?.error?.code).toBe('missing_recipient');
    expect(ev?.deliveryResults?.[B]?.status).toBe('sent');
  });
});
