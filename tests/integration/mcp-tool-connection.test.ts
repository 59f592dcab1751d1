/**
 * One MCP server's pooled connection on a worker, against a real server (the SDK's `McpServer`)
 * over stdio and over streamable HTTP: listed once, shared by concurrent calls, dropped and
 * reconnected after the server dies, closed with the kit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { McpServerUnavailableError } from '../../src/tools/mcp/errors.js';
import { McpToolServer } from '../../src/tools/mcp/server.js';
import type { RegisteredTool } from '../../src/tools/registry.js';
import { startHttpToolServer, type HttpToolServer } from '../support/mcp-tool-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVER_SCRIPT = fileURLToPath(new URL('../support/mcp-tool-server.ts', import.meta.url));
const stdio = { type: 'stdio' as const, command: process.execPath, args: ['--import', 'tsx', SERVER_SCRIPT], cwd: ROOT };
const ctx = { roomId: 'r1', channelId: 'ai', toolCallId: 'c1' };

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function call(server: McpToolServer, name: string, args: Record<string, unknown> = {}): Promise<unknown> {
  const tool = (await server.tools()).find((t: RegisteredTool) => t.spec.name === name);
  if (!tool) throw new Error(`no tool ${name}`);
  return tool.definition.handler(args as never, ctx);
}

async function gone(pid: number): Promise<void> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  expect(alive(pid)).toBe(false);
}

describe('MCP connection pool', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcp-conn-'));
  const servers: McpToolServer[] = [];
  const https: HttpToolServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await Promise.all(https.map((h) => h.close()));
    rmSync(dir, { recursive: true, force: true });
  });
  const server = (config: ConstructorParameters<typeof McpToolServer>[0]) => {
    const s = new McpToolServer(config);
    servers.push(s);
    return s;
  };

  it('stdio: lists the tools with their schemas, shares one process between concurrent calls, closes it with close()', async () => {
    const s = server({ name: 'tools', transport: stdio });
    const specs = await s.listTools();
    expect(specs.map((t) => t.name)).toEqual(['tools__add', 'tools__lookup_order', 'tools__pid', 'tools__fail', 'tools__die_once']);
    expect(specs[0]).toMatchObject({ description: 'Add two numbers', parameters: { type: 'object', properties: { a: { type: 'number' } }, required: ['a', 'b'] } });
    expect(specs[0].parameters).not.toHaveProperty('$schema');
    const pids = await Promise.all([1, 2, 3, 4].map(() => call(s, 'tools__pid')));
    expect(new Set(pids).size).toBe(1);
    expect(await call(s, 'tools__add', { a: 2, b: 3 })).toBe('5');
    await s.close();
    await gone(Number(pids[0]));
    // Closed is not final: the next use connects (a worker that restarts on the same kit).
    const again = await call(s, 'tools__pid');
    expect(again).not.toBe(pids[0]);
    await s.close();
    await gone(Number(again));
  });

  it('stdio: a server that exits mid-call fails the call as unavailable, and the next call reconnects', async () => {
    const s = server({ name: 'dying', transport: stdio });
    const before = Number(await call(s, 'dying__pid'));
    const marker = path.join(dir, 'stdio-die');
    const err = await (call(s, 'dying__die_once', { marker }) as Promise<never>).catch((e: McpServerUnavailableError) => e);
    expect(err).toBeInstanceOf(McpServerUnavailableError);
    expect(err.retryable).toBe(true);
    await gone(before);
    expect(await call(s, 'dying__die_once', { marker })).toBe('survived');
    expect(Number(await call(s, 'dying__pid'))).not.toBe(before);
  });

  it('an isError result and a JSON-RPC error are final errors, not a lost connection', async () => {
    const s = server({ name: 'final', transport: stdio });
    await expect(call(s, 'final__fail')).rejects.toMatchObject({ name: 'McpToolError', message: 'the warehouse is closed' });
    const invalid = await (call(s, 'final__add', { a: 'x' }) as Promise<unknown>).then((v) => v, (e) => e);
    // The SDK's McpServer answers invalid arguments as an error result the model can read.
    expect(invalid).toMatchObject({ name: 'McpToolError' });
    expect(String((invalid as Error).message)).toMatch(/Input validation error|invalid/i);
  });

  it('allowTools exposes only the listed tools', async () => {
    const s = server({ name: 'some', transport: stdio, allowTools: ['add', 'pid'] });
    expect((await s.listTools()).map((t) => t.name)).toEqual(['some__add', 'some__pid']);
  });

  it('a command that cannot start is unavailable (retryable), not a crash', async () => {
    const s = server({ name: 'nowhere', transport: { type: 'stdio', command: path.join(dir, 'no-such-binary') } });
    await expect(s.tools()).rejects.toBeInstanceOf(McpServerUnavailableError);
    expect(await s.knownTools()).toEqual([]);
  });

  it('http: the same tools; a server cut mid-call fails the call at once as unavailable, then reconnects when it is back', async () => {
    const h = await startHttpToolServer({ restartAfterMs: 300 });
    https.push(h);
    const s = server({ name: 'web', transport: { type: 'http', url: h.url } });
    expect((await s.listTools()).map((t) => t.name)).toContain('web__add');
    expect(await call(s, 'web__add', { a: 1, b: 1 })).toBe('2');
    const marker = path.join(dir, 'http-die');
    const started = Date.now();
    const err = await (call(s, 'web__die_once', { marker }) as Promise<unknown>).catch((e) => e);
    expect(err).toBeInstanceOf(McpServerUnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000); // not the 60 s request timeout
    expect(h.deaths).toBe(1);
    await new Promise((r) => setTimeout(r, 600));
    expect(await call(s, 'web__die_once', { marker })).toBe('survived');
  });

  it('http: a server that is gone is unavailable; its last known tools are still offered to the AI', async () => {
    const h = await startHttpToolServer();
    const s = server({ name: 'gone', transport: { type: 'http', url: h.url } });
    const known = await s.listTools();
    await h.close();
    await expect(call(s, 'gone__add', { a: 1, b: 2 })).rejects.toBeInstanceOf(McpServerUnavailableError);
    expect((await s.knownTools()).map((t) => t.spec)).toEqual(known);
  });
});
