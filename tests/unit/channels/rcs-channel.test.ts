import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RCS_CAPABILITIES, RCSChannel } from '../../../src/channels/rcs.js';
import type { TransportSendOptions } from '../../../src/channels/transport.js';
import { ChannelCapabilities } from '../../../src/models/index.js';
import { TelnyxRCSProvider } from '../../../src/providers/telnyx/index.js';
import { makeBinding, makeContext, makeEvent } from '../../support/factories.js';
import { VendorFake } from '../../support/vendor-fake.js';

describe('RCSChannel', () => {
  it('is an rcs transport addressed by phoneNumber with RoomKit\'s capabilities', () => {
    const channel = new RCSChannel('rcs-main');
    expect(channel.channelType).toBe('rcs');
    expect(channel.recipientKey).toBe('phoneNumber');
    expect(ChannelCapabilities.parse(channel.capabilities())).toEqual(RCS_CAPABILITIES);
    expect(channel.capabilities()).toMatchObject({
      mediaTypes: ['text', 'rich', 'media'], maxLength: 8000, supportsReadReceipts: true, supportsTyping: true,
      supportsRichText: true, supportsButtons: true, supportsQuickReplies: true, supportsCards: true, supportsMedia: true,
    });
  });

  it('passes fallback (default true) to its provider', async () => {
    const seen: TransportSendOptions[] = [];
    const provider = { name: 'spy', send: async (_e: unknown, options: TransportSendOptions) => {
      seen.push(options);
      return { success: true, providerMessageId: 'x' };
    } };
    const binding = makeBinding({ channelId: 'rcs-main', channelType: 'rcs', metadata: { phoneNumber: '+15551234' } });
    await new RCSChannel('rcs-main', { provider }).deliver(makeEvent(), binding, makeContext());
    await new RCSChannel('rcs-main', { provider, fallback: false }).deliver(makeEvent(), binding, makeContext());
    expect(seen.map((o) => [o.to, o.fallback])).toEqual([['+15551234', true], ['+15551234', false]]);
  });

  describe('with Telnyx', () => {
    let fake: VendorFake;
    let channel: RCSChannel;
    beforeAll(async () => {
      fake = await VendorFake.start((req) => {
        if (req.method === 'GET') return { status: 404, body: { errors: [{ code: '10005', title: 'Resource not found' }] } };
        return { status: 200, body: { data: { id: `msg-${req.path.endsWith('/rcs') ? 'rcs' : 'sms'}`, type: 'SMS' } } };
      });
      const provider = new TelnyxRCSProvider({
        apiKey: 'KEY', agentId: 'Agent007', messagingProfileId: 'profile-1', fallbackFrom: '+15550000000', baseUrl: fake.url,
      });
      channel = new RCSChannel('rcs-main', { provider });
    });
    afterAll(() => fake.close());

    it('falls back to SMS for a handset without RCS and says so', async () => {
      const binding = makeBinding({ channelId: 'rcs-main', channelType: 'rcs', metadata: { phoneNumber: '+15559876543' } });
      const output = await channel.deliver(makeEvent({ content: { type: 'text', body: 'Ready!' } }), binding, makeContext());
      expect(output.providerResult).toEqual({ success: true, providerMessageId: 'msg-sms', metadata: { channelUsed: 'sms', fallback: true } });
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /v2/messaging/rcs/capabilities/Agent007/+15559876543',
        'POST /v2/messages',
      ]);
    });
  });
});
