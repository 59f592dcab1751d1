/**
 * A busy room's delivery backlog (issue 3, hot room): runs of committed events for the same
 * transports go out in one activity per target, in index order; an event that fails retryably is
 * retried alone with the binding's policy before the rest; a permanent failure is recorded on its event.
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  SMSChannel, TransportChannel, roomWorkflowId, type ProviderResult, type RoomEvent, type RoomKit,
} from '../../src/index.js';
import { eventually, roomId, startTestKit } from '../support/kit.js';

const bodyOf = (e: RoomEvent) => (e.content.type === 'text' ? e.content.body : '');

/** Slow on the first message (so a backlog forms), refuses some messages as a vendor would. */
class ScriptedProvider {
  readonly name = 'scripted';
  readonly sends: string[] = [];
  private refusedOnce = new Set<string>();
  constructor(private readonly script: { retryOnce?: string; permanent?: string }) {}
  async send(event: RoomEvent): Promise<ProviderResult> {
    const body = bodyOf(event);
    this.sends.push(body);
    if (body === 'm0') await new Promise((r) => setTimeout(r, 1500));
    if (body === this.script.retryOnce && !this.refusedOnce.has(body)) {
      this.refusedOnce.add(body);
      return { success: false, error: 'carrier busy', metadata: { code: '20429', retryable: true } };
    }
    if (body === this.script.permanent) return { success: false, error: 'invalid number', metadata: { code: '21211', retryable: false } };
    return { success: true, providerMessageId: `p-${this.sends.length}` };
  }
}

describe('delivery batching in a busy room', () => {
  let kit: RoomKit;
  let connection: Connection;
  const retrying = new ScriptedProvider({ retryOnce: 'm3' });
  const refusing = new ScriptedProvider({ permanent: 'm5' });

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new SMSChannel('sms-src'));
      k.registerChannel(new TransportChannel('out-retry', { channelType: 'push', provider: retrying }));
      k.registerChannel(new TransportChannel('out-refuse', { channelType: 'push', provider: refusing }));
    });
    connection = await Connection.connect({ address: inject('temporalAddress') });
  });

  afterAll(async () => {
    await kit?.close();
    await connection?.close();
  });

  async function backlog(channelId: string, provider: ScriptedProvider): Promise<string> {
    const id = roomId('batch');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, channelId, { metadata: { recipientId: 'r-1' }, retryPolicy: { maxRetries: 2, baseDelaySeconds: 0.1 } });
    // Committed one after the other while m0's delivery is slow: m1..m7 queue up behind it.
    for (let i = 0; i < 8; i++) {
      await kit.processInbound({ channelId: 'sms-src', senderId: '+15550001', content: { type: 'text', body: `m${i}` } }, { roomId: id, wait: 'committed' });
    }
    await eventually(async () => new Set(provider.sends).size === 8, 20_000);
    return id;
  }

  it('delivers the backlog in index order through batch activities; a retryable refusal is retried before the rest', async () => {
    const id = await backlog('out-retry', retrying);
    expect(retrying.sends).toEqual(['m0', 'm1', 'm2', 'm3', 'm3', 'm4', 'm5', 'm6', 'm7']);
    const history = await new Client({ connection }).workflow.getHandle(roomWorkflowId(id)).fetchHistory();
    const scheduled = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
    expect(scheduled).toContain('deliverBatch');
    const stored = (await kit.store.listEvents(id)).filter((e) => e.type === 'message');
    expect(stored.map(bodyOf)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    expect(stored.every((e) => !e.deliveryResults)).toBe(true); // nothing failed for good
  });

  it('records a permanent refusal on its event and still delivers the events after it', async () => {
    const id = await backlog('out-refuse', refusing);
    expect(refusing.sends).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    const m5 = await eventually(async () => (await kit.store.listEvents(id)).find((e) => bodyOf(e) === 'm5' && e.deliveryResults));
    expect(m5.deliveryResults?.['out-refuse']).toMatchObject({ status: 'failed', error: { code: '21211', retryable: false } });
  });
});
