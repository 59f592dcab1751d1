/**
 * AI channels in the room pipeline: answers, history, reentry through BEFORE_BROADCAST, chain depth,
 * muted AIs, provider failures and addressing (semantics §5.2–5.4, §6.3, §10.1–10.3, §15).
 *
 * The kit runs with maxChainDepth 3. Every test uses its own AI channel(s) and MockAIProvider(s),
 * registered once for the file, so provider `calls` belong to one test.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AIChannel, AIProviderError, HookResult, MockAIProvider, MockSMSProvider, type RoomKit, SMSChannel, WebSocketChannel,
  type AIContext, type RoomEvent,
} from '../../src/index.js';
import { eventually, roomHooks, roomId, startTestKit } from '../support/kit.js';

const WS = 'ai-ws';
const SMS = 'ai-sms';
const PHONE = { metadata: { phoneNumber: '+15550001' } };
const INTEL = { category: 'intelligence' } as const;

const providers = {
  basic: new MockAIProvider({ responses: ['Hello, human!'] }),
  history: new MockAIProvider({ responses: ['A1', 'A2'] }),
  blocked: new MockAIProvider({ responses: ['something forbidden'] }),
  chainA: new MockAIProvider({ responses: ['from A'] }),
  chainB: new MockAIProvider({ responses: ['from B'] }),
  muted: new MockAIProvider({ responses: ['muted thoughts'] }),
  readOnly: new MockAIProvider({ responses: ['read-only thoughts'] }),
  failing: new MockAIProvider({ error: new AIProviderError('boom', { provider: 'mock', retryable: false }) }),
  addrA: new MockAIProvider({ responses: ['A answers'] }),
  addrB: new MockAIProvider({ responses: ['B answers'] }),
};
const AI = {
  basic: 'ai-basic', history: 'ai-history', blocked: 'ai-bot', chainA: 'ai-chain-a', chainB: 'ai-chain-b',
  muted: 'ai-muted', readOnly: 'ai-readonly', failing: 'ai-failing', addrA: 'ai-a', addrB: 'ai-b',
} as const;

let kit: RoomKit;
const sms = new MockSMSProvider();
const hooks = roomHooks(() => kit);

beforeAll(async () => {
  kit = await startTestKit((k) => {
    k.registerChannel(new WebSocketChannel(WS));
    k.registerChannel(new SMSChannel(SMS, { provider: sms, fromNumber: '+15550000' }));
    for (const key of Object.keys(AI) as (keyof typeof AI)[]) {
      k.registerChannel(new AIChannel(AI[key], { provider: providers[key] }));
    }
  }, { maxChainDepth: 3 });
});

afterAll(async () => {
  await kit?.close();
});

afterEach(() => {
  hooks.clear();
});

/** A room with the WebSocket (human), the SMS channel and the given AIs as intelligence channels. */
async function room(...ais: string[]): Promise<string> {
  const id = roomId('ai');
  await kit.createRoom({ roomId: id });
  await kit.attachChannel(id, WS);
  await kit.attachChannel(id, SMS, PHONE);
  for (const ai of ais) await kit.attachChannel(id, ai, INTEL);
  return id;
}

const say = (id: string, body: string, extra: Record<string, unknown> = {}) =>
  kit.processInbound({ channelId: WS, senderId: 'user-1', content: { type: 'text', body }, ...extra }, { roomId: id });

const events = (id: string) => kit.store.listEvents(id, { limit: 200 });
const messages = async (id: string) => (await events(id)).filter((e) => e.type === 'message');
const bodyOf = (e: RoomEvent | undefined) => (e && 'body' in e.content ? e.content.body : undefined);
const smsBodies = (id: string) => sms.calls.filter((c) => c.event.roomId === id).map((c) => bodyOf(c.event));
const callsIn = (p: MockAIProvider, id: string): AIContext[] => p.calls.filter((c) => c.metadata?.roomId === id);
const lastMessage = (c: AIContext) => c.messages[c.messages.length - 1];

