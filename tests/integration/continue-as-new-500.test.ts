/**
 * Continue-as-new under load (issue 3): the run's server suggests continue-as-new every 200 history
 * events, and 500 messages from 10 concurrent senders go through one room. Every message is stored
 * exactly once, in index order, with no gap; every caller gets its own event; the room really moved
 * across several runs.
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MockSMSProvider, SMSChannel, roomWorkflowId, type InboundResult, type RoomKit } from '../../src/index.js';
import { roomId, startTestKit } from '../support/kit.js';

const SENDERS = 10;
const PER_SENDER = 50;

describe('continue-as-new: 500 messages through one room with concurrent senders', () => {
  let kit: RoomKit;
  let connection: Connection;
  const out = new MockSMSProvider();

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new SMSChannel('sms-in'));
      k.registerChannel(new SMSChannel('sms-out', { provider: out }));
    });
    connection = await Connection.connect({ address: inject('temporalAddress') });
  });

  afterAll(async () => {
    await kit?.close();
    await connection?.close();
  });

  it('stores each message once, in order, none lost or duplicated, across several runs', { timeout: 180_000 }, async () => {
    const id = roomId('can500');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'sms-out', { metadata: { phoneNumber: '+15550009999' } });
    const firstRun = (await new Client({ connection }).workflow.getHandle(roomWorkflowId(id)).describe()).runId;

    const results: InboundResult[][] = await Promise.all(
      Array.from({ length: SENDERS }, async (_, s) => {
        const mine: InboundResult[] = [];
        for (let i = 0; i < PER_SENDER; i++) {
          // Half the messages wait only for the commit, so the queue is deep when a run ends.
          mine.push(await kit.processInbound(
            { channelId: 'sms-in', senderId: `+1555000${String(s).padStart(4, '0')}`, content: { type: 'text', body: `s${s}-m${i}` }, idempotencyKey: `s${s}-m${i}` },
            { roomId: id, wait: i % 2 ? 'committed' : 'delivered' },
          ));
        }
        return mine;
      }),
    );

    const flat = results.flat();
    expect(flat).toHaveLength(SENDERS * PER_SENDER);
    for (const r of flat) expect(r.blocked).toBe(false);

    const stored = (await kit.store.listEvents(id, { limit: 10_000 })).filter((e) => e.type === 'message');
    const bodies = stored.map((e) => (e.content as { body: string }).body);
    expect(new Set(bodies).size).toBe(SENDERS * PER_SENDER);
    expect(stored).toHaveLength(SENDERS * PER_SENDER);
    // Each caller got the event that was stored for its message.
    const byId = new Map(stored.map((e) => [e.id, e]));
    for (const r of flat) expect(byId.get(r.event!.id)?.content).toEqual(r.event!.content);

    // Gap-free indexes over the whole timeline, and each sender's messages in the order it sent them.
    const all = await kit.store.listEvents(id, { limit: 10_000 });
    expect(all.map((e) => e.index)).toEqual(all.map((_, i) => i));
    for (let s = 0; s < SENDERS; s++) {
      const mine = bodies.filter((b) => b.startsWith(`s${s}-`));
      expect(mine).toEqual(Array.from({ length: PER_SENDER }, (_, i) => `s${s}-m${i}`));
    }

    // Delivered once each (the SMS target saw every message exactly once).
    await expect.poll(() => out.calls.length, { timeout: 30_000 }).toBe(SENDERS * PER_SENDER);
    expect(new Set(out.calls.map((c) => c.event.id)).size).toBe(SENDERS * PER_SENDER);

    // The room continued as new several times, and its state survived: counters are exact.
    const handle = new Client({ connection }).workflow.getHandle(roomWorkflowId(id));
    const { runId } = await handle.describe();
    expect(runId).not.toBe(firstRun);
    // A busy room does not wait to be idle: it drains and moves on several times under load.
    const runs: string[] = [];
    await expect.poll(async () => {
      runs.length = 0;
      for await (const w of new Client({ connection }).workflow.list({ query: `WorkflowId = '${roomWorkflowId(id)}'` })) runs.push(w.runId);
      return runs.length;
    }, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    const state = await kit.roomState(id);
    expect(state.room.eventCount).toBe(all.length);
    expect(state.room.latestIndex).toBe(all.length - 1);
  });
});
