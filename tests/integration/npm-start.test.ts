/**
 * The newcomer path: `npm start` (workers/dev.ts) with no TEMPORAL_ADDRESS starts the embedded dev
 * server, a worker and the HTTP server, serves the demo room, and stops cleanly on Ctrl-C.
 */
import { signalGroup, spawnChild } from '../support/processes.js';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';

function waitFor(read: () => string, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      const m = read().match(pattern);
      if (m) return resolve(m);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${pattern}; output:\n${read()}`));
      setTimeout(tick, 100);
    };
    tick();
  });
}

function portOpen(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const s = connect(Number(port), host);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

describe('npm start (all-in-one dev service)', () => {
  it('runs the embedded server, worker and HTTP server until Ctrl-C, then shuts everything down', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', TEMPORAL_UI_PORT: '0', DEMO_ROOM_ID: 'demo-test' };
    delete env.TEMPORAL_ADDRESS;
    delete env.ANTHROPIC_API_KEY; // the demo's support agent runs on its scripted mock model
    // Its own process group, so the test can do what a terminal's Ctrl-C does: SIGINT to the group.
    const child = spawnChild('npm', ['start'], { env });
    const ctrlC = () => signalGroup(child, 'SIGINT');
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr?.on('data', (d) => (out += d));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const [, base] = await waitFor(() => out, /health:\s+(http:\/\/[\d.]+:\d+)\/health/, 60_000);
      const [, temporal] = await waitFor(() => out, /temporal:\s+([\d.]+:\d+)/, 1_000);

      const health = await fetch(`${base}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', temporal: { address: temporal, taskQueue: 'roomkit' } });

      // The demo room answers through the WebSocket endpoint: our message is acked, the support
      // agent looks the order up with its tool and replies.
      const ws = new WebSocket(`${base.replace('http', 'ws')}/ws?room=demo-test&sender=tester`);
      type Frame = { type: string; event?: { type: string; index: number; source: { channelId: string }; content: Record<string, unknown> } };
      const frames: Frame[] = [];
      ws.on('message', (m) => frames.push(JSON.parse(m.toString())));
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ type: 'message', body: 'Where is my order A1001?' }));
      // Deliveries may arrive in any order; the room's index orders them.
      const fromAI = () => frames
        .flatMap((f) => ((f.type === 'event' || f.type === 'stream_end') && f.event?.source.channelId === 'ai-bot' ? [f.event] : []))
        .sort((a, b) => a.index - b.index);
      await waitFor(() => fromAI().map((e) => e.type).join(','), /^tool_call_start,tool_call_end,message$/, 15_000);
      expect(frames.some((f) => f.type === 'ack')).toBe(true);
      const [start, end, answer] = fromAI();
      expect(start.content).toMatchObject({ type: 'tool_call', toolName: 'lookup_order', arguments: { order_id: 'A1001' }, status: 'pending' });
      expect(end.content).toMatchObject({
        type: 'tool_call', toolName: 'lookup_order', status: 'completed',
        result: JSON.stringify({ order_id: 'A1001', status: 'shipped', eta: '2026-03-14' }),
      });
      expect(answer.content).toEqual({ type: 'text', body: 'Your order A1001 has shipped and should arrive on 2026-03-14.' });
      ws.close();

      ctrlC();
      await exited;
      await waitFor(() => out, /^stopped$/m, 15_000);
      expect(out).not.toMatch(/Error|unhandled/i);
      expect(await portOpen(temporal)).toBe(false);
    } finally {
      signalGroup(child, 'SIGKILL');
    }
  }, 120_000);
});
