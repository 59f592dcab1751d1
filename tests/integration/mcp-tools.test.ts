/**
 * MCP tools in the durable AI tool loop, through the public API: a real MCP server (the SDK's
 * `McpServer`, tests/support/mcp-tool-server.ts) over stdio — started by the SDK's
 * `StdioClientTransport` — and over streamable HTTP on 127.0.0.1; real Temporal; each MCP call runs
 * in the ordinary tool activity. A server that dies mid-call makes Temporal retry the call on a
 * fresh connection; one that stays dead ends as an error result, and the room goes on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AIChannel, HookResult, MockAIProvider, WebSocketChannel,
  type AIContext, type AIGenerateOptions, type AIResponse, type RoomEvent, type RoomKit,
} from '../../src/index.js';
import { createAnthropicProvider } from '../../src/providers/anthropic/index.js';
import { startAnthropicServer } from '../fixtures/ai-servers/anthropic.js';
import type { FakeAIServer } from '../fixtures/ai-servers/shared.js';
import { roomId, startTestKit } from '../support/kit.js';
import { startHttpToolServer, type HttpToolServer } from '../support/mcp-tool-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVER_SCRIPT = fileURLToPath(new URL('../support/mcp-tool-server.ts', import.meta.url));
const stdio = { type: 'stdio' as const, command: process.execPath, args: ['--import', 'tsx', SERVER_SCRIPT], cwd: ROOT };

/**
 * The loop tests' scripted model, answering what a model would: after a tool round its scripted
 * text gets the tool results it was handed (`{results}`), so the answer carries the tool's result.
 */
class ReadingMockAIProvider extends MockAIProvider {
  override async generate(ctx: AIContext, options?: AIGenerateOptions): Promise<AIResponse> {
    const response = await super.generate(ctx, options);
    const last = ctx.messages.at(-1);
    const results = last?.role === 'tool' && Array.isArray(last.content)
      ? last.content.map((b) => (b.type === 'tool_result' ? b.content : '')).join(' | ')
      : '';
    return { ...response, content: response.content.replace('{results}', results) };
  }
}

const callTool = (name: string, args: Record<string, unknown> = {}, id = `call-${name}`): AIResponse =>
  ({ content: '', toolCalls: [{ id, name, arguments: args }] });

