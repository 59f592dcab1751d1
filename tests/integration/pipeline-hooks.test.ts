/**
 * BEFORE_BROADCAST / AFTER_BROADCAST / lifecycle hooks against a real room workflow
 * (semantics §4 steps 9h–11, §5.3, §7.1–7.3, §7.5, §15, §24).
 *
 * Hooks run in this process (the worker is in-process), so they record into plain arrays. The kit is
 * shared by the whole file; every hook is scoped to its test's room and removed after the test.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  HookResult, MockSMSProvider, type RoomKit, SMSChannel, WebSocketChannel,
  type FrameworkEvent, type HookFn, type HookTrigger, type RoomEvent,
} from '../../src/index.js';
import { eventually, roomHooks, roomId, startTestKit } from '../support/kit.js';

const WS = 'hk-ws';
const SMS = 'hk-sms';
const PHONE = { metadata: { phoneNumber: '+15550001' } };

let kit: RoomKit;
const sms = new MockSMSProvider();
const framework: FrameworkEvent[] = [];
const hooks = roomHooks(() => kit);

beforeAll(async () => {
  kit = await startTestKit((k) => {
    k.registerChannel(new WebSocketChannel(WS));
    k.registerChannel(new SMSChannel(SMS, { provider: sms, fromNumber: '+15550000' }));
  });
  for (const type of ['hook_error', 'hook_timeout', 'event_blocked']) kit.on(type, (e) => { framework.push(e); });
});

afterAll(async () => {
  await kit?.close();
});

afterEach(() => {
  hooks.clear();
});

/** A room with the WebSocket (the sender) and the SMS channel attached. */
async function room(): Promise<string> {
  const id = roomId('hooks');
  await kit.createRoom({ roomId: id });
  await kit.attachChannel(id, WS);
  await kit.attachChannel(id, SMS, PHONE);
  return id;
}

const say = (id: string, body: string, extra: Record<string, unknown> = {}) =>
  kit.processInbound({ channelId: WS, senderId: 'user-1', content: { type: 'text', body }, ...extra }, { roomId: id });

const events = (id: string) => kit.store.listEvents(id, { limit: 200 });
const smsBodies = (id: string) =>
  sms.calls.filter((c) => c.event.roomId === id).map((c) => (c.event.content.type === 'text' ? c.event.content.body : c.event.content.type));
const frameworkOf = (id: string, type: string) => framework.filter((e) => e.roomId === id && e.type === type);
const bodyOf = (e: RoomEvent | undefined) => (e && 'body' in e.content ? e.content.body : undefined);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('BEFORE_BROADCAST block', () => {
  it('returns blocked with the reason, stores the event BLOCKED by the hook name, delivers nothing', async () => {
    const id = await room();
    const name = hooks.add(id, 'before_broadcast', { name: `no-spam-${id}` }, (e) =>
      bodyOf(e)?.includes('spam') ? HookResult.block('spam detected') : HookResult.allow());

    const result = await say(id, 'buy spam now');

    expect(result.blocked).toBe(true);
    expect(result.reason).toBe('spam detected');
    expect(result.event?.status).toBe('blocked');
    expect(result.event?.blockedBy).toBe(name);
    const stored = (await events(id)).find((e) => e.id === result.event?.id);
    expect(stored?.status).toBe('blocked');
    expect(stored?.blockedBy).toBe(name);
    expect(bodyOf(stored)).toBe('buy spam now');
    expect(smsBodies(id)).toEqual([]);

    // A clean message in the same room still goes through.
    const ok = await say(id, 'hello');
    expect(ok.blocked).toBe(false);
    expect(smsBodies(id)).toEqual(['hello']);
  });

  it('emits event_blocked with {reason, blocked_by}', async () => {
    const id = await room();
    const name = hooks.add(id, 'before_broadcast', { name: `blocker-${id}` }, () => HookResult.block('nope'));

    const result = await say(id, 'anything');

    const blocked = await eventually(async () => frameworkOf(id, 'event_blocked').length > 0 && frameworkOf(id, 'event_blocked'));
    expect(blocked).toHaveLength(1);
    expect(blocked[0].data).toMatchObject({ reason: 'nope', blocked_by: name });
    expect(blocked[0].eventId).toBe(result.event?.id);
  });
});

