/**
 * A room whose workflow task fails is wedged (Temporal retries the task forever, and the room
 * neither answers nor processes signals). The kit must say so: a `room_task_failed` framework event
 * with the room id and the reason, and a log line, instead of silence.
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { roomWorkflowId, type FrameworkEvent, type RoomKit } from '../../src/index.js';
import { parseTaskFailure } from '../../src/kit/task-failures.js';
import { roomId, startTestKit } from '../support/kit.js';

describe('a wedged room is reported', () => {
  let kit: RoomKit;
  let client: Client;
  const reports: FrameworkEvent[] = [];
  beforeAll(async () => {
    kit = await startTestKit(() => {});
    kit.on('room_task_failed', (e) => { reports.push(e); });
    client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
  });
  afterAll(async () => {
    await client.connection.close();
    await kit.close();
  });

  it('emits room_task_failed with the room id and the reason when a room workflow task fails', async () => {
    const room = roomId();
    // A room started behind the kit's back with an input its workflow cannot read: every workflow
    // task throws, which is the same path a nondeterministic history takes.
    const handle = await client.workflow.start('roomWorkflow', {
      taskQueue: kit.taskQueue, workflowId: roomWorkflowId(room), args: [{ bogus: true }],
    });
    try {
      await expect.poll(() => reports.find((r) => r.roomId === room), { timeout: 20_000, interval: 100 }).toBeDefined();
      const report = reports.find((r) => r.roomId === room)!;
      expect(report.data.run_id).toBe(handle.firstExecutionRunId);
      expect(String(report.data.reason)).toMatch(/\S/);
      expect(report.data.nondeterminism).toBe(false);
      // Once per run, although Temporal keeps retrying the task.
      expect(reports.filter((r) => r.roomId === room)).toHaveLength(1);
    } finally {
      await handle.terminate('test done');
    }
  });

  it('recognises a nondeterminism failure in core\'s log line', () => {
    const failure = parseTaskFailure('Failing workflow task', {
      runId: '01a25064-fb51-73e6-b44f-0ce42e2433f5',
      failure: 'Failure { failure: Some(Failure { message: "[TMPRL1100] Nondeterminism error: Timer machine does not handle this event: HistoryEvent(id: 5, ActivityTaskScheduled)", source: "", stack_trace: "" }), force_cause: NonDeterministicError }',
    });
    expect(failure).toEqual({
      runId: '01a25064-fb51-73e6-b44f-0ce42e2433f5',
      reason: '[TMPRL1100] Nondeterminism error: Timer machine does not handle this event: HistoryEvent(id: 5, ActivityTaskScheduled)',
      nondeterminism: true,
    });
    expect(parseTaskFailure('Worker state changed', { runId: 'x' })).toBeUndefined();
  });
});
