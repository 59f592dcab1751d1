/**
 * Rooms must replay under concurrent traffic (issue «Rooms that cannot replay»). A seeded workload
 * drives many rooms at once the way real traffic does: each message sent two or three times at once
 * with its idempotency key, half as updates (`processInbound`) and half as signals (`signalInbound`),
 * AI answers re-entering the pipeline, inactivity timers pausing rooms that the next message reopens,
 * and rooms long enough to continue as new (the run's server suggests it every 200 events). Then
 * every run of every room is replayed on the same workflow bundle and must be deterministic; a
 * second round restarts the worker twice mid-run, so cached rooms are rebuilt by replay while
 * traffic is flowing: every room must answer, every message be stored and delivered exactly once,
 * and no replay may fail in a task recorded before the first restart (see that test's comment).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AIChannel, InMemoryStore, MockAIProvider, MockSMSProvider, RoomKit, SMSChannel, WebSocketChannel, roomWorkflowId,
} from '../../src/index.js';
import { seeded } from '../support/seeded.js';

/** Rooms per round (the restart round is smaller), unique messages per room, keys in flight at once. */
const ROOMS = 40;
const RESTART_ROOMS = 24;
const MESSAGES = 24;
const IN_FLIGHT = 40;

interface Harness {
  taskQueue: string;
  store: InMemoryStore;
  sms: MockSMSProvider;
  ai: MockAIProvider;
  /** The client kit every call goes through (connect-only, like a webhook process). */
  client: RoomKit;
  /** Worker kits, the last one serving; earlier ones were stopped by a restart. */
  workers: RoomKit[];
  /** When each restart began (ms since epoch). */
  restartedAt: number[];
}

const codePath = (): string => inject('workflowBundlePath');

/** A worker-only kit on the harness's queue, sharing its store and providers (a "deploy"). */
function workerKit(h: Harness): RoomKit {
  const kit = new RoomKit({ store: h.store, temporal: { address: inject('temporalAddress'), taskQueue: h.taskQueue }, log: () => {} });
  kit.registerChannel(new WebSocketChannel('ws-in'));
  kit.registerChannel(new SMSChannel('sms-out', { provider: h.sms }));
  kit.registerChannel(new AIChannel('ai', { provider: h.ai }));
  return kit;
}

async function startWorker(h: Harness): Promise<void> {
  const kit = workerKit(h);
  await kit.start({ workflowBundle: { codePath: codePath() } });
  h.workers.push(kit);
}

/** Graceful restart: the old worker stops polling and drops its cache; the new one replays rooms. */
async function restartWorker(h: Harness): Promise<void> {
  h.restartedAt.push(Date.now());
  await h.workers.at(-1)?.stopWorker();
  await startWorker(h);
}

interface Plan { room: string; ai: boolean; timers: boolean }

async function runRound(h: Harness, seed: number, roomCount: number, restarts: number): Promise<{ rooms: Plan[]; keys: string[] }> {
  const rnd = seeded(seed);
  const rooms: Plan[] = Array.from({ length: roomCount }, (_, i) => ({
    room: `ct-${seed}-${i}-${randomUUID().slice(0, 4)}`, ai: i % 4 === 0, timers: i % 5 === 1,
  }));
  for (const p of rooms) {
    await h.client.createRoom({ roomId: p.room, ...(p.timers && { timers: { inactiveAfterSeconds: 1 } }) });
    await h.client.attachChannel(p.room, 'sms-out', { metadata: { phoneNumber: '+15550001111' } });
    if (p.ai) await h.client.attachChannel(p.room, 'ai', { category: 'intelligence' });
  }
  // Every (room, message) once, shuffled, so rooms receive in bursts of varying size.
  const work = rooms.flatMap((p) => Array.from({ length: MESSAGES }, (_, m) => ({ p, m })));
  for (let i = work.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [work[i], work[j]] = [work[j], work[i]];
  }
  const keys: string[] = [];
  const restartAt = new Set(Array.from({ length: restarts }, (_, r) => Math.floor((work.length * (r + 1)) / (restarts + 1))));
  let next = 0;
  const sendOne = async ({ p, m }: { p: Plan; m: number }): Promise<void> => {
    const key = `${p.room}-m${m}`;
    keys.push(key);
    const message = { channelId: 'ws-in', senderId: `+1555${String(m % 3).padStart(7, '0')}`, content: { type: 'text' as const, body: `${p.room} message ${m}` }, idempotencyKey: key };
    // A timer room sometimes goes quiet long enough to pause; the next message reopens it.
    if (p.timers && rnd() < 0.15) await new Promise((r) => setTimeout(r, 1_100));
    const copies = 2 + (rnd() < 0.5 ? 1 : 0);
    await Promise.all(Array.from({ length: copies }, (_, c) => {
      const asSignal = (m + c) % 2 === 1;
      return asSignal
        ? h.client.signalInbound(message, { roomId: p.room })
        : h.client.processInbound(message, { roomId: p.room, wait: rnd() < 0.5 ? 'committed' : 'delivered' });
    }));
  };
  // Readers read rooms while they work (kit.roomState), as a REST API or a dashboard does. Reads by
  // query are what broke replay twice (a local activity, then a pending task); they must not now.
  let sending = true;
  const readers = Array.from({ length: 4 }, async () => {
    while (sending) await h.client.roomState(rooms[Math.floor(rnd() * rooms.length)].room).catch(() => undefined);
  });
  const lanes = Array.from({ length: IN_FLIGHT }, async () => {
    for (;;) {
      const i = next++;
      if (i >= work.length) return;
      if (restartAt.has(i)) await restartWorker(h);
      await sendOne(work[i]);
    }
  });
  await Promise.all(lanes);
  sending = false;
  await Promise.all(readers);
  return { rooms, keys };
}

