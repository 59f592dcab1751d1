import { describe, expect, it } from 'vitest';
import { applyHookResult } from '../../../src/core/hook-results.js';
import { emptyOutcome, matchingHooks } from '../../../src/core/hooks.js';
import { dueTransition, msUntilNextTimer } from '../../../src/core/timers.js';
import { lookup, newWindow, remember } from '../../../src/core/idempotency.js';
import { HookResult, type HookSpec, type Room, type RoomEvent } from '../../../src/models/index.js';

const spec = (name: string, over: Partial<HookSpec> = {}): HookSpec =>
  ({ name, trigger: 'before_broadcast', execution: 'sync', priority: 0, timeoutMs: 1000, ...over });
const event: RoomEvent = {
  id: 'e', roomId: 'r', type: 'message', source: { channelId: 'sms-1', channelType: 'sms', direction: 'inbound' },
  content: { type: 'text', body: 'hi' }, status: 'pending', visibility: 'all', index: 0, chainDepth: 0,
  createdAt: '2026-01-01T00:00:00Z', metadata: {},
};

describe('hook selection (RoomKit §7.1)', () => {
  it('orders by priority, stable on ties, and filters by trigger, execution and source', () => {
    const specs = [
      spec('late', { priority: 5 }), spec('first-tie'), spec('second-tie'), spec('other-trigger', { trigger: 'after_broadcast' }),
      spec('async', { execution: 'async' }), spec('wrong-type', { channelTypes: ['email'] }), spec('right-id', { channelIds: ['sms-1'] }),
      spec('wrong-direction', { directions: ['outbound'] }), spec('early', { priority: -1 }),
    ];
    expect(matchingHooks(specs, 'before_broadcast', event, 'sync').map((h) => h.name))
      .toEqual(['early', 'first-tie', 'second-tie', 'right-id', 'late']);
  });
});

describe('hook result reduction (RoomKit §7.2)', () => {
  it('chains modifies, accumulates side effects and stops at a block', () => {
    const acc = emptyOutcome(event);
    expect(applyHookResult(acc, 'a', HookResult.modify({ content: { type: 'text', body: 'HI' } }, { tasks: [{ title: 't' }] }))).toBe(false);
    expect(applyHookResult(acc, 'b', HookResult.block('nope', { observations: [{ content: 'o' }] }))).toBe(true);
    expect(acc).toMatchObject({ allowed: false, reason: 'nope', blockedBy: 'b', event: { content: { body: 'HI' } } });
    expect(acc.tasks).toHaveLength(1);
    expect(acc.observations).toHaveLength(1);
  });

  it('treats anything but a HookResult as a hook error and goes on', () => {
    const acc = emptyOutcome(event);
    expect(applyHookResult(acc, 'x', 42)).toBe(false);
    expect(applyHookResult(acc, 'y', { action: 'block' })).toBe(false);
    expect(acc.allowed).toBe(true);
    expect(acc.hookErrors.map((e) => e.hook)).toEqual(['x', 'y']);
    expect(acc.hookErrors[1].error).toContain('reason');
  });
});

describe('room timers (RoomKit §14)', () => {
  const room = (over: Partial<Room> = {}): Room => ({
    id: 'r', status: 'active', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
    timers: { inactiveAfterSeconds: 60, closedAfterSeconds: 300, lastActivityAt: '2026-01-01T00:00:00.000Z' },
    agentResponsePolicy: 'agent_chain', metadata: {}, eventCount: 0, latestIndex: 0, ...over,
  });
  const t0 = Date.parse('2026-01-01T00:00:00.000Z');

  it('sleeps until just past the nearest threshold (strictly greater, like RoomKit)', () => {
    expect(msUntilNextTimer(room(), t0)).toBe(60_001);
    expect(msUntilNextTimer(room({ status: 'paused' }), t0)).toBe(300_001);
    expect(msUntilNextTimer(room({ status: 'closed' }), t0)).toBeUndefined();
    expect(msUntilNextTimer(room({ timers: {} }), t0)).toBeUndefined();
  });

  it('pauses after inactivity and closes after the close threshold, both from last activity', () => {
    expect(dueTransition(room(), t0 + 60_000)).toBeUndefined();
    expect(dueTransition(room(), t0 + 60_001)).toMatchObject({ to: 'paused', threshold: 60 });
    expect(dueTransition(room({ status: 'paused' }), t0 + 120_000)).toBeUndefined();
    expect(dueTransition(room({ status: 'paused' }), t0 + 300_001)).toMatchObject({ to: 'closed', threshold: 300 });
    expect(dueTransition(room({ timers: { inactiveAfterSeconds: 60, closedAfterSeconds: 30, lastActivityAt: '2026-01-01T00:00:00.000Z' } }), t0 + 61_000))
      .toMatchObject({ to: 'closed' });
  });
});

describe('idempotency window', () => {
  it('remembers the first index for a key and forgets the oldest keys past its limit', () => {
    const w = newWindow(2);
    remember(w, 'a', 1);
    remember(w, 'a', 9);
    remember(w, 'b', 2);
    remember(w, undefined, 3);
    expect(lookup(w, 'a')).toBe(1);
    remember(w, 'c', 4);
    expect(lookup(w, 'a')).toBeUndefined();
    expect(lookup(w, 'b')).toBe(2);
    expect(lookup(w, 'c')).toBe(4);
    expect(lookup(w, undefined)).toBeUndefined();
  });

  it('is not fooled by keys that are Object.prototype names', () => {
    expect(lookup(newWindow(), 'constructor')).toBeUndefined();
  });
});

describe('idempotency window eviction', () => {
  it('records that it forgot keys, so the room knows to ask the store on a miss', () => {
    const w = newWindow(1);
    remember(w, 'a', 0);
    expect(w.evicted).toBeUndefined();
    remember(w, 'b', 1);
    expect(w.evicted).toBe(true);
  });
});