describe('BEFORE_BROADCAST modify', () => {
  it('chains in priority order (ties keep registration order); stored and delivered content is the final one', async () => {
    const id = await room();
    const seen: Record<string, string | undefined> = {};
    const append = (tag: string): HookFn => (e) => {
      seen[tag] = bodyOf(e);
      return HookResult.modify({ content: { type: 'text', body: `${bodyOf(e)}+${tag}` } });
    };
    // Registered out of priority order on purpose.
    hooks.add(id, 'before_broadcast', { name: `p1-${id}`, priority: 1 }, append('p1'));
    hooks.add(id, 'before_broadcast', { name: `p0a-${id}`, priority: 0 }, append('p0a'));
    hooks.add(id, 'before_broadcast', { name: `p0b-${id}`, priority: 0 }, append('p0b'));

    const result = await say(id, 'hi');

    expect(seen).toEqual({ p0a: 'hi', p0b: 'hi+p0a', p1: 'hi+p0a+p0b' });
    expect(result.blocked).toBe(false);
    expect(bodyOf(result.event)).toBe('hi+p0a+p0b+p1');
    const stored = (await events(id)).find((e) => e.id === result.event?.id);
    expect(bodyOf(stored)).toBe('hi+p0a+p0b+p1');
    expect(stored?.status).toBe('delivered');
    expect(smsBodies(id)).toEqual(['hi+p0a+p0b+p1']);
  });
});

describe('BEFORE_BROADCAST modify of routing fields', () => {
  it('a modified visibility is honoured by the broadcast (internal ⇒ stored only)', async () => {
    const id = await room();
    hooks.add(id, 'before_broadcast', {}, () => HookResult.modify({ visibility: 'internal' }));

    const result = await say(id, 'keep it inside');

    expect(result.blocked).toBe(false);
    const stored = (await events(id)).find((e) => e.id === result.event?.id);
    expect(stored?.visibility).toBe('internal');
    expect(bodyOf(stored)).toBe('keep it inside');
    expect(smsBodies(id)).toEqual([]);
  });
});

describe('ASYNC-registered BEFORE_BROADCAST hooks (§7.2)', () => {
  it('observe the final payload after the sync chain, and do not run when it blocks', async () => {
    const id = await room();
    const observed: (string | undefined)[] = [];
    hooks.add(id, 'before_broadcast', {}, (e) =>
      bodyOf(e) === 'block me' ? HookResult.block('blocked') : HookResult.modify({ content: { type: 'text', body: `${bodyOf(e)} (edited)` } }));
    hooks.add(id, 'before_broadcast', { execution: 'async' }, (e) => { observed.push(bodyOf(e)); return HookResult.block('ignored'); });

    const ok = await say(id, 'watch me');
    const blocked = await say(id, 'block me');

    expect(ok.blocked).toBe(false);
    expect(blocked.blocked).toBe(true);
    await eventually(async () => observed.length > 0);
    await sleep(300);
    expect(observed).toEqual(['watch me (edited)']);
    // An observer's return value is ignored: it cannot block.
    expect(smsBodies(id)).toEqual(['watch me (edited)']);
  });
});

