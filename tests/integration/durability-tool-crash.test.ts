/**
 * A worker dies (SIGKILL) while a tool is running. A new worker takes over: the turn completes, the
 * tool ran once per attempt that history recorded, and the AI's answer is stored once.
 */
import { WorkerChildren } from '../support/processes.js';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RoomKit, SQLiteStore, roomWorkflowId } from '../../src/index.js';
import { defineCrashKit } from '../support/crash-worker.js';
import { eventually } from '../support/kit.js';

const workers = new WorkerChildren('tests/support/crash-worker.ts');
afterAll(() => workers.stopAll());

describe('durability: a worker killed in the middle of a tool call', () => {
  it('resumes the turn on a new worker; one tool execution per recorded attempt, one AI answer', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'roomkit-crash-'));
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `crash-${randomUUID()}`,
      ROOMKIT_DB: path.join(dir, 'rooms.db'),
      MARKER_DIR: dir,
      WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    };
    const startWorker = () => workers.start(env);
    const runs = async () => (await readFile(path.join(dir, 'runs'), 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);

    const client = new RoomKit({ store: new SQLiteStore(env.ROOMKIT_DB), temporal: { address: env.TEMPORAL_ADDRESS, taskQueue: env.TEMPORAL_TASK_QUEUE }, log: () => {} });
    defineCrashKit(client); // same channel ids, for attachChannel
    await client.connect();
    try {
      const first = await startWorker();
      const room = 'crash-room';
      await client.createRoom({ roomId: room });
      await client.attachChannel(room, 'ws');
      await client.attachChannel(room, 'ai');
      const answered = client.processInbound({ channelId: 'ws', senderId: 'u1', content: { type: 'text', body: 'run the job' } }, { roomId: room });

      await eventually(async () => (await runs()).length === 1, 30_000);
      await workers.kill(first);

      const second = await startWorker();
      // The dead worker's attempt times out on its missed heartbeats; the retry runs on the new one.
      await eventually(async () => (await runs()).length === 2, 60_000);
      await writeFile(path.join(dir, 'release'), '');
      const result = await answered;

      expect(result.blocked).toBe(false);
      expect(result.error).toBeUndefined();
      const lines = await runs();
      expect(lines).toEqual([`start ${first.pid}`, `start ${second.pid}`, `end ${second.pid}`]);

      const events = (await client.store.listEvents(room, { limit: 100 })).filter((e) => e.index >= 2);
      expect(events.map((e) => [e.source.channelId, e.type])).toEqual([
        ['ws', 'message'], ['ai', 'tool_call_start'], ['ai', 'tool_call_end'], ['ai', 'message'],
      ]);
      expect(events[2].content).toMatchObject({ type: 'tool_call', status: 'completed', result: 'done' });
      expect(events[3].content).toEqual({ type: 'text', body: 'The slow job finished.' });

      // History recorded the tool activity's attempts: exactly as many as the tool really ran.
      const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
      const history = await new Client({ connection }).workflow.getHandle(roomWorkflowId(room)).fetchHistory();
      await connection.close();
      const scheduled = new Map<string, string>();
      for (const e of history.events ?? []) {
        const s = e.activityTaskScheduledEventAttributes;
        if (s) scheduled.set(String(e.eventId), s.activityType?.name ?? '');
      }
      const toolAttempts = (history.events ?? [])
        .filter((e) => e.activityTaskStartedEventAttributes && scheduled.get(String(e.activityTaskStartedEventAttributes.scheduledEventId)) === 'runTool')
        .map((e) => e.activityTaskStartedEventAttributes?.attempt);
      expect(toolAttempts).toEqual([lines.filter((l) => l.startsWith('start')).length]);
      second.kill('SIGTERM');
    } finally {
      await client.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