describe('AI answers', () => {
  it('an intelligence AI answers with chainDepth 1 and parentEventId = the trigger, delivered to the transports', async () => {
    const id = await room(AI.basic);

    const result = await say(id, 'Hi there');

    expect(result.blocked).toBe(false);
    expect(result.error).toBeUndefined();
    const all = await messages(id);
    expect(all).toHaveLength(2);
    const [human, answer] = all;
    expect(human.id).toBe(result.event?.id);
    expect(answer.source.channelId).toBe(AI.basic);
    expect(bodyOf(answer)).toBe('Hello, human!');
    expect(answer.status).toBe('delivered');
    expect(answer.chainDepth).toBe(1);
    expect(answer.parentEventId).toBe(human.id);
    expect(answer.index).toBeGreaterThan(human.index);
    expect(smsBodies(id)).toEqual(['Hi there', 'Hello, human!']);
    expect(callsIn(providers.basic, id)).toHaveLength(1);
  });

  it('the AI sees the history: earlier user message, its own answer as assistant, the current message last', async () => {
    const id = await room(AI.history);

    await say(id, 'first question');
    await say(id, 'second question');

    const calls = callsIn(providers.history, id);
    expect(calls).toHaveLength(2);
    expect(calls[0].messages).toEqual([{ role: 'user', content: 'first question' }]);
    expect(calls[1].messages).toEqual([
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'second question' },
    ]);
    expect((await messages(id)).map(bodyOf)).toEqual(['first question', 'A1', 'second question', 'A2']);
  });

  it('BEFORE_BROADCAST hooks run on AI answers: a hook blocking channelIds [ai-bot] stores the answer BLOCKED', async () => {
    const id = await room(AI.blocked);
    const name = hooks.add(id, 'before_broadcast', { name: `block-ai-${id}`, channelIds: [AI.blocked] }, () =>
      HookResult.block('ai answers are moderated'));

    const result = await say(id, 'Tell me something');

    expect(result.blocked).toBe(false);
    const all = await messages(id);
    expect(all).toHaveLength(2);
    const answer = all.find((e) => e.source.channelId === AI.blocked);
    expect(answer?.status).toBe('blocked');
    expect(answer?.blockedBy).toBe(name);
    expect(answer?.chainDepth).toBe(1);
    expect(smsBodies(id)).toEqual(['Tell me something']);
  });
});

describe('chain depth', () => {
  it('two answering AIs stop at maxChainDepth 3: depth ≤ 2 delivered, depth 3 BLOCKED with an observation', async () => {
    const id = await room(AI.chainA, AI.chainB);

    const result = await say(id, 'Start the chain');

    expect(result.blocked).toBe(false);
    const all = await messages(id);
    const ai = all.filter((e) => e.source.channelId === AI.chainA || e.source.channelId === AI.chainB);
    const byDepth = (d: number) => ai.filter((e) => e.chainDepth === d);

    // human → A(1) → B(2) → A(3, blocked) and human → B(1) → A(2) → B(3, blocked).
    for (const d of [1, 2, 3]) expect(byDepth(d).map((e) => e.source.channelId).sort()).toEqual([AI.chainA, AI.chainB]);
    expect(ai).toHaveLength(6);
    // Every answer stays in the human message's thread.
    for (const e of ai) expect(e.parentEventId).toBe(result.event?.id);
    for (const e of [...byDepth(1), ...byDepth(2)]) expect(e.status).toBe('delivered');
    for (const e of byDepth(3)) {
      expect(e.status).toBe('blocked');
      expect(e.blockedBy).toBe('event_chain_depth_limit');
    }
    // An AI never answers itself: a depth-n answer answers the other AI's depth-(n-1) answer.
    for (const e of byDepth(2)) {
      const other = e.source.channelId === AI.chainA ? AI.chainB : AI.chainA;
      expect(byDepth(1).some((p) => p.source.channelId === other)).toBe(true);
    }
    // Indexes stay gap-free across the whole cascade.
    const timeline = await events(id);
    expect(timeline.map((e) => e.index)).toEqual(timeline.map((_, i) => i));

    const observations = await eventually(async () => {
      const o = (await kit.listObservations(id)).filter((x) => x.category === 'event_chain_depth_exceeded');
      return o.length > 0 && o;
    });
    expect(observations).toHaveLength(byDepth(3).length);
    expect(observations.map((o) => o.id).sort()).toEqual(byDepth(3).map((e) => `obs_${e.id}`).sort());
    expect(observations[0].content).toBe('Event chain depth 3 exceeded limit 3');
    // Blocked answers are never delivered.
    const delivered = smsBodies(id);
    expect(delivered.filter((b) => b === 'from A' || b === 'from B')).toHaveLength(byDepth(1).length + byDepth(2).length);
  });
});

describe('muted AI', () => {
  it('still generates (provider called) but its answer is stored BLOCKED source_muted and not delivered', async () => {
    const id = await room(AI.muted);
    await kit.mute(id, AI.muted);

    const result = await say(id, 'Are you there?');

    expect(result.blocked).toBe(false);
    expect(callsIn(providers.muted, id)).toHaveLength(1);
    const answer = (await messages(id)).find((e) => e.source.channelId === AI.muted);
    expect(answer).toBeDefined();
    expect(answer?.status).toBe('blocked');
    expect(answer?.blockedBy).toBe('source_muted');
    expect(smsBodies(id)).toEqual(['Are you there?']);
  });
});

describe('read-only AI', () => {
  it('reads and answers, but the answer is stored BLOCKED source_read_only and never delivered', async () => {
    const id = roomId('ai');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, WS);
    await kit.attachChannel(id, SMS, PHONE);
    await kit.attachChannel(id, AI.readOnly, { ...INTEL, access: 'read_only' });
    const result = await say(id, 'Observer, what do you think?');

    expect(result.blocked).toBe(false);
    expect(callsIn(providers.readOnly, id)).toHaveLength(1);
    const answer = (await messages(id)).find((e) => e.source.channelId === AI.readOnly);
    expect(answer?.status).toBe('blocked');
    expect(answer?.blockedBy).toBe('source_read_only');
    expect(smsBodies(id)).toEqual(['Observer, what do you think?']);
  });
});