describe('hook filters (channelTypes / channelIds / directions)', () => {
  it('channelTypes: a hook for another channel type does not run', async () => {
    const id = await room();
    const ran: string[] = [];
    hooks.add(id, 'before_broadcast', { channelTypes: ['sms'] }, () => { ran.push('sms'); return HookResult.block('sms only'); });
    hooks.add(id, 'before_broadcast', { channelTypes: ['websocket'] }, () => { ran.push('websocket'); return HookResult.allow(); });

    const result = await say(id, 'typed');

    expect(ran).toEqual(['websocket']);
    expect(result.blocked).toBe(false);
    expect(smsBodies(id)).toEqual(['typed']);
  });

  it('channelIds: a hook filtered to another channel does not run', async () => {
    const id = await room();
    const ran: string[] = [];
    hooks.add(id, 'before_broadcast', { channelIds: [SMS] }, () => { ran.push(SMS); return HookResult.block('sms only'); });
    hooks.add(id, 'before_broadcast', { channelIds: [WS] }, () => { ran.push(WS); return HookResult.allow(); });

    const result = await say(id, 'by id');

    expect(ran).toEqual([WS]);
    expect(result.blocked).toBe(false);
    expect(smsBodies(id)).toEqual(['by id']);
  });

  it('directions: an outbound-only hook does not run for an inbound message', async () => {
    const id = await room();
    const ran: string[] = [];
    hooks.add(id, 'before_broadcast', { directions: ['outbound'] }, () => { ran.push('outbound'); return HookResult.block('out only'); });
    hooks.add(id, 'before_broadcast', { directions: ['inbound'] }, () => { ran.push('inbound'); return HookResult.allow(); });

    const result = await say(id, 'directed');

    expect(ran).toEqual(['inbound']);
    expect(result.blocked).toBe(false);
    expect(smsBodies(id)).toEqual(['directed']);
  });
});

describe('injected events', () => {
  it('with targetChannelIds: stored after the trigger (higher index) and delivered to that SMS channel', async () => {
    const id = await room();
    hooks.add(id, 'before_broadcast', {}, (e) =>
      bodyOf(e) === 'hello'
        ? HookResult.allow({ injected: [{ content: { type: 'text', body: 'notice for sms' }, targetChannelIds: [SMS] }] })
        : HookResult.allow());

    const result = await say(id, 'hello');

    expect(result.blocked).toBe(false);
    const all = await events(id);
    const trigger = all.find((e) => e.id === result.event?.id);
    const injected = all.find((e) => bodyOf(e) === 'notice for sms');
    expect(trigger).toBeDefined();
    expect(injected).toBeDefined();
    expect(injected!.index).toBeGreaterThan(trigger!.index);
    expect(injected!.status).toBe('delivered');
    expect(smsBodies(id).sort()).toEqual(['hello', 'notice for sms']);
  });

  it('without targets: stored only, delivered to nobody', async () => {
    const id = await room();
    hooks.add(id, 'before_broadcast', {}, (e) =>
      bodyOf(e) === 'hello' ? HookResult.allow({ injected: [{ content: { type: 'text', body: 'audit note' } }] }) : HookResult.allow());

    const result = await say(id, 'hello');

    const all = await events(id);
    const trigger = all.find((e) => e.id === result.event?.id);
    const injected = all.find((e) => bodyOf(e) === 'audit note');
    expect(injected).toBeDefined();
    expect(injected!.status).toBe('delivered');
    expect(injected!.index).toBeGreaterThan(trigger!.index);
    expect(smsBodies(id)).toEqual(['hello']);
  });

  it('a block still commits (and delivers) the injected events', async () => {
    const id = await room();
    hooks.add(id, 'before_broadcast', {}, () =>
      HookResult.block('not allowed', {
        injected: [{ content: { type: 'text', body: 'your message was refused' }, targetChannelIds: [SMS] }],
      }));

    const result = await say(id, 'forbidden');

    expect(result.blocked).toBe(true);
    const all = await events(id);
    const blocked = all.find((e) => e.id === result.event?.id);
    const injected = all.find((e) => bodyOf(e) === 'your message was refused');
    expect(blocked?.status).toBe('blocked');
    expect(injected?.status).toBe('delivered');
    expect(injected!.index).toBeGreaterThan(blocked!.index);
    expect(smsBodies(id)).toEqual(['your message was refused']);
  });
});