type ToolEnd = { toolName: string; status: string; result: string };

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('MCP tools in the AI tool loop', () => {
  let kit: RoomKit;
  let http: HttpToolServer;
  let deadHttp: HttpToolServer;
  let claude: FakeAIServer;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-tools-'));
  const providers: Record<string, MockAIProvider> = {};
  const logs: string[] = [];
  /** BEFORE_TOOL_USE runs per tool activity attempt: how many attempts each tool call took. */
  const attempts: Record<string, number> = {};

  beforeAll(async () => {
    [http, deadHttp, claude] = await Promise.all([
      startHttpToolServer({ restartAfterMs: 300 }), startHttpToolServer(), startAnthropicServer(),
    ]);
    kit = await startTestKit((k) => {
      k.registerChannel(new WebSocketChannel('ws'));
      k.hook('before_tool_use', { name: 'count-attempts' }, (e) => {
        if (e.content.type === 'tool_call') attempts[e.content.toolId] = (attempts[e.content.toolId] ?? 0) + 1;
        return HookResult.allow();
      });
      k.mcpServer({ name: 'local', transport: stdio });
      k.mcpServer({ name: 'web', transport: { type: 'http', url: http.url } });
      k.mcpServer({ name: 'limited', transport: stdio, allowTools: ['add'] });
      k.mcpServer({ name: 'dead', transport: { type: 'http', url: deadHttp.url } });
      k.registerChannel(new AIChannel('claude', {
        provider: createAnthropicProvider({ apiKey: claude.apiKey, baseURL: claude.origin }), tools: ['web__*'],
      }));
    }, { log: (m) => logs.push(m) });
  });

  afterAll(async () => {
    await kit?.close();
    await Promise.all([http?.close(), deadHttp?.close(), claude?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  function ai(id: string, tools: string[], aiResponses: AIResponse[]): void {
    providers[id] = new ReadingMockAIProvider({ aiResponses });
    kit.registerChannel(new AIChannel(id, { provider: providers[id], tools }));
  }

  async function converse(aiId: string, body: string, id = roomId('mcp-tools')): Promise<RoomEvent[]> {
    if (!(await kit.store.getRoom(id))) {
      await kit.createRoom({ roomId: id });
      await kit.attachChannel(id, 'ws');
      await kit.attachChannel(id, aiId);
    }
    const result = await kit.processInbound({ channelId: 'ws', senderId: 'u1', content: { type: 'text', body } }, { roomId: id });
    expect(result.blocked).toBe(false);
    return kit.store.listEvents(id, { limit: 100 });
  }

  const ends = (events: RoomEvent[]): ToolEnd[] => events.filter((e) => e.type === 'tool_call_end').map((e) => e.content as unknown as ToolEnd);
  const answer = (events: RoomEvent[]): string => {
    const last = events.at(-1);
    return last?.content.type === 'text' ? last.content.body : '';
  };

  it('stdio: the model sees the server’s tools under <server>__<tool>, calls one, and answers with its result', async () => {
    ai('ai-stdio', ['local__*'], [
      callTool('local__lookup_order', { order_id: 'A1' }),
      { content: 'Your order: {results}' },
    ]);
    const events = await converse('ai-stdio', 'Where is order A1?');
    expect(ends(events)).toEqual([expect.objectContaining({ toolName: 'local__lookup_order', status: 'completed', result: '{"order_id":"A1","status":"shipped"}' })]);
    expect(answer(events)).toBe('Your order: {"order_id":"A1","status":"shipped"}');
    const [first] = providers['ai-stdio'].calls;
    expect(first.tools?.map((t) => t.name)).toEqual(['local__add', 'local__lookup_order', 'local__pid', 'local__fail', 'local__die_once']);
    expect(first.tools?.find((t) => t.name === 'local__lookup_order')).toMatchObject({
      description: 'Look up an order by id', parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
    });
  });

  it('http: the same tools over streamable HTTP; concurrent calls of one round share the connection', async () => {
    ai('ai-http', ['web__add'], [
      { content: '', toolCalls: [1, 2, 3].map((n) => ({ id: `add-${n}`, name: 'web__add', arguments: { a: n, b: 10 } })) },
      { content: 'Sums: {results}' },
    ]);
    const events = await converse('ai-http', 'add things');
    expect(ends(events).map((e) => [e.status, e.result])).toEqual([['completed', '11'], ['completed', '12'], ['completed', '13']]);
    expect(answer(events)).toBe('Sums: 11 | 12 | 13');
    expect(providers['ai-http'].calls[0].tools?.map((t) => t.name)).toEqual(['web__add']);
  });

  it('allowTools: only the listed tools are offered, another is refused as unknown without being run', async () => {
    ai('ai-limited', ['limited__*', 'limited__pid'], [
      { content: '', toolCalls: [{ id: 'l1', name: 'limited__add', arguments: { a: 1, b: 2 } }, { id: 'l2', name: 'limited__pid', arguments: {} }] },
      { content: 'Got: {results}' },
    ]);
    const events = await converse('ai-limited', 'try the hidden one');
    expect(providers['ai-limited'].calls[0].tools?.map((t) => t.name)).toEqual(['limited__add']);
    expect(ends(events).map((e) => [e.toolName, e.status, e.result])).toEqual([
      ['limited__add', 'completed', '3'],
      ['limited__pid', 'failed', "Error: unknown tool 'limited__pid'"],
    ]);
    expect(answer(events)).toBe("Got: 3 | Error: unknown tool 'limited__pid'");
  });

  it('an isError result and invalid arguments are error results the model reads (final, not retried)', async () => {
    ai('ai-errors', ['local__fail', 'local__add'], [
      { content: '', toolCalls: [{ id: 'f1', name: 'local__fail', arguments: {} }, { id: 'f2', name: 'local__add', arguments: { a: 'x' } }] },
      { content: 'Sorry: {results}' },
    ]);
    const events = await converse('ai-errors', 'break it');
    const [fail, invalid] = ends(events);
    expect(fail).toMatchObject({ status: 'failed', result: "Error executing tool 'local__fail': the warehouse is closed" });
    expect(invalid.status).toBe('failed');
    expect(invalid.result).toMatch(/^Error executing tool 'local__add': .*validation/i);
    expect(providers['ai-errors'].calls[1].messages.at(-1)?.content).toMatchObject([{ isError: true }, { isError: true }]);
    expect([attempts.f1, attempts.f2]).toEqual([1, 1]);
  });

  for (const via of ['stdio', 'http'] as const) {
    it(`${via}: the server dies mid-call ⇒ Temporal retries the call, it succeeds after reconnecting, and the room answers`, async () => {
      const tool = via === 'stdio' ? 'local__die_once' : 'web__die_once';
      const aiId = `ai-die-${via}`;
      const marker = path.join(dir, `die-${via}`);
      ai(aiId, [tool], [callTool(tool, { marker }, `die-${via}`), { content: 'After the crash: {results}' }]);
      const deathsBefore = http.deaths;
      const events = await converse(aiId, 'crash it');
      expect(ends(events)).toEqual([expect.objectContaining({ toolName: tool, status: 'completed', result: 'survived' })]);
      expect(answer(events)).toBe('After the crash: survived');
      if (via === 'http') expect(http.deaths).toBe(deathsBefore + 1);
      expect(attempts[`die-${via}`]).toBe(2); // a second activity attempt, hooks included
    });
  }

  it('a server that stays dead ends the call as an error result after Temporal’s retries, and the room keeps answering', async () => {
    ai('ai-dead', ['dead__die_once'], [
      callTool('dead__die_once', { marker: path.join(dir, 'die-dead') }, 'die-dead'),
      { content: 'No luck: {results}' },
      { content: 'Still here.' },
    ]);
    const id = roomId('mcp-dead');
    const events = await converse('ai-dead', 'crash it for good', id);
    const [end] = ends(events);
    expect(end.status).toBe('failed');
    expect(end.result).toMatch(/^Error executing tool 'dead__die_once': MCP server dead is unavailable/);
    expect(answer(events)).toMatch(/^No luck: Error executing tool 'dead__die_once'/);
    expect(attempts['die-dead']).toBe(5); // runTool's retry policy: five attempts, then the room's error result
    // The second generation still offered the tool (its last known definition) though the server was gone.
    expect(providers['ai-dead'].calls[1].tools?.map((t) => t.name)).toEqual(['dead__die_once']);
    expect(logs.some((m) => m.includes('MCP server dead') && m.includes('last known tools'))).toBe(true);
    expect(answer(await converse('ai-dead', 'are you there?', id))).toBe('Still here.');
  }, 90_000);

  it('a real vendor SDK (Claude, loopback Messages API) gets the namespaced tools and calls one', async () => {
    claude.script(
      { kind: 'tool_use', calls: [{ id: 'toolu_1', name: 'web__add', arguments: { a: 20, b: 22 } }] },
      { kind: 'text', text: 'It is 42.' },
    );
    const events = await converse('claude', 'what is 20 + 22?');
    expect(ends(events)).toEqual([expect.objectContaining({ toolName: 'web__add', status: 'completed', result: '42' })]);
    const first = claude.requests.at(-2)?.body as { tools: { name: string; input_schema: unknown }[] };
    expect(first.tools.map((t) => t.name)).toEqual(['web__add', 'web__lookup_order', 'web__pid', 'web__fail', 'web__die_once']);
    for (const t of first.tools) expect(t.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    const last = claude.requests.at(-1)?.body as { messages: { content: { type: string; content?: unknown }[] }[] };
    expect(last.messages.at(-1)?.content.find((b) => b.type === 'tool_result')).toMatchObject({ content: '42' });
  });

  it('kit.close() ends the stdio servers it started', async () => {
    ai('ai-pid', ['local__pid', 'limited__add'], [callTool('local__pid'), { content: '{results}' }]);
    const pid = Number(answer(await converse('ai-pid', 'your pid?')));
    expect(alive(pid)).toBe(true);
    await kit.close();
    expect(alive(pid)).toBe(false);
  });
});