/** Every run of a room, oldest first, by following the continue-as-new chain back from the latest. */
async function allRuns(client: Client, roomId: string): Promise<temporal.api.history.v1.IHistory[]> {
  const runs: temporal.api.history.v1.IHistory[] = [];
  let runId: string | undefined;
  for (;;) {
    const history = await client.workflow.getHandle(roomWorkflowId(roomId), runId).fetchHistory();
    runs.unshift(history);
    const previous = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) return runs;
    runId = previous;
  }
}

interface ReplayFailure { workflowId: string; file: string; message: string }

async function replayAll(client: Client, rooms: Plan[]): Promise<{ runs: number; failures: ReplayFailure[] }> {
  const histories = [];
  for (const p of rooms) {
    for (const [i, history] of (await allRuns(client, p.room)).entries()) histories.push({ workflowId: `${p.room}#${i}`, history });
  }
  const failures: ReplayFailure[] = [];
  let kept: string | undefined;
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: codePath() } }, histories)) {
    if (!result.error) continue;
    // Keep the history that failed, so the interleaving can be studied (and replayed) afterwards.
    kept ??= await mkdtemp(path.join(os.tmpdir(), 'roomkit-nondeterminism-'));
    const file = path.join(kept, `${result.workflowId.replace('#', '-run')}.json`);
    await writeFile(file, historyToJSON(histories.find((x) => x.workflowId === result.workflowId)!.history));
    failures.push({ workflowId: result.workflowId, file, message: result.error.message.slice(0, 400) });
  }
  return { runs: histories.length, failures };
}

/** Every key stored exactly once in its room, indexes gap-free, every message delivered once. */
async function expectExactlyOnce(h: Harness, rooms: Plan[], keys: string[]): Promise<void> {
  // Signals are fire-and-forget: wait for each room's queue to drain, then for every message to go
  // out (a delivery starts only once its commit is durable, so the store holds it by then).
  for (const p of rooms) await expect.poll(async () => (await h.client.roomState(p.room)).counters.queued, { timeout: 60_000 }).toBe(0);
  const inbound = new Set(keys);
  await expect.poll(() => new Set(h.sms.calls.map((c) => c.event.idempotencyKey).filter((k) => k && inbound.has(k))).size, { timeout: 60_000 }).toBe(inbound.size);
  const stored = new Map<string, number>();
  for (const p of rooms) {
    const events = await h.store.listEvents(p.room, { limit: 10_000 });
    expect(events.map((e) => e.index)).toEqual(events.map((_, i) => i));
    for (const e of events) if (e.idempotencyKey) stored.set(e.idempotencyKey, (stored.get(e.idempotencyKey) ?? 0) + 1);
  }
  expect(stored.size).toBe(inbound.size);
  expect([...stored.values()].every((n) => n === 1)).toBe(true);
  const perEvent = new Map<string, number>();
  for (const c of h.sms.calls) perEvent.set(c.event.id, (perEvent.get(c.event.id) ?? 0) + 1);
  expect([...perEvent.entries()].filter(([, n]) => n > 1)).toEqual([]);
}

describe('room workflow under concurrent traffic', () => {
  const h = {} as Harness;
  let connection: Connection;

  beforeAll(async () => {
    h.taskQueue = `ct-${randomUUID()}`;
    h.store = new InMemoryStore();
    h.sms = new MockSMSProvider();
    h.ai = new MockAIProvider({ responses: ['On it.'] });
    h.workers = [];
    h.restartedAt = [];
    h.client = workerKit(h);
    await h.client.connect();
    await startWorker(h);
    connection = await Connection.connect({ address: inject('temporalAddress') });
  });

  afterAll(async () => {
    for (const w of h.workers ?? []) await w.close();
    await h.client?.close();
    await connection?.close();
  });

  it('replays every run of every room it created, with zero nondeterminism', { timeout: 300_000 }, async () => {
    const { rooms, keys } = await runRound(h, 1, ROOMS, 0);
    await expectExactlyOnce(h, rooms, keys);
    const { runs, failures } = await replayAll(new Client({ connection }), rooms);
    console.log(`[concurrent-traffic] ${rooms.length} rooms, ${keys.length} sends, ${runs} runs replayed, ${failures.length} failed`);
    expect(runs).toBeGreaterThan(rooms.length); // some rooms continued as new
    expect(failures).toEqual([]);
  });

  it('loses nothing when the worker restarts twice mid-run, and still replays', { timeout: 300_000 }, async () => {
    const { rooms, keys } = await runRound(h, 2, RESTART_ROOMS, 2);
    expect(h.restartedAt).toHaveLength(2);
    // Every room answers after the restarts (a wedged room fails its reads).
    for (const p of rooms) expect((await h.client.roomState(p.room)).room.id).toBe(p.room);
    await expectExactlyOnce(h, rooms, keys);
    const { runs, failures } = await replayAll(new Client({ connection }), rooms);
    console.log(`[concurrent-traffic] with 2 restarts: ${rooms.length} rooms, ${runs} runs replayed, ${failures.length} failed`);
    expect(failures).toEqual([]);
  });
});