describe('hook side effects (tasks, observations)', () => {
  it('persists tasks and observations returned by an allowing hook', async () => {
    const id = await room();
    hooks.add(id, 'before_broadcast', {}, () =>
      HookResult.allow({
        tasks: [{ title: 'call the customer back' }],
        observations: [{ content: 'customer sounds unhappy', category: 'sentiment' }],
      }));

    const result = await say(id, 'I am unhappy');

    expect(result.blocked).toBe(false);
    const tasks = await eventually(async () => { const t = await kit.listTasks(id); return t.length > 0 && t; });
    expect(tasks.map((t) => t.title)).toEqual(['call the customer back']);
    expect(tasks[0].roomId).toBe(id);
    const observations = await eventually(async () => { const o = await kit.listObservations(id); return o.length > 0 && o; });
    expect(observations).toHaveLength(1);
    expect(observations[0]).toMatchObject({ content: 'customer sounds unhappy', category: 'sentiment', roomId: id });
  });

  it('fires ON_TASK_CREATED once per persisted task', async () => {
    const id = await room();
    const created: RoomEvent[] = [];
    hooks.add(id, 'on_task_created', {}, (e) => { created.push(e); });
    hooks.add(id, 'before_broadcast', {}, () => HookResult.allow({ tasks: [{ title: 'first' }, { title: 'second' }] }));

    await say(id, 'make tasks');

    await eventually(async () => created.length >= 2);
    const tasks = await kit.listTasks(id);
    expect(tasks.map((t) => t.title).sort()).toEqual(['first', 'second']);
    expect(created).toHaveLength(2);
    expect(created.map((e) => e.metadata.task_title).sort()).toEqual(['first', 'second']);
    expect(created.map((e) => e.metadata.task_id).sort()).toEqual(tasks.map((t) => t.id).sort());
    for (const e of created) {
      expect(e.type).toBe('task_created');
      expect(e.visibility).toBe('internal');
    }
  });

  it('persists tasks and observations even when the hook blocks', async () => {
    const id = await room();
    hooks.add(id, 'before_broadcast', {}, () =>
      HookResult.block('policy', {
        tasks: [{ title: 'review blocked message' }],
        observations: [{ content: 'policy violation', category: 'moderation' }],
      }));

    const result = await say(id, 'bad words');

    expect(result.blocked).toBe(true);
    const tasks = await eventually(async () => { const t = await kit.listTasks(id); return t.length > 0 && t; });
    expect(tasks.map((t) => t.title)).toEqual(['review blocked message']);
    const observations = await eventually(async () => { const o = await kit.listObservations(id); return o.length > 0 && o; });
    expect(observations.map((o) => [o.content, o.category])).toEqual([['policy violation', 'moderation']]);
  });
});

describe('failing hooks fail open', () => {
  it('a hook that throws: the message goes through and hook_error is emitted', async () => {
    const id = await room();
    const name = hooks.add(id, 'before_broadcast', { name: `thrower-${id}` }, () => { throw new Error('kaboom'); });

    const result = await say(id, 'still here');

    expect(result.blocked).toBe(false);
    expect(result.event?.status).toBe('delivered');
    expect(smsBodies(id)).toEqual(['still here']);
    const errors = await eventually(async () => frameworkOf(id, 'hook_error').length > 0 && frameworkOf(id, 'hook_error'));
    expect(errors).toHaveLength(1);
    expect(errors[0].data.hook).toBe(name);
    expect(errors[0].data.error).toBe('kaboom'); // RoomKit: str(exc), no "Error: " prefix
  });

  it('a hook exceeding its timeout: the message goes through and hook_timeout and hook_error ("timeout (0.2s)") are emitted', async () => {
    const id = await room();
    const name = hooks.add(id, 'before_broadcast', { name: `sleeper-${id}`, timeout: 0.2 }, async () => {
      await sleep(2000);
      return HookResult.block('too late');
    });

    const started = Date.now();
    const result = await say(id, 'do not wait for me');

    expect(result.blocked).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(smsBodies(id)).toEqual(['do not wait for me']);
    const timeouts = await eventually(async () => frameworkOf(id, 'hook_timeout').length > 0 && frameworkOf(id, 'hook_timeout'));
    expect(timeouts).toHaveLength(1);
    expect(timeouts[0].data).toMatchObject({ hook_name: name, trigger: 'before_broadcast', timeout: 0.2 });
    const errors = await eventually(async () => frameworkOf(id, 'hook_error').length > 0 && frameworkOf(id, 'hook_error'));
    expect(errors.map((e) => e.data)).toEqual([{ hook: name, trigger: 'before_broadcast', error: 'timeout (0.2s)' }]);
  });

  it('a hook returning garbage (42, {action:"nope"}): the message goes through and hook_error is emitted per hook', async () => {
    const id = await room();
    const n42 = hooks.add(id, 'before_broadcast', { name: `forty-two-${id}` }, () => 42);
    const nope = hooks.add(id, 'before_broadcast', { name: `nope-${id}` }, () => ({ action: 'nope' }));
    const after = hooks.add(id, 'before_broadcast', { name: `after-garbage-${id}`, priority: 1 }, (e) =>
      HookResult.modify({ content: { type: 'text', body: `${bodyOf(e)}!` } }));

    const result = await say(id, 'garbage in');

    expect(result.blocked).toBe(false);
    // The chain goes on after the bad hooks.
    expect(bodyOf(result.event)).toBe('garbage in!');
    expect(smsBodies(id)).toEqual(['garbage in!']);
    const errors = await eventually(async () => frameworkOf(id, 'hook_error').length >= 2 && frameworkOf(id, 'hook_error'));
    expect(errors.map((e) => e.data.hook).sort()).toEqual([n42, nope].sort());
    expect(errors.map((e) => e.data.hook)).not.toContain(after);
  });
});

