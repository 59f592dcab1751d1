import { describe, expect, it } from 'vitest';
import { AIProviderError, MockAIProvider, type AIContext } from '../../../src/providers/ai/index.js';
import type { AIStreamEvent } from '../../../src/providers/ai/base.js';

const ctx = (text: string): AIContext => ({ messages: [{ role: 'user', content: text }] });

describe('MockAIProvider', () => {
  it("answers 'Hello!' by default and names itself", async () => {
    const provider = new MockAIProvider();
    expect(await provider.generate(ctx('hi'))).toMatchObject({ content: 'Hello!', finishReason: 'stop' });
    expect([provider.name, provider.modelName, provider.supportsVision]).toEqual(['mock', 'mock-model', false]);
  });

  it('cycles through responses and restarts after reset', async () => {
    const provider = new MockAIProvider({ responses: ['a', 'b'] });
    const texts = [];
    for (let i = 0; i < 3; i++) texts.push((await provider.generate(ctx(`${i}`))).content);
    expect(texts).toEqual(['a', 'b', 'a']);
    provider.reset();
    expect(provider.calls).toHaveLength(0);
    expect((await provider.generate(ctx('again'))).content).toBe('a');
  });

  it('prefers scripted full responses, returning copies', async () => {
    const provider = new MockAIProvider({
      responses: ['ignored'],
      aiResponses: [{ content: '', toolCalls: [{ id: 't1', name: 'search', arguments: { q: 'x' } }] }],
    });
    const first = await provider.generate(ctx('hi'));
    expect(first.toolCalls?.[0].name).toBe('search');
    first.toolCalls![0].name = 'mutated';
    expect((await provider.generate(ctx('hi'))).toolCalls?.[0].name).toBe('search');
  });

  it('records deep copies of the contexts it was given', async () => {
    const provider = new MockAIProvider();
    const context = ctx('original');
    await provider.generate(context);
    context.messages[0].content = 'changed';
    expect(provider.calls[0].messages[0].content).toBe('original');
  });

  it('throws the configured error, or the one a function returns per call', async () => {
    const error = new AIProviderError('rate limited', { provider: 'mock', statusCode: 429, retryAfterMs: 2000 });
    await expect(new MockAIProvider({ error }).generate(ctx('hi'))).rejects.toBe(error);
    let calls = 0;
    const flaky = new MockAIProvider({ error: () => (++calls === 1 ? error : undefined) });
    await expect(flaky.generate(ctx('hi'))).rejects.toBe(error);
    expect((await flaky.generate(ctx('hi'))).content).toBe('Hello!');
    expect(flaky.calls).toHaveLength(2);
  });

  it('honours the abort signal while delaying', async () => {
    const provider = new MockAIProvider({ delayMs: 10_000 });
    const controller = new AbortController();
    const pending = provider.generate(ctx('hi'), { signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await expect(pending).rejects.toThrow('cancelled');
    const aborted = AbortSignal.abort(new Error('already'));
    await expect(new MockAIProvider().generate(ctx('hi'), { signal: aborted })).rejects.toThrow('already');
  });
});

async function collect(stream: AsyncIterable<AIStreamEvent>): Promise<AIStreamEvent[]> {
  const items: AIStreamEvent[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

const deltasOf = (items: AIStreamEvent[]) => items.flatMap((i) => (i.type === 'text_delta' ? [i.delta] : []));

describe('MockAIProvider streaming', () => {
  it('has no generateStream unless streaming is on', () => {
    expect(new MockAIProvider().generateStream).toBeUndefined();
    expect(typeof new MockAIProvider({ streaming: true }).generateStream).toBe('function');
  });

  it('streams the scripted content in several deltas, then done with the whole response; calls are recorded', async () => {
    const provider = new MockAIProvider({ streaming: true, responses: ['Your order has shipped today.'] });
    const items = await collect(provider.generateStream!(ctx('where is it?')));
    const deltas = deltasOf(items);
    expect(deltas.length).toBeGreaterThanOrEqual(2);
    expect(deltas.join('')).toBe('Your order has shipped today.');
    expect(items.at(-1)).toEqual({ type: 'done', response: { content: 'Your order has shipped today.', finishReason: 'stop', usage: { inputTokens: 0, outputTokens: 0 } } });
    expect(items.filter((i) => i.type === 'done')).toHaveLength(1);
    expect(provider.calls.map((c) => c.messages[0].content)).toEqual(['where is it?']);
    // generate() still answers whole, and shares the round-robin with the stream.
    expect((await provider.generate(ctx('again'))).content).toBe('Your order has shipped today.');
    expect(provider.calls).toHaveLength(2);
  });

  it('splits a single word in two, streams nothing for empty content, and keeps tool calls and usage in done', async () => {
    const provider = new MockAIProvider({
      streaming: true,
      aiResponses: [
        { content: 'Hi', usage: { inputTokens: 3, outputTokens: 1 } },
        { content: '', toolCalls: [{ id: 't1', name: 'lookup', arguments: { q: 'x' } }] },
      ],
    });
    const first = await collect(provider.generateStream!(ctx('a')));
    expect(deltasOf(first)).toEqual(['H', 'i']);
    expect(first.at(-1)).toEqual({ type: 'done', response: { content: 'Hi', usage: { inputTokens: 3, outputTokens: 1 } } });
    const second = await collect(provider.generateStream!(ctx('b')));
    expect(second).toEqual([{ type: 'done', response: { content: '', toolCalls: [{ id: 't1', name: 'lookup', arguments: { q: 'x' } }] } }]);
  });

  it('fails midway with streamError, and before any delta with error', async () => {
    const error = new AIProviderError('connection reset', { provider: 'mock', retryable: true });
    const midway = new MockAIProvider({ streaming: true, responses: ['one two three four'], streamError: { afterChunks: 2, error } });
    const seen: string[] = [];
    await expect((async () => {
      for await (const item of midway.generateStream!(ctx('x'))) if (item.type === 'text_delta') seen.push(item.delta);
    })()).rejects.toBe(error);
    expect(seen).toEqual(['one ', 'two ']);

    let calls = 0;
    const flaky = new MockAIProvider({ streaming: true, responses: ['a b'], streamError: () => (++calls === 1 ? { afterChunks: 1, error } : undefined) });
    await expect(collect(flaky.generateStream!(ctx('x')))).rejects.toBe(error);
    expect(deltasOf(await collect(flaky.generateStream!(ctx('x'))))).toEqual(['a ', 'b']);

    const upfront = new MockAIProvider({ streaming: true, error });
    await expect(collect(upfront.generateStream!(ctx('x')))).rejects.toBe(error);
  });

  it('paces deltas with chunkDelayMs and honours the abort signal between them', async () => {
    const provider = new MockAIProvider({ streaming: true, responses: ['a b c'], chunkDelayMs: 40 });
    const t0 = Date.now();
    expect(deltasOf(await collect(provider.generateStream!(ctx('x'))))).toEqual(['a ', 'b ', 'c']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(70);

    const controller = new AbortController();
    const slow = new MockAIProvider({ streaming: true, responses: ['a b c'], chunkDelayMs: 10_000 });
    const seen: string[] = [];
    const run = (async () => {
      for await (const item of slow.generateStream!(ctx('x'), { signal: controller.signal })) {
        if (item.type === 'text_delta') {
          seen.push(item.delta);
          controller.abort(new Error('cancelled'));
        }
      }
    })();
    await expect(run).rejects.toThrow('cancelled');
    expect(seen).toEqual(['a ']);
  });
});

describe('AIProviderError', () => {
  it('derives retryable from the status and carries its context', () => {
    const overloaded = new AIProviderError('overloaded', { provider: 'anthropic', statusCode: 529 });
    expect(overloaded).toBeInstanceOf(Error);
    expect(overloaded).toMatchObject({ name: 'AIProviderError', retryable: true, provider: 'anthropic', contextOverflow: false });
    expect(new AIProviderError('bad request', { provider: 'x', statusCode: 400 }).retryable).toBe(false);
    expect(new AIProviderError('too long', { provider: 'x', statusCode: 400, contextOverflow: true }).contextOverflow).toBe(true);
    expect(new AIProviderError('network', { provider: 'x', retryable: true }).retryable).toBe(true);
  });
});
