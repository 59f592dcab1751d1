/**
 * "No hook, channel or provider failure can fail or wedge a room workflow." Failing, refusing and
 * slow channels and throwing hooks, against a real Temporal server; delivery outcomes are read
 * from InboundResult.deliveryResults and from the stored event (RoomKit §5, §16, §17).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Channel, HookResult, MockSMSProvider, SMSChannel, type ChannelBinding, type ChannelType, type DeliverOutput, type RoomEvent,
  type RoomKit,
} from '../../src/index.js';
import { eventually, roomId, startTestKit } from '../support/kit.js';

const text = (body: string) => ({ type: 'text' as const, body });

/** Records what it is given. */
class RecordingChannel extends Channel {
  readonly channelType: ChannelType = 'webhook';
  readonly delivered: RoomEvent[] = [];
  override async deliver(event: RoomEvent, _binding: ChannelBinding): Promise<DeliverOutput> {
    this.delivered.push(event);
    return {};
  }
}

class BoomError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BoomError';
  }
}

/** Throws from `deliver`: every time, or when `shouldFail(event)` says so. */
class FailingChannel extends Channel {
  readonly channelType: ChannelType = 'webhook';
  attempts = 0;
  constructor(id: string, private readonly makeError: () => Error, private readonly shouldFail: (e: RoomEvent) => boolean = () => true) {
    super(id);
  }
  override async deliver(event: RoomEvent): Promise<DeliverOutput> {
    this.attempts += 1;
    if (this.shouldFail(event)) throw this.makeError();
    return {};
  }
}

/** Takes `delayMs` to deliver. */
class SlowChannel extends Channel {
  readonly channelType: ChannelType = 'webhook';
  started = 0;
  finished = 0;
  constructor(id: string, private readonly delayMs: number) {
    super(id);
  }
  override async deliver(): Promise<DeliverOutput> {
    this.started += 1;
    await new Promise((r) => setTimeout(r, this.delayMs));
    this.finished += 1;
    return {};
  }
}

