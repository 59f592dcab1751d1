import { describe, expect, it } from 'vitest';
import { AIProviderError, MockAIProvider, type AIContext } from '../../../src/providers/ai/index.js';

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
