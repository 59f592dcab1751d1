import { describe, expect, it } from 'vitest';
import { effectiveVisibility, planTargets, visibilityAllows } from '../../../src/core/visibility.js';
import { isSolicited } from '../../../src/core/addressing.js';
import type { ChannelBinding, RoomEvent } from '../../../src/models/index.js';

function binding(channelId: string, over: Partial<ChannelBinding> = {}): ChannelBinding {
  return {
    channelId, roomId: 'r', channelType: 'sms', category: 'transport', direction: 'bidirectional', access: 'read_write',
    muted: false, visibility: 'all', attachedAt: '2026-01-01T00:00:00Z', capabilities: { mediaTypes: ['text'] }, metadata: {},
    ...over,
  };
}
const ai = (id: string, over: Partial<ChannelBinding> = {}) => binding(id, { channelType: 'ai', category: 'intelligence', ...over });
const from = (channelId: string, visibility = 'all'): Pick<RoomEvent, 'visibility' | 'source'> =>
  ({ visibility, source: { channelId, channelType: 'sms', direction: 'inbound' } });

describe('visibility rules (RoomKit §5.1)', () => {
  it('understands keywords, a channel id and a comma-separated list', () => {
    const t = binding('sms-a');
    const i = ai('bot');
    expect(visibilityAllows('all', t)).toBe(true);
    expect(visibilityAllows('none', t)).toBe(false);
    expect(visibilityAllows('internal', t)).toBe(false);
    expect(visibilityAllows('transport', t)).toBe(true);
    expect(visibilityAllows('transport', i)).toBe(false);
    expect(visibilityAllows('intelligence', i)).toBe(true);
    expect(visibilityAllows('sms-a', t)).toBe(true);
    expect(visibilityAllows('sms-b', t)).toBe(false);
    expect(visibilityAllows('sms-b, sms-a', t)).toBe(true);
  });

  it('plans with the source binding visibility when the event says all, without changing the event', () => {
    const source = binding('src', { visibility: 'transport' });
    const event = from('src');
    expect(effectiveVisibility(event, source)).toBe('transport');
    expect(event.visibility).toBe('all');
    expect(planTargets(event, source, [source, binding('sms'), ai('bot')]).map((b) => b.channelId)).toEqual(['sms']);
  });

  it('skips the source, write-only/none targets and outbound-only bindings; keeps muted and read-only targets', () => {
    const source = binding('src');
    const targets = planTargets(from('src'), source, [
      source,
      binding('ro', { access: 'read_only' }),
      binding('wo', { access: 'write_only' }),
      binding('none', { access: 'none' }),
      binding('out', { direction: 'outbound' }),
      binding('muted', { muted: true }),
    ]);
    expect(targets.map((b) => b.channelId)).toEqual(['ro', 'muted']);
  });

  it('plans nothing for a source that cannot write', () => {
    const source = binding('src', { muted: true });
    expect(planTargets(from('src'), source, [source, binding('sms')])).toEqual([]);
  });
});

describe('solicitation of intelligence targets (RoomKit §6.3)', () => {
  const event = (over: Partial<RoomEvent> = {}) => ({ metadata: {}, ...over }) as Pick<RoomEvent, 'metadata' | 'addressedTo'>;

  it('always solicits transports', () => {
    expect(isSolicited(event({ addressedTo: [] }), binding('sms'), undefined, 'agent_chain')).toBe(true);
  });

  it('honours addressedTo, _always_process and an empty list', () => {
    expect(isSolicited(event({ addressedTo: ['a'] }), ai('a'), undefined, 'agent_chain')).toBe(true);
    expect(isSolicited(event({ addressedTo: ['a'] }), ai('b'), undefined, 'agent_chain')).toBe(false);
    expect(isSolicited(event({ addressedTo: [] }), ai('a'), undefined, 'agent_chain')).toBe(false);
    expect(isSolicited(event({ addressedTo: ['a'], metadata: { _always_process: ['b'] } }), ai('b'), undefined, 'agent_chain')).toBe(true);
  });

  it('under addressed_only, an unaddressed AI message solicits no other AI', () => {
    expect(isSolicited(event(), ai('b'), ai('a'), 'addressed_only')).toBe(false);
    expect(isSolicited(event(), ai('b'), ai('a'), 'agent_chain')).toBe(true);
    expect(isSolicited(event(), ai('b'), binding('sms'), 'addressed_only')).toBe(true);
  });

  it('follows _routed_to and never asks anyone on orchestration-internal events', () => {
    expect(isSolicited(event({ metadata: { _routed_to: 'a' } }), ai('a'), undefined, 'agent_chain')).toBe(true);
    expect(isSolicited(event({ metadata: { _routed_to: 'a' } }), ai('b'), undefined, 'agent_chain')).toBe(false);
    expect(isSolicited(event({ metadata: { _orchestration_internal: true } }), ai('a'), undefined, 'agent_chain')).toBe(false);
  });
});
