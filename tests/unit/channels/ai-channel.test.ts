import { describe, expect, it } from 'vitest';
import { AIChannel } from '../../../src/channels/ai.js';
import { buildAIContext, intersectCapabilities, visibleEvents } from '../../../src/channels/ai-context.js';
import type { RoomContext } from '../../../src/channels/room-context.js';
import type { ChannelBinding, ChannelCapabilities, EventContent, Room, RoomEvent } from '../../../src/models/index.js';
import { AIProviderError, MockAIProvider } from '../../../src/providers/ai/index.js';

const ROOM = 'room-1';
const T0 = '2025-01-01T00:00:00.000Z';

const SMS_CAPS: ChannelCapabilities = { mediaTypes: ['text', 'media'], maxLength: 1600, supportsReadReceipts: true, supportsMedia: true };
const WS_CAPS: ChannelCapabilities = {
  mediaTypes: ['text', 'rich', 'media', 'audio', 'video', 'location'],
  supportsTyping: true, supportsReadReceipts: true, supportsMedia: true, supportsButtons: true, maxButtons: 3,
};

function room(): Room {
  return {
    id: ROOM, status: 'active', createdAt: T0, updatedAt: T0, timers: {}, agentResponsePolicy: 'agent_chain',
    metadata: {}, eventCount: 0, latestIndex: 0,
  };
}

function binding(channelId: string, over: Partial<ChannelBinding> = {}): ChannelBinding {
  const ai = channelId.includes('ai');
  return {
    channelId, roomId: ROOM, channelType: ai ? 'ai' : 'sms', category: ai ? 'intelligence' : 'transport',
    direction: 'bidirectional', access: 'read_write', muted: false, visibility: 'all', attachedAt: T0,
    capabilities: ai ? { mediaTypes: ['text', 'rich'] } : SMS_CAPS, metadata: {}, ...over,
  };
}

let seq = 0;
function event(channelId: string, body: string, over: Partial<RoomEvent> = {}): RoomEvent {
  const content: EventContent = { type: 'text', body };
  seq += 1;
  return {
    id: `evt-${seq}`, roomId: ROOM, type: 'message', status: 'delivered', visibility: 'all', index: seq, chainDepth: 0,
    source: { channelId, channelType: channelId.includes('ai') ? 'ai' : 'sms', direction: 'inbound' },
    content, createdAt: T0, metadata: {}, ...over,
  };
}

/** A room context whose recent events end with the current event, as the store returns them. */
function context(bindings: ChannelBinding[], history: RoomEvent[], current?: RoomEvent): RoomContext {
  return { room: room(), bindings, participants: [], recentEvents: current ? [...history, current] : history };
}

function setup(options: { responses?: string[]; maxContextEvents?: number; systemPrompt?: string } = {}) {
  const provider = new MockAIProvider({ responses: options.responses });
  const ai = new AIChannel('ai', {
    provider, systemPrompt: options.systemPrompt, maxContextEvents: options.maxContextEvents,
  });
  return { provider, ai, aiBinding: binding('ai') };
}

