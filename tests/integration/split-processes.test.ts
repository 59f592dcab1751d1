/**
 * What docker-compose runs, without Docker: a worker process and an HTTP process on one Temporal
 * server (the test run's), talking only through Temporal.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { RoomKit } from '../../src/index.js';
import { eventually } from '../support/kit.js';
import { signalGroup, spawnTsx } from '../support/processes.js';

const children: ChildProcess[] = [];

function start(entry: string, env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawnTsx(entry, env);
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  children.push(child);
  return { child, output: () => out };
}

afterAll(() => {
  for (const c of children) signalGroup(c, 'SIGKILL');
});

describe('worker and HTTP server as separate processes (docker-compose topology)', () => {
  it('serves the demo room: health, a WebSocket message acked by the room, the AI answer in room state', async () => {
    const env = {
      TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: `split-${randomUUID()}`, PORT: '0', DEMO_ROOM_ID: 'demo-split',
      ANTHROPIC_API_KEY: '', // empty = unset: the demo's support agent runs on its scripted mock model
      // Processes apart share one store (the run's PostgreSQL, a schema of this test's own).
      ROOMKIT_STORE: inject('postgresUrl'), ROOMKIT_STORE_SCHEMA: `split_${randomUUID().slice(0, 8)}`,
      ROOMKIT_REDIS_URL: inject('redisUrl'), ROOMKIT_REDIS_PREFIX: `split-${randomUUID().slice(0, 8)}:`,
    };
    start('workers/worker.ts', env);
    const http = start('workers/http.ts', env);
    const base = (await eventually(async () => http.output().match(/HTTP server on (http:\/\/[\d.]+:\d+)/)?.[1], 60_000));

    expect(await (await fetch(`${base}/health`)).json()).toMatchObject({ status: 'ok', temporal: { taskQueue: env.TEMPORAL_TASK_QUEUE } });

    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws?room=demo-split&sender=tester`);
    const frames: { type: string; blocked?: boolean }[] = [];
    ws.on('message', (m) => frames.push(JSON.parse(m.toString())));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'message', body: 'Where is my order A1001?' }));
    const ack = await eventually(async () => frames.find((f) => f.type === 'ack'), 20_000);
    expect(ack.blocked).toBe(false);
    ws.close();

    // A client-only kit reads the room from its workflow: the worker process ran the support
    // agent's tool loop (lookup_order, then the answer).
    const reader = new RoomKit({ temporal: { address: env.TEMPORAL_ADDRESS, taskQueue: env.TEMPORAL_TASK_QUEUE }, log: () => {} });
    await reader.connect();
    const state = await eventually(async () => {
      const s = await reader.roomState('demo-split');
      return s.recentEvents.some((e) => e.source.channelId === 'ai-bot' && e.type === 'message') ? s : undefined;
    }, 20_000);
    expect(state.recentEvents.map((e) => [e.source.channelId, e.type])).toEqual([
      ['system', 'channel_attached'], ['system', 'channel_attached'], ['system', 'channel_attached'], ['ws-user', 'message'],
      ['ai-bot', 'tool_call_start'], ['ai-bot', 'tool_call_end'], ['ai-bot', 'message'],
    ]);
    const [toolStart, toolEnd, answer] = state.recentEvents.slice(-3);
    expect(toolStart.content).toMatchObject({ type: 'tool_call', toolName: 'lookup_order', arguments: { order_id: 'A1001' } });
    expect(toolEnd.content).toMatchObject({ type: 'tool_call', status: 'completed', result: JSON.stringify({ order_id: 'A1001', status: 'shipped', eta: '2026-03-14' }) });
    expect(answer.content).toEqual({ type: 'text', body: 'Your order A1001 has shipped and should arrive on 2026-03-14.' });
    expect(new Set([toolStart, toolEnd, answer].map((e) => e.correlationId)).size).toBe(1);
    await reader.close();

    // The HTTP process reads the same timeline from the shared store the worker wrote.
    const timeline = await (await fetch(`${base}/api/rooms/demo-split/events?limit=50`)).json() as { events: { source: { channelId: string } }[] };
    expect(timeline.events.map((e) => e.source.channelId)).toContain('ai-bot');
  }, 120_000);

  it.each(['workers/worker.ts', 'workers/http.ts'])('%s refuses to start apart from the others with a store of its own', async (entry) => {
    const proc = start(entry, { TEMPORAL_ADDRESS: inject('temporalAddress'), ROOMKIT_STORE: 'memory' });
    const code = await new Promise<number | null>((resolve) => proc.child.once('exit', resolve));
    expect(code).toBe(2);
    expect(proc.output()).toMatch(/ROOMKIT_STORE is memory \(this process only\)[\s\S]*Set ROOMKIT_STORE=postgres:\/\//);
  }, 60_000);

  it('a worker apart from the HTTP processes needs Redis, and says which Redis it cannot reach', async () => {
    const store = { TEMPORAL_ADDRESS: inject('temporalAddress'), ROOMKIT_STORE: 'sqlite::memory:' };
    const without = start('workers/worker.ts', store);
    expect(await new Promise<number | null>((resolve) => without.child.once('exit', resolve))).toBe(2);
    expect(without.output()).toMatch(/ROOMKIT_REDIS_URL is unset[\s\S]*Set ROOMKIT_REDIS_URL=redis:\/\/host:6379/);

    const unreachable = start('workers/worker.ts', { ...store, ROOMKIT_REDIS_URL: 'redis://127.0.0.1:1' });
    expect(await new Promise<number | null>((resolve) => unreachable.child.once('exit', resolve))).toBe(2);
    expect(unreachable.output().trim()).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:1 is unreachable \(.+\); start it or fix ROOMKIT_REDIS_URL$/);
  }, 60_000);

  it.each([
    ['workers/http.ts', 'PORT', { ROOMKIT_REDIS_URL: inject('redisUrl') }],
    ['workers/dev.ts', 'TEMPORAL_UI_PORT', { TEMPORAL_ADDRESS: undefined, PORT: '0' }],
  ] as const)('%s says in one line which variable to change when %s is taken, before anything starts', async (entry, variable, extra) => {
    const taken = createNetServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = String((taken.address() as AddressInfo).port);
    try {
      const proc = start(entry, {
        TEMPORAL_ADDRESS: inject('temporalAddress'), ROOMKIT_STORE: 'sqlite::memory:', PORT: port, TEMPORAL_UI_PORT: port, ...extra,
      });
      const code = await new Promise<number | null>((resolve) => proc.child.once('exit', resolve));
      expect(code).toBe(2);
      expect(proc.output().trim()).toBe(`${variable}=${port}: 127.0.0.1:${port} is already in use; set ${variable} to a free port (0 picks one).`);
    } finally {
      taken.close();
    }
  }, 60_000);

  it('refuses a misspelt ROOMKIT_ variable and a malformed store setting, naming them', async () => {
    const proc = start('workers/worker.ts', {
      TEMPORAL_ADDRESS: inject('temporalAddress'), ROOMKIT_STORE: 'mysql://u:secret@db/x', ROOMKIT_STOER: 'x',
    });
    const code = await new Promise<number | null>((resolve) => proc.child.once('exit', resolve));
    expect(code).toBe(2);
    expect(proc.output()).toMatch(/ROOMKIT_STORE: expected memory, sqlite:<path> or postgres/);
    expect(proc.output()).toMatch(/ROOMKIT_STOER: not a setting of this service/);
    expect(proc.output()).not.toContain('secret');
  }, 60_000);
});
