/**
 * `npm run bench:history`: what one message costs in a room's history, with and without hooks. The
 * room decides from its worker's manifest whether a trigger has a matching hook and schedules no hook
 * activity when none does; this measures that saving (events and activities per message) and writes
 * it to bench/results.json under `historyCost`, beside the timing runs.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import {
  HookResult, MockSMSProvider, RoomKit, SMSChannel, WebSocketChannel, ensureTemporalServer, roomWorkflowId, temporalConfigFromEnv,
} from '../src/index.js';

const MESSAGES = 20;
const RESULTS = new URL('./results.json', import.meta.url);
const log = (m: string) => console.error(`[history-cost] ${m}`);

type Variant = 'noHooks' | 'syncAndAsyncHooks' | 'hooksForAnotherChannel' | 'hotRoom';
/** The hot room: this many senders at once (the bench's hot-room shape), MESSAGES each. */
const HOT_SENDERS = 10;

function defineKit(kit: RoomKit, variant: Variant): void {
  kit.registerChannel(new WebSocketChannel('ws'));
  kit.registerChannel(new SMSChannel('sms', { provider: new MockSMSProvider(), fromNumber: '+15550000000' }));
  if (variant === 'syncAndAsyncHooks') {
    kit.hook('before_broadcast', { name: 'moderate' }, () => HookResult.allow());
    kit.hook('after_broadcast', { name: 'audit', execution: 'async' }, () => undefined);
  }
  if (variant === 'hooksForAnotherChannel') {
    // Registered, but filtered to a channel these messages never come from: no hook activity either.
    kit.hook('before_broadcast', { name: 'moderate-email', channelIds: ['email'] }, () => HookResult.allow());
  }
}

async function measure(address: string, client: Client, variant: Variant) {
  const kit = new RoomKit({ temporal: { address, taskQueue: `history-${variant}-${randomUUID()}` }, log: () => {} });
  defineKit(kit, variant);
  await kit.start();
  try {
    const roomId = `history-${variant}`;
    await kit.createRoom({ roomId });
    await kit.attachChannel(roomId, 'ws');
    await kit.attachChannel(roomId, 'sms', { metadata: { phoneNumber: '+15551234567' } });
    const before = (await client.workflow.getHandle(roomWorkflowId(roomId)).fetchHistory()).events?.length ?? 0;
    const send = (i: number) =>
      kit.processInbound({ channelId: 'ws', senderId: 'u', content: { type: 'text', body: `message ${i}` } }, { roomId });
    const senders = variant === 'hotRoom' ? HOT_SENDERS : 1;
    await Promise.all(Array.from({ length: senders }, async (_, s) => {
      for (let i = 0; i < MESSAGES; i++) await send(s * MESSAGES + i);
    }));
    const messages = senders * MESSAGES;
    const events = (await client.workflow.getHandle(roomWorkflowId(roomId)).fetchHistory()).events ?? [];
    const activities: Record<string, number> = {};
    let workflowTasks = 0;
    for (const e of events.slice(before)) {
      const type = e.activityTaskScheduledEventAttributes?.activityType?.name;
      if (type) activities[type] = (activities[type] ?? 0) + 1;
      if (e.workflowTaskCompletedEventAttributes) workflowTasks += 1;
    }
    const per = (n: number) => Math.round((n / messages) * 100) / 100;
    const perMessage = Object.fromEntries(Object.entries(activities).sort().map(([k, v]) => [k, per(v)]));
    return {
      senders, messages, historyEventsPerMessage: per(events.length - before),
      workflowTasksPerMessage: per(workflowTasks), activitiesPerMessage: perMessage,
    };
  } finally {
    await kit.close();
  }
}

const server = await ensureTemporalServer(temporalConfigFromEnv(), { log });
const connection = await Connection.connect({ address: server.address });
try {
  const client = new Client({ connection });
  const result: Record<string, unknown> = { messages: MESSAGES, date: new Date().toISOString() };
  for (const variant of ['noHooks', 'syncAndAsyncHooks', 'hooksForAnotherChannel', 'hotRoom'] as const) {
    result[variant] = await measure(server.address, client, variant);
    log(`${variant}: ${JSON.stringify(result[variant])}`);
  }
  const existing = JSON.parse(await readFile(RESULTS, 'utf8')) as Record<string, unknown>;
  await writeFile(RESULTS, `${JSON.stringify({ ...existing, historyCost: result }, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  await connection.close();
  await server.stop();
}
