/**
 * The AI provider contract: one `describe` block every provider must pass, whatever vendor is
 * behind it. A fixture pairs a provider with what reached its vendor (read back from the wire into
 * neutral {@link SentRequest}s) and a way to script the vendor's next answers.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AIProviderError, type AIContext, type AIProvider } from '../../src/providers/ai/index.js';
import type { FakeReply, SentRequest } from '../fixtures/ai-servers/shared.js';

export interface ProviderFixture {
  /** The provider under test (may change after `script` for scripted-only providers). */
  readonly provider: AIProvider;
  /** What reached the vendor, one entry per request, oldest first. */
  sent(): SentRequest[];
  /** The vendor's next answers, in order. */
  script(...replies: FakeReply[]): void;
  reset(): void;
  close(): Promise<void>;
  /** A provider against a real vendor wire; absent for scripted-only providers (the mock). */
  wire?: {
    /** Resolves when the n-th request since the last reset has reached the vendor. */
    waitForRequest(n?: number): Promise<unknown>;
    /** The vendor's "overloaded" status (529 Anthropic, 503 others). */
    overloadedStatus: number;
    /** Whether `temperature` goes on the wire (Anthropic API 2026-10-21 refuses it). */
    sendsTemperature: boolean;
    /** The same provider class against another origin/key/timeout. */
    build(overrides: { origin?: string; apiKey?: string; timeoutMs?: number }): AIProvider;
    /** The API key the fake server accepts. */
    apiKey: string;
  };
}

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const PNG_DATA_URL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg==';

const ask = (text: string, extra: Partial<AIContext> = {}): AIContext => ({ messages: [{ role: 'user', content: text }], ...extra });

async function failure(promise: Promise<unknown>): Promise<AIProviderError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error, 'the call should have failed').toBeInstanceOf(AIProviderError);
  return error as AIProviderError;
}

/**
 * `scriptedOnly` providers (the mock) have no vendor wire: the failure and cancellation cases,
 * which need one, are not part of their contract (not registered, rather than reported skipped).
 *
 * @example
 * aiProviderContract('anthropic', async () => anthropicFixture());
 * aiProviderContract('mock', async () => mockFixture(), { scriptedOnly: true });
 */
