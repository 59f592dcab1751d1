/**
 * A source survives its worker dying: the worker running a WebSocket source is killed (SIGKILL), the
 * run misses its heartbeat timeout, and Temporal retries it on another worker of the queue, which
 * reconnects and keeps feeding the room.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { HTTPChannel, RoomKit, SQLiteStore } from '../../src/index.js';
import { WebSocketSource } from '../../src/sources/index.js';
import { WorkerChildren } from '../support/processes.js';
import { eventually, startTestKit } from '../support/kit.js';
import { defineSourceKit, FEED } from '../support/source-worker.js';

const workers = new WorkerChildren('tests/support/source-worker.ts');
let wss: WebSocketServer | undefined;
afterAll(() => {
  workers.stopAll();
  wss?.close();
});

describe('event sources: a worker killed while it holds the connection', () => {
  it('the run is retried on another worker after the heartbeat timeout, and the room keeps receiving', async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss?.once('listening', () => resolve()));
    const sender = `crash-user-${randomUUID().slice(0, 6)}`;
    let connections = 0;
    wss.on('connection', (socket) => {
      connections++;
      socket.send(JSON.stringify({ senderId: sender, content: { type: 'text', body: `hello ${connections}` } }));
    });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'roomkit-source-crash-'));
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `source-crash-${randomUUID()}`,
      ROOMKIT_DB: path.join(dir, 'rooms.db'),
      SOURCE_URL: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`,
      WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    };
    const startWorker = () => workers.start(env);

    // This process only attaches and reads: the runs happen on the child workers.
    const kit = new RoomKit({ store: new SQLiteStore(env.ROOMKIT_DB), temporal: { address: env.TEMPORAL_ADDRESS, taskQueue: env.TEMPORAL_TASK_QUEUE }, log: () => {} });
    defineSourceKit(kit);
    await kit.connect();
    try {
      const first = await startWorker();
      const room = `source-crash-${randomUUID().slice(0, 6)}`;
      await kit.createRoom({ roomId: room });
      await kit.attachChannel(room, FEED);
      await kit.attachSource(FEED, new WebSocketSource({ url: env.SOURCE_URL }), { restartDelay: 0.1, heartbeatTimeout: 2 });
      const bodies = async () => (await kit.store.listEvents(room)).filter((e) => e.type === 'message').map((e) => (e.content as { body: string }).body);
      await eventually(async () => (await bodies()).includes('hello 1'), 30_000);

      await workers.kill(first);
      await startWorker();

      await eventually(async () => (await bodies()).includes('hello 2'), 60_000);
      expect(await bodies()).toEqual(['hello 1', 'hello 2']);
      expect(connections).toBe(2);
      const health = await eventually(async () => {
        const h = await kit.sourceHealth(FEED);
        return h?.status === 'connected' && h.attempt === 2 && h;
      }, 20_000);
      // Counters carry over from the dead run's last recorded heartbeat: a message it received in its
      // final heartbeat interval is in the room but may be missing from the count.
      expect(health.messagesReceived).toBeGreaterThanOrEqual(1);
      expect(health.messagesReceived).toBeLessThanOrEqual(2);
    } finally {
      await kit.close(); // detaches the source (the second worker stops it)
    }
  }, 150_000);

  it('a worker stopped gracefully (rolling restart) hands the run over at once: it fails retryably and another worker resumes it', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const sender = `rolling-user-${randomUUID().slice(0, 6)}`;
    let connections = 0;
    server.on('connection', (socket) => {
      connections++;
      socket.send(JSON.stringify({ senderId: sender, content: { type: 'text', body: `hi ${connections}` } }));
    });
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const first = await startTestKit((k) => k.registerChannel(new HTTPChannel('rolling')));
    // A second worker on the same queue and store, with the source registered but not attached.
    const second = new RoomKit({ store: first.store, temporal: { address: inject('temporalAddress'), taskQueue: first.taskQueue }, log: () => {} });
    second.registerChannel(new HTTPChannel('rolling'));
    second.registerSource('rolling', new WebSocketSource({ url }));
    try {
      const room = `rolling-${randomUUID().slice(0, 6)}`;
      await first.createRoom({ roomId: room });
      await first.attachChannel(room, 'rolling');
      await first.attachSource('rolling', new WebSocketSource({ url }), { restartDelay: 0.1, heartbeatTimeout: 30 });
      const bodies = async () => (await first.store.listEvents(room)).filter((e) => e.type === 'message').map((e) => (e.content as { body: string }).body);
      await eventually(async () => (await bodies()).includes('hi 1'));

      const serving = second.runWorker({ workflowBundle: { codePath: inject('workflowBundlePath') } });
      await first.stopWorker();
      // Well before the 30 s heartbeat timeout: the interrupted run failed and was retried at once.
      await eventually(async () => (await bodies()).includes('hi 2'), 15_000);
      expect(await bodies()).toEqual(['hi 1', 'hi 2']);
      expect((await first.sourceHealth('rolling'))?.attempt).toBe(2);
      await first.detachSource('rolling');
      await second.stopWorker();
      await serving;
    } finally {
      await second.close();
      await first.close();
      server.close();
    }
  }, 90_000);
});
