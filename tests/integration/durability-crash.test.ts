/**
 * A worker process dies (SIGKILL) in the middle of a conversation: during a slow SMS delivery, and
 * during an AI generation. A new worker process takes over. The room goes on, every accepted message
 * is stored once, in index order, every delivery happens, and every `processInbound` caller (some
 * calling while no worker ran at all) gets its InboundResult.
 *
 * The worker runs tests/support/crash-room-worker.ts; the test process is a client-only kit
 * (`connect()`) reading the same SQLite store.
 */
import type { ChildProcess } from 'node:child_process';
import { WorkerChildren } from '../support/processes.js';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RoomKit, SQLiteStore, type InboundResult, type RoomEvent } from '../../src/index.js';
import { defineCrashRoomKit } from '../support/crash-room-worker.js';
import { eventually } from '../support/kit.js';

const workers = new WorkerChildren('tests/support/crash-room-worker.ts');
afterAll(() => workers.stopAll());

interface Scenario {
  dir: string;
  client: RoomKit;
  startWorker(): Promise<ChildProcess>;
  kill(child: ChildProcess): Promise<void>;
  /** Marker lines as [verb, pid, eventId, idempotencyKey?]. */
  lines(file: 'sends' | 'generations'): Promise<string[][]>;
  release(): Promise<void>;
  close(): Promise<void>;
}