export function aiProviderContract(
  name: string,
  makeFixture: () => Promise<ProviderFixture>,
  options: { scriptedOnly?: boolean } = {},
): void {
  // Known before the fixture exists: wire-only cases are registered only for wire providers.
  const wireIt = options.scriptedOnly === true ? (() => undefined) as unknown as typeof it : it;
  const wireDescribe = options.scriptedOnly === true ? (() => undefined) as unknown as typeof describe : describe;
  describe(`AI provider contract: ${name}`, () => {
    let fx: ProviderFixture;
    beforeAll(async () => {
      fx = await makeFixture();
    });
    afterAll(async () => {
      await fx?.close();
    });
    beforeEach(() => fx.reset());
    const last = () => fx.sent().at(-1)!;

    describe('answers', () => {
      it('returns a plain text answer', async () => {
        fx.script({ kind: 'text', text: 'Hello from the model' });
        const reply = await fx.provider.generate(ask('Hi'));
        expect(reply.content).toBe('Hello from the model');
        expect(reply.toolCalls ?? []).toEqual([]);
        expect(typeof reply.finishReason).toBe('string');
      });

      it('maps usage to input and output tokens', async () => {
        fx.script({ kind: 'text', text: 'counted', usage: { input: 21, output: 13 } });
        const reply = await fx.provider.generate(ask('Count me'));
        expect(reply.usage).toEqual({ inputTokens: 21, outputTokens: 13 });
      });

      it('turns a tool-use answer into toolCalls with parsed arguments', async () => {
        fx.script({ kind: 'tool_use', calls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris', days: 2 } }] });
        const reply = await fx.provider.generate(ask('Weather in Paris?', { tools: [WEATHER_TOOL] }));
        expect(reply.toolCalls).toHaveLength(1);
        expect(reply.toolCalls![0]).toMatchObject({ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris', days: 2 } });
      });

      it('keeps several tool calls in order', async () => {
        fx.script({
          kind: 'tool_use',
          calls: [
            { id: 'call_a', name: 'get_weather', arguments: { city: 'Oslo' } },
            { id: 'call_b', name: 'get_weather', arguments: { city: 'Lima' } },
          ],
        });
        const reply = await fx.provider.generate(ask('Weather in Oslo and Lima?', { tools: [WEATHER_TOOL] }));
        expect(reply.toolCalls!.map((c) => c.arguments.city)).toEqual(['Oslo', 'Lima']);
      });
    });

    describe('requests', () => {
      it('records one request per call with the conversation', async () => {
        fx.script({ kind: 'text', text: 'one' }, { kind: 'text', text: 'two' });
        await fx.provider.generate(ask('first'));
        await fx.provider.generate(ask('second'));
        expect(fx.sent().map((s) => s.turns.at(-1)!.text)).toEqual(['first', 'second']);
      });

      it('places the system prompt, temperature and max tokens in the vendor fields', async () => {
        await fx.provider.generate(ask('Hi', { systemPrompt: 'You are terse.', temperature: 0.2, maxTokens: 321 }));
        const sent = last();
        expect(sent.system).toBe('You are terse.');
        expect(sent.maxTokens).toBe(321);
        expect(sent.temperature).toBe(fx.wire && !fx.wire.sendsTemperature ? undefined : 0.2);
        // The system prompt is not repeated as a conversation turn.
        expect(sent.turns.map((t) => t.text)).not.toContain('You are terse.');
      });

      it('sends the history in order with user and assistant roles', async () => {
        await fx.provider.generate({
          messages: [
            { role: 'user', content: 'My name is Ada.' },
            { role: 'assistant', content: 'Hello Ada!' },
            { role: 'user', content: [{ type: 'text', text: 'What is my name?' }] },
          ],
        });
        expect(last().turns.map((t) => [t.role, t.text])).toEqual([
          ['user', 'My name is Ada.'], ['assistant', 'Hello Ada!'], ['user', 'What is my name?'],
        ]);
      });

      it('sends tool definitions with name, description and JSON-schema parameters', async () => {
        await fx.provider.generate(ask('Weather?', { tools: [WEATHER_TOOL] }));
        expect(last().tools).toEqual([
          { name: 'get_weather', description: WEATHER_TOOL.description, parameters: expect.objectContaining(WEATHER_TOOL.parameters) },
        ]);
      });

      it('sends no tools when the context has none', async () => {
        await fx.provider.generate(ask('No tools here'));
        expect(last().tools).toEqual([]);
      });

      it('replays an assistant tool call and sends the tool result back', async () => {
        await fx.provider.generate({
          tools: [WEATHER_TOOL],
          messages: [
            { role: 'user', content: 'Weather in Paris?' },
            { role: 'assistant', content: [{ type: 'tool_call', id: 'call_9', name: 'get_weather', arguments: { city: 'Paris' } }] },
            { role: 'tool', content: [{ type: 'tool_result', toolCallId: 'call_9', content: '18°C, sunny' }] },
          ],
        });
        const turns = last().turns;
        const callAt = turns.findIndex((t) => t.toolCalls.length > 0);
        const resultAt = turns.findIndex((t) => t.toolResults.length > 0);
        expect(turns[callAt]).toMatchObject({ role: 'assistant', toolCalls: [{ id: 'call_9', name: 'get_weather', arguments: { city: 'Paris' } }] });
        expect(resultAt).toBeGreaterThan(callAt);
        expect(turns[resultAt].role).not.toBe('assistant');
        expect(turns[resultAt].toolResults[0]).toMatchObject({ id: 'call_9', content: '18°C, sunny' });
      });

      it('sends image parts (URL and inline data) with a vision request', async () => {
        await fx.provider.generate({
          messages: [{
            role: 'user',
            content: [
              { type: 'text', text: 'What is in these pictures?' },
              { type: 'image', url: 'https://example.com/cat.jpg', mimeType: 'image/jpeg' },
              { type: 'image', url: PNG_DATA_URL, mimeType: 'image/png' },
            ],
          }],
        });
        const turn = last().turns.at(-1)!;
        expect(turn.text).toBe('What is in these pictures?');
        expect(turn.images).toEqual(['https://example.com/cat.jpg', PNG_DATA_URL]);
      });
    });

    wireDescribe('failures', () => {
      const wire = () => {
        if (!fx.wire) throw new Error(`${name}: a wire fixture is required unless scriptedOnly`);
        return fx.wire;
      };

      wireIt('classifies a 400 as non-retryable with its status', async () => {
        fx.script({ kind: 'error', status: 400, message: 'messages: field required' });
        const error = await failure(fx.provider.generate(ask('Hi')));
        expect(error).toMatchObject({ retryable: false, statusCode: 400, contextOverflow: false, provider: fx.provider.name });
        expect(error.message).toContain('messages: field required');
      });

      wireIt('classifies a 401 as non-retryable', async () => {
        fx.script({ kind: 'error', status: 401, message: 'invalid credentials' });
        expect(await failure(fx.provider.generate(ask('Hi')))).toMatchObject({ retryable: false, statusCode: 401 });
      });

      wireIt('classifies a 429 as retryable with Retry-After seconds as retryAfterMs', async () => {
        fx.script({ kind: 'error', status: 429, message: 'rate limited', retryAfter: '7' });
        expect(await failure(fx.provider.generate(ask('Hi')))).toMatchObject({ retryable: true, statusCode: 429, retryAfterMs: 7000 });
        // One attempt only: the SDK did not retry behind Temporal's back.
        expect(fx.sent()).toHaveLength(1);
      });

      wireIt('reads Retry-After as an HTTP date and retry-after-ms', async () => {
        const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
        fx.script(
          { kind: 'error', status: 429, retryAfter: inTenSeconds },
          { kind: 'error', status: 429, headers: { 'retry-after-ms': '1500' } },
        );
        const byDate = await failure(fx.provider.generate(ask('Hi')));
        expect(byDate.retryAfterMs).toBeGreaterThan(7_000);
        expect(byDate.retryAfterMs).toBeLessThanOrEqual(10_000);
        expect((await failure(fx.provider.generate(ask('Hi')))).retryAfterMs).toBe(1500);
      });

      wireIt('classifies a 500 as retryable', async () => {
        fx.script({ kind: 'error', status: 500, message: 'internal error' });
        expect(await failure(fx.provider.generate(ask('Hi')))).toMatchObject({ retryable: true, statusCode: 500 });
        expect(fx.sent()).toHaveLength(1);
      });

      wireIt('classifies the vendor\'s overloaded answer and a 503 as retryable', async () => {
        fx.script({ kind: 'overloaded' }, { kind: 'error', status: 503, message: 'unavailable' });
        expect(await failure(fx.provider.generate(ask('Hi')))).toMatchObject({ retryable: true, statusCode: wire().overloadedStatus });
        expect(await failure(fx.provider.generate(ask('Hi')))).toMatchObject({ retryable: true, statusCode: 503 });
      });

      wireIt('flags a context-window overflow as contextOverflow and non-retryable', async () => {
        fx.script({ kind: 'overflow' });
        expect(await failure(fx.provider.generate(ask('a very long prompt')))).toMatchObject({
          contextOverflow: true, retryable: false, statusCode: 400,
        });
      });

      wireIt('turns a 200 with an undocumented body into a non-retryable AIProviderError', async () => {
        fx.script({ kind: 'malformed', body: '{"nonsense": true}' });
        const error = await failure(fx.provider.generate(ask('Hi')));
        expect(error).toMatchObject({ retryable: false });
        expect(error.message).toMatch(/malformed response/);
      });

      wireIt('turns a 200 with invalid JSON into a non-retryable AIProviderError', async () => {
        fx.script({ kind: 'malformed', body: '{"content": [' });
        const error = await failure(fx.provider.generate(ask('Hi')));
        expect(error).toMatchObject({ retryable: false });
        expect(error.message).toMatch(/malformed response/);
      });

      wireIt('refuses a wrong key without the key in the message', async () => {
        const secret = 'sk-wrong-but-secret-424242';
        const provider = wire().build({ apiKey: secret });
        const error = await failure(provider.generate(ask('Hi')));
        expect(error.retryable).toBe(false);
        expect([400, 401]).toContain(error.statusCode);
        expect(error.message).not.toContain(secret);
        expect(String(error.stack)).not.toContain(secret);
      });

      wireIt('classifies a refused connection as retryable', async () => {
        const provider = wire().build({ origin: 'http://127.0.0.1:9' });
        const error = await failure(provider.generate(ask('Hi')));
        expect(error).toMatchObject({ retryable: true, statusCode: undefined });
      });

      wireIt('classifies its own request timeout as retryable', async () => {
        fx.script({ kind: 'hang' });
        const provider = wire().build({ timeoutMs: 300 });
        const error = await failure(provider.generate(ask('Hi')));
        expect(error).toMatchObject({ retryable: true });
        expect(error.message).toMatch(/timed out/);
      });
    });

    wireDescribe('cancellation', () => {

      wireIt('does not call the vendor when the signal is already aborted', async () => {
        const controller = new AbortController();
        const reason = new Error('activity cancelled');
        controller.abort(reason);
        await expect(fx.provider.generate(ask('Hi'), { signal: controller.signal })).rejects.toBe(reason);
        expect(fx.sent()).toHaveLength(0);
      });

      wireIt('rejects with the abort reason when the signal fires mid-request', async () => {
        fx.script({ kind: 'hang' });
        const controller = new AbortController();
        const reason = new Error('activity cancelled');
        const pending = fx.provider.generate(ask('Hi'), { signal: controller.signal });
        await fx.wire!.waitForRequest(1);
        const started = Date.now();
        controller.abort(reason);
        await expect(pending).rejects.toBe(reason);
        expect(Date.now() - started).toBeLessThan(2_000);
      });
    });
  });
}