describe('AIChannel', () => {
  it('answers with the provider reply as one text message, round-robin', async () => {
    const { ai, aiBinding } = setup({ responses: ['first', 'second'] });
    const bindings = [binding('sms'), aiBinding];
    const replies: string[] = [];
    for (let i = 0; i < 3; i++) {
      const current = event('sms', `msg ${i}`);
      const out = await ai.onEvent(current, aiBinding, context(bindings, [], current));
      expect(out.responded).toBe(true);
      expect(out.responseEvents).toHaveLength(1);
      const content = out.responseEvents[0].content;
      replies.push(content.type === 'text' ? content.body : '?');
      expect(out.responseEvents[0].metadata).toEqual({ ai_usage: { inputTokens: 0, outputTokens: 0 }, loop_end_reason: 'completed' });
    }
    expect(replies).toEqual(['first', 'second', 'first']);
  });

  it('declares text and rich, plus media for vision providers', () => {
    expect(new AIChannel('ai', { provider: new MockAIProvider() }).capabilities().mediaTypes).toEqual(['text', 'rich']);
    expect(new AIChannel('ai', { provider: new MockAIProvider({ vision: true }) }).capabilities().mediaTypes)
      .toEqual(['text', 'rich', 'media']);
    const ai = new AIChannel('ai', { provider: new MockAIProvider() });
    expect(ai.channelType).toBe('ai');
    expect(ai.category).toBe('intelligence');
  });

  it('maps own messages to assistant, everyone else (other AIs too) to user, current event last', async () => {
    const { ai, aiBinding, provider } = setup();
    const bindings = [binding('sms'), aiBinding, binding('other-ai')];
    const history = [event('sms', 'hi'), event('ai', 'hello, human'), event('other-ai', 'I am another bot')];
    const current = event('sms', 'who are you?');
    await ai.onEvent(current, aiBinding, context(bindings, history, current));
    expect(provider.calls[0].messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello, human' },
      { role: 'user', content: 'I am another bot' },
      { role: 'user', content: 'who are you?' },
    ]);
  });

  it('appends the current event once even when the context does not contain it yet', async () => {
    const { ai, aiBinding, provider } = setup();
    const current = event('sms', 'now');
    await ai.onEvent(current, aiBinding, context([binding('sms'), aiBinding], [event('sms', 'before')]));
    expect(provider.calls[0].messages.map((m) => m.content)).toEqual(['before', 'now']);
  });

  it('leaves non-message, blocked and empty events out of the history', async () => {
    const { ai, aiBinding, provider } = setup();
    const history = [
      event('sms', 'kept'),
      event('system', 'channel attached', { type: 'system', content: { type: 'system', body: 'channel attached' } }),
      event('sms', 'typing', { type: 'typing' }),
      event('sms', 'blocked words', { status: 'blocked', blockedBy: 'filter' }),
      event('sms', '   '),
    ];
    const current = event('sms', 'current');
    await ai.onEvent(current, aiBinding, context([binding('sms'), aiBinding], history, current));
    expect(provider.calls[0].messages.map((m) => m.content)).toEqual(['kept', 'current']);
  });

  it('keeps only the last maxContextEvents messages of history', async () => {
    const { ai, aiBinding, provider } = setup({ maxContextEvents: 2 });
    const history = ['m1', 'm2', 'm3', 'm4', 'm5'].map((b) => event('sms', b));
    const current = event('sms', 'current');
    await ai.onEvent(current, aiBinding, context([binding('sms'), aiBinding], history, current));
    expect(provider.calls[0].messages.map((m) => m.content)).toEqual(['m4', 'm5', 'current']);
  });

  it('sends no history at all with maxContextEvents 0', async () => {
    const { ai, aiBinding, provider } = setup({ maxContextEvents: 0 });
    const current = event('sms', 'current');
    await ai.onEvent(current, aiBinding, context([binding('sms'), aiBinding], [event('sms', 'old')], current));
    expect(provider.calls[0].messages).toEqual([{ role: 'user', content: 'current' }]);
  });

  describe('history visibility', () => {
    it('hides events whose source binding is scoped to another channel', async () => {
      const { ai, aiBinding, provider } = setup();
      const bindings = [binding('sms'), binding('advisor', { visibility: 'some-other-channel' }), aiBinding];
      const history = [event('advisor', 'whisper to the agent'), event('sms', 'public')];
      const current = event('sms', 'current');
      await ai.onEvent(current, aiBinding, context(bindings, history, current));
      expect(provider.calls[0].messages.map((m) => m.content)).toEqual(['public', 'current']);
    });

    it("shows events whose own visibility is 'intelligence' and hides 'transport'/'none' ones", async () => {
      const { ai, aiBinding, provider } = setup();
      const history = [
        event('sms', 'for bots', { visibility: 'intelligence' }),
        event('sms', 'for humans', { visibility: 'transport' }),
        event('sms', 'for nobody', { visibility: 'none' }),
        event('sms', 'addressed to me', { visibility: 'sms,ai' }),
      ];
      const current = event('sms', 'current');
      await ai.onEvent(current, aiBinding, context([binding('sms'), aiBinding], history, current));
      expect(provider.calls[0].messages.map((m) => m.content)).toEqual(['for bots', 'addressed to me', 'current']);
    });

    it("shows a detached source's events (its scope is gone, so 'all' applies)", async () => {
      const { ai, aiBinding, provider } = setup();
      const history = [event('gone-sms', 'said before leaving')];
      const current = event('sms', 'current');
      await ai.onEvent(current, aiBinding, context([binding('sms'), aiBinding], history, current));
      expect(provider.calls[0].messages.map((m) => m.content)).toEqual(['said before leaving', 'current']);
    });

    it('always shows the reader its own events, even ones scoped away from it', () => {
      const own = event('ai', 'my whisper', { visibility: 'sms' });
      const bindings = [binding('sms'), binding('ai')];
      expect(visibleEvents([own], 'ai', bindings)).toEqual([own]);
    });

    it('shows an unbound reader only its own events', () => {
      const own = event('ai', 'mine');
      const other = event('sms', 'theirs');
      expect(visibleEvents([own, other], 'ai', [binding('sms')])).toEqual([own]);
    });
  });

  describe('turn config', () => {
    it('takes system prompt, temperature and max tokens from binding metadata over the constructor', async () => {
      const { ai, provider } = setup({ systemPrompt: 'constructor prompt' });
      const aiBinding = binding('ai', { metadata: { system_prompt: 'room prompt', temperature: 0.1, maxTokens: 256 } });
      const current = event('sms', 'hi');
      await ai.onEvent(current, aiBinding, context([binding('sms'), aiBinding], [], current));
      expect(provider.calls[0]).toMatchObject({ systemPrompt: 'room prompt', temperature: 0.1, maxTokens: 256 });
    });

    it('accepts camelCase keys and falls back to the constructor per field', async () => {
      const provider = new MockAIProvider();
      const ai = new AIChannel('ai', { provider, systemPrompt: 'default', temperature: 0.3, maxTokens: 100 });
      const aiBinding = binding('ai', { metadata: { systemPrompt: 'camel', temperature: 'hot' } });
      const current = event('sms', 'hi');
      await ai.onEvent(current, aiBinding, context([binding('sms'), aiBinding], [], current));
      expect(provider.calls[0]).toMatchObject({ systemPrompt: 'camel', temperature: 0.3, maxTokens: 100 });
    });

    it('defaults temperature to 0.7 and leaves prompt and max tokens unset', async () => {
      const { ai, aiBinding, provider } = setup();
      const current = event('sms', 'hi');
      await ai.onEvent(current, aiBinding, context([binding('sms'), aiBinding], [], current));
      expect(provider.calls[0].temperature).toBe(0.7);
      expect(provider.calls[0]).not.toHaveProperty('systemPrompt');
      expect(provider.calls[0]).not.toHaveProperty('maxTokens');
    });

    it('uses a new system prompt from the next turn', async () => {
      const { ai, aiBinding, provider } = setup({ systemPrompt: 'old' });
      ai.setSystemPrompt('new');
      const current = event('sms', 'hi');
      await ai.onEvent(current, aiBinding, context([binding('sms'), aiBinding], [], current));
      expect(provider.calls[0].systemPrompt).toBe('new');
    });
  });

  describe('target capabilities', () => {
    it('intersects every transport of the room: SMS + WebSocket ⇒ text and media, 1600 chars', async () => {
      const { ai, aiBinding, provider } = setup();
      const bindings = [
        binding('sms', { capabilities: SMS_CAPS }),
        binding('ws', { channelType: 'websocket', capabilities: WS_CAPS }),
        aiBinding,
        binding('other-ai', { capabilities: { mediaTypes: ['text'] } }),
      ];
      const current = event('sms', 'hi');
      await ai.onEvent(current, aiBinding, context(bindings, [], current));
      const target = provider.calls[0].targetCapabilities;
      expect(target?.mediaTypes).toEqual(['text', 'media']);
      expect(target?.maxLength).toBe(1600);
      expect(target).toMatchObject({ supportsReadReceipts: true, supportsMedia: true, supportsTyping: false, maxButtons: 3 });
    });

    it('is undefined when the room has no transport', () => {
      expect(intersectCapabilities([binding('ai'), binding('other-ai')], 'ai')).toBeUndefined();
    });

    it('excludes the channel itself even when it is bound as a transport', () => {
      const self = binding('ai', { category: 'transport', capabilities: { mediaTypes: ['text'] } });
      expect(intersectCapabilities([self, binding('ws', { capabilities: WS_CAPS })], 'ai')?.mediaTypes).toEqual(WS_CAPS.mediaTypes);
    });
  });

  it('ignores its own events and tool-call events without calling the provider', async () => {
    const { ai, aiBinding, provider } = setup();
    const bindings = [binding('sms'), aiBinding];
    const own = event('ai', 'my reply');
    expect(await ai.onEvent(own, aiBinding, context(bindings, [], own))).toEqual({ responded: false, responseEvents: [] });
    const tool = event('other-ai', '', {
      type: 'tool_call_start', content: { type: 'tool_call', toolName: 'search', toolId: 't1' },
    });
    expect(await ai.onEvent(tool, aiBinding, context(bindings, [], tool))).toEqual({ responded: false, responseEvents: [] });
    expect(provider.calls).toHaveLength(0);
  });

  it('still answers with one (empty) message when the model says nothing', async () => {
    const provider = new MockAIProvider({ aiResponses: [{ content: '', usage: { inputTokens: 12, outputTokens: 0 } }] });
    const ai = new AIChannel('ai', { provider });
    const aiBinding = binding('ai');
    const current = event('sms', 'hi');
    const out = await ai.onEvent(current, aiBinding, context([binding('sms'), aiBinding], [], current));
    expect(out.responseEvents).toEqual([
      {
        content: { type: 'text', body: '' },
        metadata: { ai_usage: { inputTokens: 12, outputTokens: 0 }, loop_end_reason: 'completed' },
      },
    ]);
  });

  it('propagates provider errors as AIProviderError', async () => {
    const provider = new MockAIProvider({ error: new AIProviderError('overloaded', { provider: 'mock', statusCode: 529 }) });
    const ai = new AIChannel('ai', { provider });
    const aiBinding = binding('ai');
    const current = event('sms', 'hi');
    const promise = ai.onEvent(current, aiBinding, context([binding('sms'), aiBinding], [], current));
    await expect(promise).rejects.toBeInstanceOf(AIProviderError);
    await expect(promise).rejects.toMatchObject({ name: 'AIProviderError', retryable: true, statusCode: 529 });
  });

  it('passes the abort signal to the provider', async () => {
    const provider = new MockAIProvider({ delayMs: 10_000 });
    const ai = new AIChannel('ai', { provider });
    const aiBinding = binding('ai');
    const current = event('sms', 'hi');
    const controller = new AbortController();
    const promise = ai.onEvent(current, aiBinding, context([binding('sms'), aiBinding], [], current), { signal: controller.signal });
    controller.abort(new Error('activity cancelled'));
    await expect(promise).rejects.toThrow('activity cancelled');
  });

  it('refuses a negative history window and a missing provider', () => {
    expect(() => new AIChannel('ai', { provider: new MockAIProvider(), maxContextEvents: -1 })).toThrow(RangeError);
    expect(() => new AIChannel('ai', {} as never)).toThrow(TypeError);
  });
});

describe('buildAIContext', () => {
  it('sends image parts to vision models and only captions to the others', () => {
    const photo = event('sms', '', {
      content: { type: 'media', url: 'https://example.com/cat.png', mimeType: 'image/png', caption: 'my cat' },
    });
    const input = {
      channelId: 'ai', event: photo, binding: binding('ai'), ctx: context([binding('sms'), binding('ai')], [], photo),
      defaults: {}, maxContextEvents: 10,
    };
    expect(buildAIContext({ ...input, supportsVision: true }).messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'my cat' },
          { type: 'image', url: 'https://example.com/cat.png', mimeType: 'image/png' },
        ],
      },
    ]);
    expect(buildAIContext(input).messages).toEqual([{ role: 'user', content: 'my cat' }]);
  });

  it('carries room and event ids in metadata for providers', () => {
    const current = event('sms', 'hi');
    const aiCtx = buildAIContext({
      channelId: 'ai', event: current, binding: binding('ai'), ctx: context([binding('ai')], [], current),
      defaults: {}, maxContextEvents: 10,
    });
    expect(aiCtx.metadata).toEqual({ roomId: ROOM, eventId: current.id, channelId: 'ai' });
    expect(aiCtx.targetCapabilities).toBeUndefined();
  });
});
