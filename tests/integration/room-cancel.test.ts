/**
 * A room's work runs in a non-cancellable scope of its own (`workflows/room/scopes.ts`, to keep its
 * heap flat); its idle wait still watches the root scope, so an operator's cancel request ends an
 * idle room as it did before.
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockSMSProvider, SMSChannel, roomWorkflowId, type RoomKit } from '../../src/index.js';
import { eventually, roomId, startTestKit } from '../support/kit.js';

describe('room workflow and a cancel request', () => {
  let kit: RoomKit;
  let raw: Client;
  let rawConnection: Connection;

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new SMSChannel('sms-in'));
      k.registerChannel(new SMSChannel('sms-out', { provider: new MockSMSProvider() }));
    });
    rawConnection = await Connection.connect({ address: kit.temporalAddress as string });
    raw = new Client({ connection: rawConnection });
  });

  afterAll(async () => {
    await rawConnection?.close();
    await kit?.close();
  });

  it('ends an idle room that has served messages as cancelled', async () => {
    const id = roomId('cancel');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'sms-in');
    await kit.attachChannel(id, 'sms-out', { metadata: { phoneNumber: '+15558880000' } });
    const result = await kit.processInbound({ channelId: 'sms-in', senderId: '+15557770000', content: { type: 'text', body: 'hi' } }, { roomId: id });
    expect(result.blocked).toBe(false);

    const handle = raw.workflow.getHandle(roomWorkflowId(id));
    await handle.cancel();
    const status = await eventually(async () => {
      const { status: s } = await handle.describe();
      return s.name === 'RUNNING' ? undefined : s.name;
    });
    expect(status).toBe('CANCELLED');
  });
});