describe('resilience: failing channels, providers and hooks never fail or wedge a room', () => {
  let kit: RoomKit;

  beforeAll(async () => {
    kit = await startTestKit();
  });

  afterAll(async () => {
    await kit?.close();
  });

  const uid = (p: string): string => `${p}-${randomUUID().slice(0, 8)}`;

  function register<C extends Channel>(channel: C): C {
    kit.registerChannel(channel);
    return channel;
  }

  it('a channel whose deliver throws: processInbound resolves, that target is failed with {code, message, retryable}, others still get it, the stored event is DELIVERED with deliveryResults', async () => {
    const src = register(new RecordingChannel(uid('src')));
    const boom = register(new FailingChannel(uid('boom'), () => new BoomError('exploded on purpose')));
    const coded = register(new FailingChannel(uid('coded'), () => Object.assign(new Error('gateway said no'), { code: 'E_GATEWAY' })));
    const ok = register(new RecordingChannel(uid('ok')));
    const smsProvider = new MockSMSProvider();
    const sms = register(new SMSChannel(uid('sms'), { provider: smsProvider }));
    const id = roomId('throw');
    await kit.createRoom({ roomId: id });
    for (const c of [src, boom, coded, ok]) await kit.attachChannel(id, c.channelId);
    await kit.attachChannel(id, sms.channelId, { metadata: { phoneNumber: '+15556660000' } });

    const result = await kit.processInbound({ channelId: src.channelId, senderId: 'u1', content: text('hello all') }, { roomId: id });
    expect(result.blocked).toBe(false);
    expect(result.event?.status).toBe('delivered');

    expect(result.deliveryResults[boom.channelId]).toMatchObject({
      channelId: boom.channelId,
      status: 'failed',
      error: { code: 'BoomError', message: 'exploded on purpose', retryable: true },
    });
    expect(result.deliveryResults[coded.channelId]).toMatchObject({
      status: 'failed',
      error: { code: 'E_GATEWAY', message: 'gateway said no' },
    });
    expect(typeof result.deliveryResults[coded.channelId]?.error?.retryable).toBe('boolean');
    expect(result.deliveryResults[ok.channelId]?.status).toBe('sent');
    expect(result.deliveryResults[sms.channelId]?.status).toBe('sent');
    expect(result.deliveryResults[src.channelId]).toBeUndefined(); // the source is not a target

    expect(ok.delivered.map((e) => e.id)).toEqual([result.event?.id]);
    expect(smsProvider.calls).toHaveLength(1);
    expect(smsProvider.calls[0].to).toBe('+15556660000');
    // No binding retry policy ⇒ one attempt.
    expect(boom.attempts).toBe(1);

    const stored = await kit.store.getEvent(id, result.event?.id as string);
    expect(stored?.status).toBe('delivered');
    expect(stored?.deliveryResults?.[boom.channelId]).toMatchObject({ status: 'failed', error: { code: 'BoomError' } });
    expect(stored?.deliveryResults?.[coded.channelId]).toMatchObject({ status: 'failed', error: { code: 'E_GATEWAY' } });
    expect(stored?.deliveryResults?.[ok.channelId]?.status).toBe('sent');
    expect((await kit.getRoom(id)).status).toBe('active');
  });

  it("a MockSMSProvider refusal (failWith invalid_number, retryable false) ⇒ failed with code 'invalid_number', retryable false", async () => {
    const src = register(new RecordingChannel(uid('src')));
    const provider = new MockSMSProvider({ failWith: { error: 'invalid_number', retryable: false } });
    const sms = register(new SMSChannel(uid('sms-refuse'), { provider }));
    const id = roomId('refuse');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, src.channelId);
    // Even with retries allowed, a permanent refusal is not retried.
    await kit.attachChannel(id, sms.channelId, {
      metadata: { phoneNumber: '+15556660001' }, retryPolicy: { maxRetries: 3, baseDelaySeconds: 0.1, maxDelaySeconds: 0.2 },
    });

    const result = await kit.processInbound({ channelId: src.channelId, senderId: 'u1', content: text('text me') }, { roomId: id });
    expect(result.blocked).toBe(false);
    expect(result.deliveryResults[sms.channelId]).toMatchObject({
      channelId: sms.channelId,
      status: 'failed',
      error: { code: 'invalid_number', retryable: false },
      // What the provider answered is kept with the failure, as RoomKit keeps provider_result.
      providerResult: { success: false, error: 'invalid_number', metadata: { code: 'invalid_number', retryable: false } },
    });
    expect(provider.calls).toHaveLength(1);
    const stored = await kit.store.getEvent(id, result.event?.id as string);
    expect(stored?.status).toBe('delivered');
    expect(stored?.deliveryResults?.[sms.channelId]).toMatchObject({
      status: 'failed', error: { code: 'invalid_number', retryable: false }, providerResult: { success: false, error: 'invalid_number' },
    });

    // The provider recovers: the next message is sent.
    provider.failWith = undefined;
    const next = await kit.processInbound({ channelId: src.channelId, senderId: 'u1', content: text('again') }, { roomId: id });
    expect(next.deliveryResults[sms.channelId]?.status).toBe('sent');
  });

  it('a MockSMSProvider that throws (network) ⇒ failed, retried per the binding policy, the room goes on', async () => {
    const src = register(new RecordingChannel(uid('src')));
    const provider = new MockSMSProvider({ throwError: Object.assign(new Error('ECONNRESET'), { name: 'NetworkError' }) });
    const sms = register(new SMSChannel(uid('sms-net'), { provider }));
    const id = roomId('net');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, src.channelId);
    await kit.attachChannel(id, sms.channelId, {
      metadata: { phoneNumber: '+15556660002' }, retryPolicy: { maxRetries: 2, baseDelaySeconds: 0.1, maxDelaySeconds: 0.2 },
    });
    const result = await kit.processInbound({ channelId: src.channelId, senderId: 'u1', content: text('x') }, { roomId: id });
    expect(result.deliveryResults[sms.channelId]).toMatchObject({ status: 'failed', error: { code: 'NetworkError', retryable: true } });
    expect(provider.calls).toHaveLength(3); // 1 + 2 retries
    // Same provider idempotency key on every retry.
    expect(new Set(provider.calls.map((c) => c.idempotencyKey)).size).toBe(1);
  });

  it('a hook that throws and a channel that fails in the same room: the room keeps serving later messages', async () => {
    const src = register(new RecordingChannel(uid('src')));
    const boom = register(new FailingChannel(uid('boom'), () => new BoomError('nope')));
    const ok = register(new RecordingChannel(uid('ok')));
    const id = roomId('hooks');
    const hookErrors: unknown[] = [];
    kit.on('hook_error', (e) => {
      if (e.roomId === id) hookErrors.push(e.data);
    });
    kit.hook('before_broadcast', { name: uid('throwing-sync'), channelIds: [src.channelId] }, () => {
      throw new Error('sync hook bug');
    });
    kit.hook('after_broadcast', { name: uid('throwing-async'), execution: 'async', channelIds: [src.channelId] }, () => {
      throw new Error('async hook bug');
    });
    await kit.createRoom({ roomId: id });
    for (const c of [src, boom, ok]) await kit.attachChannel(id, c.channelId);

    for (let i = 0; i < 3; i++) {
      const r = await kit.processInbound({ channelId: src.channelId, senderId: 'u1', content: text(`msg ${i}`) }, { roomId: id });
      // A failing hook fails open: the message is delivered, not blocked.
      expect(r.blocked).toBe(false);
      expect(r.event?.status).toBe('delivered');
      expect(r.deliveryResults[boom.channelId]?.status).toBe('failed');
      expect(r.deliveryResults[ok.channelId]?.status).toBe('sent');
    }
    expect(ok.delivered.map((e) => e.content)).toEqual([text('msg 0'), text('msg 1'), text('msg 2')]);
    const state = await kit.roomState(id);
    expect(state.room.status).toBe('active');
    expect(state.counters.queued).toBe(0);
    expect(state.room.eventCount).toBe(6); // 3 attaches + 3 messages
    const messages = (await kit.store.listEvents(id)).filter((e) => e.type === 'message');
    expect(messages.map((m) => m.status)).toEqual(['delivered', 'delivered', 'delivered']);
    await eventually(async () => hookErrors.length >= 3);
  });

  it("a hanging channel does not hold processInbound(wait: 'committed'); wait 'delivered' returns after the delivery", async () => {
    const src = register(new RecordingChannel(uid('src')));
    const slow = register(new SlowChannel(uid('slow'), 3_000));
    const id = roomId('slow');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, src.channelId);
    await kit.attachChannel(id, slow.channelId);

    const t0 = Date.now();
    const committed = await kit.processInbound(
      { channelId: src.channelId, senderId: 'u1', content: text('quick') }, { roomId: id, wait: 'committed' },
    );
    const committedMs = Date.now() - t0;
    expect(committedMs).toBeLessThan(2_000);
    expect(committed.blocked).toBe(false);
    expect(committed.event?.status).toBe('delivered');
    expect(committed.event?.index).toBe(2);
    expect(committed.event?.content).toEqual(text('quick'));
    expect(committed.deliveryResults).toEqual({});
    // Stored already, while the slow delivery is still going.
    expect((await kit.store.getEvent(id, committed.event?.id as string))?.index).toBe(2);
    expect(slow.finished).toBe(0);

    await eventually(async () => slow.finished === 1, 10_000);
    const t1 = Date.now();
    const delivered = await kit.processInbound(
      { channelId: src.channelId, senderId: 'u1', content: text('patient') }, { roomId: id, wait: 'delivered' },
    );
    const deliveredMs = Date.now() - t1;
    expect(deliveredMs).toBeGreaterThanOrEqual(2_900);
    expect(delivered.event?.index).toBe(3);
    expect(delivered.deliveryResults[slow.channelId]?.status).toBe('sent');
    expect(slow.finished).toBe(2);
  });

  it("a slow delivery does not hold the next message's commit: a second wait 'committed' call also returns quickly (§5.2: delivery is off-lock)", async () => {
    const src = register(new RecordingChannel(uid('src')));
    const slow = register(new SlowChannel(uid('slow'), 4_000));
    const id = roomId('slow2');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, src.channelId);
    await kit.attachChannel(id, slow.channelId);

    const first = await kit.processInbound(
      { channelId: src.channelId, senderId: 'u1', content: text('first') }, { roomId: id, wait: 'committed' },
    );
    expect(first.event?.index).toBe(2);
    const t0 = Date.now();
    const second = await kit.processInbound(
      { channelId: src.channelId, senderId: 'u1', content: text('second') }, { roomId: id, wait: 'committed' },
    );
    const secondMs = Date.now() - t0;
    expect(second.event?.index).toBe(3);
    expect(second.event?.status).toBe('delivered');
    // RoomKit commits under the room lock and delivers off-lock: the second commit must not wait
    // for the first message's 4 s delivery.
    expect(secondMs).toBeLessThan(2_000);
    await eventually(async () => slow.finished === 2, 20_000);
  });

  it('a hook that never returns times out (its own timeout) and fails open; the room goes on', async () => {
    const src = register(new RecordingChannel(uid('src')));
    const ok = register(new RecordingChannel(uid('ok')));
    const id = roomId('hang-hook');
    const timeouts: unknown[] = [];
    kit.on('hook_timeout', (e) => {
      if (e.roomId === id) timeouts.push(e.data);
    });
    kit.hook('before_broadcast', { name: uid('hangs'), channelIds: [src.channelId], timeout: 0.5 }, () => new Promise(() => {}));
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, src.channelId);
    await kit.attachChannel(id, ok.channelId);

    const t0 = Date.now();
    const r = await kit.processInbound({ channelId: src.channelId, senderId: 'u1', content: text('hello?') }, { roomId: id });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.blocked).toBe(false);
    expect(r.deliveryResults[ok.channelId]?.status).toBe('sent');
    const r2 = await kit.processInbound({ channelId: src.channelId, senderId: 'u1', content: text('still?') }, { roomId: id });
    expect(r2.event?.index).toBe(3);
    await eventually(async () => timeouts.length >= 2);
  });

  it('a channel that throws a non-Error value (a string, undefined) is reported failed and the room goes on', async () => {
    const src = register(new RecordingChannel(uid('src')));
    const str = register(new FailingChannel(uid('str'), () => 'plain string' as unknown as Error));
    const undef = register(new FailingChannel(uid('undef'), () => undefined as unknown as Error));
    const ok = register(new RecordingChannel(uid('ok')));
    const id = roomId('nonerror');
    await kit.createRoom({ roomId: id });
    for (const c of [src, str, undef, ok]) await kit.attachChannel(id, c.channelId);
    const r = await kit.processInbound({ channelId: src.channelId, senderId: 'u1', content: text('x') }, { roomId: id });
    expect(r.blocked).toBe(false);
    expect(r.deliveryResults[str.channelId]?.status).toBe('failed');
    expect(r.deliveryResults[str.channelId]?.error?.message).toContain('plain string');
    expect(r.deliveryResults[undef.channelId]?.status).toBe('failed');
    expect(r.deliveryResults[ok.channelId]?.status).toBe('sent');
    const r2 = await kit.processInbound({ channelId: src.channelId, senderId: 'u1', content: text('y') }, { roomId: id });
    expect(r2.event?.index).toBe(5);
  });

  it('after 20 sequential messages with failures mixed in, indexes are 0..n-1 with no gaps', async () => {
    const src = register(new RecordingChannel(uid('src')));
    const flaky = register(new FailingChannel(uid('flaky'), () => new BoomError('every third'), (e) => e.index % 3 === 0));
    const refusing = new MockSMSProvider();
    const sms = register(new SMSChannel(uid('sms'), { provider: refusing }));
    kit.hook('before_broadcast', { name: uid('sometimes-throws'), channelIds: [src.channelId] }, (event) => {
      if (event.content.type === 'text' && event.content.body.endsWith('5')) throw new Error('hook bug on 5s');
      return HookResult.allow();
    });
    kit.hook('before_broadcast', { name: uid('blocks-sevens'), channelIds: [src.channelId] }, (event) => {
      if (event.content.type === 'text' && event.content.body.endsWith('7')) return HookResult.block('no sevens');
      return HookResult.allow();
    });
    const id = roomId('gapless');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, src.channelId);
    await kit.attachChannel(id, flaky.channelId);
    await kit.attachChannel(id, sms.channelId, { metadata: { phoneNumber: '+15556660003' } });

    let failed = 0;
    for (let i = 0; i < 20; i++) {
      refusing.failWith = i % 4 === 1 ? { error: 'carrier_down', retryable: true } : undefined;
      const r = await kit.processInbound(
        { channelId: src.channelId, senderId: 'u1', content: text(`message ${i}`), idempotencyKey: `k-${i}` }, { roomId: id },
      );
      failed += Object.values(r.deliveryResults).filter((d) => d.status === 'failed').length;
      if (i === 7 || i === 17) expect(r.blocked).toBe(true);
      else expect(r.blocked).toBe(false);
      // Mixed in: a duplicate (replayed, not stored again) and invalid input (refused, not stored).
      if (i % 5 === 0) {
        const dup = await kit.processInbound(
          { channelId: src.channelId, senderId: 'u1', content: text(`message ${i}`), idempotencyKey: `k-${i}` }, { roomId: id },
        );
        expect(dup.event?.id).toBe(r.event?.id);
        await expect(kit.processInbound(
          { channelId: src.channelId, senderId: 'u1', content: { type: 'text' } as never }, { roomId: id },
        )).rejects.toThrow();
      }
    }
    expect(failed).toBeGreaterThan(5);

    const n = 3 + 20;
    const room = await kit.getRoom(id);
    expect(room.eventCount).toBe(n);
    expect(room.latestIndex).toBe(n - 1);
    const events = await kit.store.listEvents(id, { limit: 1000 });
    expect(events.map((e) => e.index)).toEqual([...Array(n).keys()]);
    const messages = events.filter((e) => e.type === 'message');
    expect(messages.map((m) => (m.content as { body: string }).body)).toEqual(Array.from({ length: 20 }, (_, i) => `message ${i}`));
    expect(messages.filter((m) => m.status === 'blocked').map((m) => m.index)).toEqual([10, 20]);
    expect(new Set(events.map((e) => e.id)).size).toBe(n);
  });
});