async function scenario(): Promise<Scenario> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'roomkit-crash-'));
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `crash-${randomUUID()}`,
    ROOMKIT_DB: path.join(dir, 'rooms.db'),
    MARKER_DIR: dir,
    WORKFLOW_BUNDLE: inject('workflowBundlePath'),
  };
  const client = new RoomKit({ store: new SQLiteStore(env.ROOMKIT_DB), temporal: { address: env.TEMPORAL_ADDRESS, taskQueue: env.TEMPORAL_TASK_QUEUE }, log: () => {} });
  defineCrashRoomKit(client); // same channel ids, for attachChannel
  await client.connect();
  return {
    dir,
    client,
    startWorker: () => workers.start(env),
    kill: (child) => workers.kill(child),
    async lines(file) {
      const text = await readFile(path.join(dir, file), 'utf8').catch(() => '');
      return text.trim().split('\n').filter(Boolean).map((l) => l.split(' '));
    },
    release: () => writeFile(path.join(dir, 'release'), ''),
    async close() {
      workers.stopAll('SIGTERM');
      await client.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const say = (body: string) => ({ channelId: 'ws', senderId: 'u1', content: { type: 'text' as const, body } });
const bodyOf = (e: RoomEvent) => (e.content.type === 'text' ? e.content.body : `<${e.content.type}>`);
/** Settles each promise into a list the test can inspect even before all of them resolved. */
function track(p: Promise<InboundResult>) {
  const t: { result?: InboundResult; error?: unknown; promise: Promise<InboundResult> } = { promise: p };
  p.then((r) => (t.result = r), (e) => (t.error = e));
  return t;
}

describe('durability: a worker killed in the middle of a conversation', () => {
  it('during a slow delivery: every caller gets its result, every message is stored once and delivered', async () => {
    const s = await scenario();
    const { client } = s;
    try {
      const first = await s.startWorker();
      const room = 'crash-delivery';
      await client.createRoom({ roomId: room });
      await client.attachChannel(room, 'ws');
      // Retries so the killed delivery is delivered again (the default is one attempt); short delays.
      await client.attachChannel(room, 'sms', {
        metadata: { phoneNumber: '+15550001111' },
        retryPolicy: { maxRetries: 3, baseDelaySeconds: 0.2, maxDelaySeconds: 1, exponentialBase: 2 },
      });

      // m1 is being sent by the first worker; m2 and m3 are committed behind it (the delivery lane
      // goes in index order), their callers waiting for the delivery.
      const calls = [track(client.processInbound(say('m1'), { roomId: room }))];
      const sendsOf = async (pid: number | undefined) => (await s.lines('sends')).filter(([verb, p]) => verb === 'send' && p === String(pid));
      await eventually(async () => (await sendsOf(first.pid)).length === 1, 30_000);
      const stored = async () => (await client.store.listEvents(room, { limit: 100 })).filter((e) => e.type === 'message');
      for (const body of ['m2', 'm3']) {
        calls.push(track(client.processInbound(say(body), { roomId: room })));
        await eventually(async () => (await stored()).length === calls.length, 30_000);
      }

      await s.kill(first);
      // No worker at all: these callers wait in Temporal.
      calls.push(track(client.processInbound(say('m4'), { roomId: room })));
      calls.push(track(client.processInbound(say('m5'), { roomId: room })));
      await new Promise((r) => setTimeout(r, 500));
      expect(calls.every((c) => !c.result && !c.error)).toBe(true);

      const second = await s.startWorker();
      await s.release();
      const results = await Promise.all(calls.map((c) => c.promise));

      // Every caller got the committed event and the SMS target's `sent` result.
      const bodies = ['m1', 'm2', 'm3', 'm4', 'm5'];
      results.forEach((r, i) => {
        expect(r.blocked).toBe(false);
        expect(r.error).toBeUndefined();
        expect(r.event && bodyOf(r.event)).toBe(bodies[i]);
        expect(r.deliveryResults.sms).toMatchObject({ channelId: 'sms', status: 'sent', providerMessageId: `sms-${r.event?.id}` });
      });

      // The timeline: gap-free indexes, each message exactly once, as the callers were told.
      const events = await client.store.listEvents(room, { limit: 100 });
      expect(events.map((e) => e.index)).toEqual(events.map((_, i) => i));
      const messages = events.filter((e) => e.type === 'message');
      expect(messages.map(bodyOf).slice(0, 3)).toEqual(['m1', 'm2', 'm3']);
      expect([...messages.map(bodyOf)].sort()).toEqual(bodies); // m4/m5 raced while no worker ran
      for (const r of results) expect(messages.find((e) => e.id === r.event?.id)?.index).toBe(r.event?.index);

      // Every message delivered once successfully, in index order; only m1 was attempted twice (the
      // killed send and its retry on the new worker), both with the same idempotency key.
      const lines = await s.lines('sends');
      const sent = lines.filter(([verb]) => verb === 'sent');
      expect(sent.map(([, , id]) => id)).toEqual(messages.map((e) => e.id));
      expect(new Set(sent.map(([, pid]) => pid))).toEqual(new Set([String(second.pid)]));
      for (const e of messages) {
        const attempts = lines.filter(([verb, , id]) => verb === 'send' && id === e.id);
        const key = `${room}:${e.index}:sms`;
        expect(attempts.map(([, pid, , k]) => [pid, k])).toEqual(
          e.id === messages[0].id ? [[String(first.pid), key], [String(second.pid), key]] : [[String(second.pid), key]],
        );
      }
    } finally {
      await s.close();
    }
  }, 180_000);

  it('during an AI generation: the caller gets its result, the answer is stored once, the room goes on', async () => {
    const s = await scenario();
    const { client } = s;
    try {
      const first = await s.startWorker();
      const room = 'crash-ai';
      await client.createRoom({ roomId: room });
      await client.attachChannel(room, 'ws');
      await client.attachChannel(room, 'ai');

      const asked = client.processInbound(say('q1'), { roomId: room });
      const gens = async (verb: string) => (await s.lines('generations')).filter(([v]) => v === verb);
      await eventually(async () => (await gens('generate')).length === 1, 30_000);
      await s.kill(first);

      const second = await s.startWorker();
      await s.release();
      const result = await asked;
      expect(result.blocked).toBe(false);
      expect(result.error).toBeUndefined();
      expect(result.event && bodyOf(result.event)).toBe('q1');

      // The killed generation was run again on the new worker; the answer exists once.
      const q1 = result.event?.id as string;
      expect((await s.lines('generations')).map(([v, pid, id]) => [v, pid, id])).toEqual([
        ['generate', String(first.pid), q1], ['generate', String(second.pid), q1], ['generated', String(second.pid), q1],
      ]);

      // The room goes on: a later message is answered normally.
      const later = await client.processInbound(say('q2'), { roomId: room });
      expect(later.blocked).toBe(false);
      expect(later.error).toBeUndefined();

      const events = await client.store.listEvents(room, { limit: 100 });
      expect(events.map((e) => e.index)).toEqual(events.map((_, i) => i));
      const messages = events.filter((e) => e.type === 'message');
      expect(messages.map((e) => [e.source.channelId, bodyOf(e)])).toEqual([
        ['ws', 'q1'], ['ai', 'Answer to: q1'], ['ws', 'q2'], ['ai', 'Answer to: q2'],
      ]);
      expect(messages[0].id).toBe(q1);
      expect(messages[1].parentEventId).toBe(q1);
      expect(messages[2].id).toBe(later.event?.id);
      expect(messages[3].parentEventId).toBe(later.event?.id);
      expect((await gens('generate')).map(([, , id]) => id)).toEqual([q1, q1, later.event?.id]);
    } finally {
      await s.close();
    }
  }, 120_000);
});
