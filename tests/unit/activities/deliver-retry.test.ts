/**
 * A delivery activity retried after an attempt that sent and then lost its answer (its worker or the
 * Temporal server died after the vendor accepted the message): the store says it is sent, so the
 * retry does not send it again. Run in the SDK's activity environment (attempt numbers), not a mock
 * of the server.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createActivities, type DeliverOutcome } from '../../../activities/index.js';
import { FrameworkEventBus } from '../../../src/hooks/framework-events.js';
import { HookRegistry } from '../../../src/hooks/registry.js';
import { EMPTY_MANIFEST } from '../../../src/models/index.js';
import { InMemoryStore, MockSMSProvider, SMSChannel } from '../../../src/index.js';
import { ToolRegistry } from '../../../src/tools/registry.js';
import { makeBinding, makeEvent, makeRoom } from '../../support/factories.js';

describe('deliver activity, retried', () => {
  async function setup() {
    const store = new InMemoryStore();
    await store.putRoom(makeRoom({ id: 'r1' }));
    const binding = makeBinding({ roomId: 'r1', channelId: 'sms', metadata: { phoneNumber: '+15550001111' } });
    await store.putBinding(binding);
    const event = makeEvent({ id: 'e1', roomId: 'r1', index: 4, content: { type: 'text', body: 'your order shipped' } });
    await store.putEvents([event]);
    const provider = new MockSMSProvider();
    const channels = new Map([['sms', new SMSChannel('sms', { provider, fromNumber: '+15550000000' })]]);
    const activities = createActivities({
      store, channels, hooks: new HookRegistry(), tools: new ToolRegistry(), events: new FrameworkEventBus(), manifest: () => EMPTY_MANIFEST,
    });
    return { store, provider, activities, input: { roomId: 'r1', binding, event } };
  }

  it('a first attempt sends and indexes the provider id; a retry that finds it sent answers without sending', async () => {
    const { store, provider, activities, input } = await setup();
    const first: DeliverOutcome = await new MockActivityEnvironment({ attempt: 1 }).run(activities.deliver, input);
    expect(first.providerResult?.providerMessageId).toBe('mock-sms-1');
    expect(await store.getDelivery('r1', 4, 'sms')).toMatchObject({ status: 'sent', providerMessageId: 'mock-sms-1' });

    const retry: DeliverOutcome = await new MockActivityEnvironment({ attempt: 2 }).run(activities.deliver, input);
    expect(retry.providerResult).toEqual({ success: true, providerMessageId: 'mock-sms-1' });
    expect(provider.calls).toHaveLength(1);
  });

  it('a retry with nothing recorded sends (the earlier attempt never reached the vendor)', async () => {
    const { provider, activities, input } = await setup();
    const retry: DeliverOutcome = await new MockActivityEnvironment({ attempt: 2 }).run(activities.deliver, input);
    expect(retry.providerResult?.providerMessageId).toBe('mock-sms-1');
    expect(provider.calls).toHaveLength(1);
  });
});