describe('AFTER_BROADCAST', () => {
  it('runs after delivery with the committed event (status delivered, index set)', async () => {
    const id = await room();
    const seen: { event: RoomEvent; smsCallsAtHookTime: number }[] = [];
    hooks.add(id, 'after_broadcast', {}, (e) => {
      seen.push({ event: e, smsCallsAtHookTime: smsBodies(id).length });
    });

    const result = await say(id, 'after me');

    await eventually(async () => seen.length > 0);
    expect(seen).toHaveLength(1);
    const { event, smsCallsAtHookTime } = seen[0];
    expect(event.id).toBe(result.event?.id);
    expect(event.status).toBe('delivered');
    expect(event.index).toBe(result.event?.index);
    expect(event.index).toBe(2); // two attach events before it
    expect(bodyOf(event)).toBe('after me');
    expect(smsCallsAtHookTime).toBe(1);
  });

  it('does not run for a blocked event', async () => {
    const id = await room();
    const seen: RoomEvent[] = [];
    hooks.add(id, 'before_broadcast', {}, () => HookResult.block('no'));
    hooks.add(id, 'after_broadcast', {}, (e) => { seen.push(e); });

    const result = await say(id, 'blocked one');
    expect(result.blocked).toBe(true);
    await sleep(300);
    expect(seen).toEqual([]);
  });
});

describe('lifecycle hooks', () => {
  it('ON_ROOM_CREATED, ON_CHANNEL_ATTACHED/MUTED/UNMUTED/DETACHED and ON_ROOM_CLOSED run with system events', async () => {
    const id = roomId('life');
    const seen: { trigger: string; event: RoomEvent }[] = [];
    const triggers: HookTrigger[] = [
      'on_room_created', 'on_channel_attached', 'on_channel_muted', 'on_channel_unmuted', 'on_channel_detached', 'on_room_closed',
    ];
    for (const t of triggers) hooks.add(id, t, {}, (e) => { seen.push({ trigger: t, event: e }); });

    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, WS);
    await kit.mute(id, WS);
    await kit.unmute(id, WS);
    await kit.detachChannel(id, WS);
    await kit.closeRoom(id);

    await eventually(async () => seen.length >= triggers.length);
    const codes = seen.map((s) => [s.trigger, s.event.content.type === 'system' ? s.event.content.code : undefined]);
    expect(codes).toEqual([
      ['on_room_created', 'room_created'],
      ['on_channel_attached', 'channel_attached'],
      ['on_channel_muted', 'channel_muted'],
      ['on_channel_unmuted', 'channel_unmuted'],
      ['on_channel_detached', 'channel_detached'],
      ['on_room_closed', 'room_closed'],
    ]);
    for (const { event } of seen) {
      expect(event.roomId).toBe(id);
      expect(event.source.channelType).toBe('system');
      expect(event.content.type).toBe('system');
    }
  });
});