describe('AI provider failure', () => {
  it('the human message is delivered, result.error is set, no AI message is stored, ON_ERROR fires', async () => {
    const id = await room(AI.failing);
    const onError: RoomEvent[] = [];
    hooks.add(id, 'on_error', {}, (e) => { onError.push(e); });

    const result = await say(id, 'Will you fail?');

    expect(result.blocked).toBe(false);
    expect(result.event?.status).toBe('delivered');
    expect(result.error).toBeDefined();
    expect(result.error?.message).toContain('boom');
    expect(result.deliveryResults[SMS]?.status).toBe('sent');
    expect(smsBodies(id)).toEqual(['Will you fail?']);
    const all = await messages(id);
    expect(all.filter((e) => e.source.channelId === AI.failing)).toEqual([]);
    expect(all).toHaveLength(1);
    // Non-retryable: the provider is asked once.
    expect(callsIn(providers.failing, id)).toHaveLength(1);

    await eventually(async () => onError.length > 0);
    expect(onError).toHaveLength(1);
    expect(onError[0].metadata).toMatchObject({ error_category: 'generation' });
    expect(String(onError[0].metadata.error)).toContain('boom');
  });
});

describe('responseVisibility (§6.4)', () => {
  it("the AI's answer takes the trigger's responseVisibility: stored with it, not delivered outside it", async () => {
    const id = await room(AI.basic);

    const result = await say(id, 'answer me privately', { responseVisibility: WS });

    expect(result.blocked).toBe(false);
    const answer = (await messages(id)).find((e) => e.source.channelId === AI.basic);
    expect(answer?.status).toBe('delivered');
    expect(answer?.visibility).toBe(WS);
    expect(smsBodies(id)).toEqual(['answer me privately']);
  });

  it('applies to the whole turn: answers to answers (depth 2+) keep the scope too', async () => {
    const id = await room(AI.chainA, AI.chainB);
    const scope = `${WS},${AI.chainA},${AI.chainB}`;

    await say(id, 'keep this among us', { responseVisibility: scope });

    const ai = (await messages(id)).filter((e) => e.source.channelId === AI.chainA || e.source.channelId === AI.chainB);
    expect(ai.filter((e) => e.chainDepth === 2)).toHaveLength(2);
    for (const e of ai) expect({ depth: e.chainDepth, visibility: e.visibility }).toEqual({ depth: e.chainDepth, visibility: scope });
    // SMS is outside the scope: it only ever gets the human's message.
    expect(smsBodies(id)).toEqual(['keep this among us']);
  });
});

describe('addressing', () => {
  it('addressedTo [ai-a] makes only ai-a answer the message', async () => {
    const id = await room(AI.addrA, AI.addrB);

    const result = await say(id, 'Only A please', { addressedTo: [AI.addrA] });

    expect(result.blocked).toBe(false);
    const all = await messages(id);
    const depth1 = all.filter((e) => e.chainDepth === 1);
    expect(depth1.map((e) => e.source.channelId)).toEqual([AI.addrA]);
    expect(bodyOf(depth1[0])).toBe('A answers');
    // ai-b was never asked to answer the human's message (it may react to ai-a's answer: agent chain).
    const bCalls = callsIn(providers.addrB, id);
    expect(bCalls.every((c) => lastMessage(c).content !== 'Only A please')).toBe(true);
    const aCalls = callsIn(providers.addrA, id);
    expect(aCalls.some((c) => lastMessage(c).content === 'Only A please')).toBe(true);
    // Addressing never narrows transport delivery.
    expect(smsBodies(id)).toContain('Only A please');
  });

  it('addressedTo [] makes no AI answer (transports still get the message)', async () => {
    const id = await room(AI.addrA, AI.addrB);

    await say(id, 'Nobody in particular', { addressedTo: [] });

    expect((await messages(id)).map((e) => e.source.channelId)).toEqual([WS]);
    expect(callsIn(providers.addrA, id)).toEqual([]);
    expect(callsIn(providers.addrB, id)).toEqual([]);
    expect(smsBodies(id)).toEqual(['Nobody in particular']);
  });

  it('ADDRESSED_ONLY policy: AIs answer the human but not each other', async () => {
    const id = roomId('ai');
    await kit.createRoom({ roomId: id, agentResponsePolicy: 'addressed_only' });
    await kit.attachChannel(id, WS);
    await kit.attachChannel(id, SMS, PHONE);
    await kit.attachChannel(id, AI.addrA, INTEL);
    await kit.attachChannel(id, AI.addrB, INTEL);

    await say(id, 'Both of you, once');

    const ai = (await messages(id)).filter((e) => e.source.channelId !== WS);
    expect(ai.map((e) => [e.source.channelId, e.chainDepth]).sort()).toEqual([[AI.addrA, 1], [AI.addrB, 1]]);
    expect(callsIn(providers.addrA, id)).toHaveLength(1);
    expect(callsIn(providers.addrB, id)).toHaveLength(1);
  });
});
