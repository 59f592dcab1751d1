import { afterEach, describe, expect, it, vi } from 'vitest';
import { signalVendors, VENDOR_SIGNAL_TIMEOUT_MS } from '../../../activities/answering.js';
import type { Channel } from '../../../src/channels/channel.js';
import { TransportChannel, WhatsAppChannel } from '../../../src/index.js';
import { MockWhatsAppProvider } from '../../../src/providers/whatsapp/index.js';
import type { TransportProvider } from '../../../src/providers/transport.js';
import { makeBinding, makeContext, makeEvent } from '../../support/factories.js';

const aiBinding = makeBinding({ channelId: 'ai', channelType: 'ai', category: 'intelligence' });
const wa = (channelId: string, phoneNumber: string, extra: Record<string, unknown> = {}) =>
  makeBinding({ channelId, channelType: 'whatsapp', metadata: { phoneNumber, ...extra } });
const inbound = makeEvent({
  source: { channelId: 'wa-1', channelType: 'whatsapp', direction: 'inbound', providerMessageId: 'wamid.IN' },
});

describe('signalVendors', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('marks the message read on its source and types on every binding the answer reaches, with the source wamid only there', async () => {
    const p1 = new MockWhatsAppProvider();
    const p2 = new MockWhatsAppProvider();
    const p3 = new MockWhatsAppProvider();
    const channels = new Map<string, Channel>([
      ['wa-1', new WhatsAppChannel('wa-1', { provider: p1 })],
      ['wa-2', new WhatsAppChannel('wa-2', { provider: p2 })],
      ['wa-out', new WhatsAppChannel('wa-out', { provider: p3 })],
      // A transport whose provider has neither verb: nothing to ask, nothing thrown.
      ['sms', new TransportChannel('sms', { channelType: 'sms', provider: { send: async () => ({ success: true }) } })],
    ]);
    const ctx = makeContext({
      bindings: [
        aiBinding,
        wa('wa-1', '111'),
        wa('wa-2', '222', { lastInboundMessageId: 'wamid.OTHER' }),
        { ...wa('wa-out', '333'), direction: 'inbound' as const, access: 'write_only' as const },
        makeBinding({ channelId: 'sms', metadata: { recipientId: '+1555' } }),
      ],
    });

    await signalVendors({ channels }, ctx, inbound, aiBinding).settle();

    expect(p1.reads).toEqual([{ to: '111', messageId: 'wamid.IN', typing: false }, { to: '111', messageId: 'wamid.IN', typing: true }]);
    expect(p2.reads).toEqual([{ to: '222', messageId: 'wamid.OTHER', typing: true }]);
    expect(p3.reads).toEqual([]); // it cannot read the answer
  });

  it('no vendor message id ⇒ no read receipt; typing still goes out', async () => {
    const p1 = new MockWhatsAppProvider();
    const channels = new Map<string, Channel>([['wa-1', new WhatsAppChannel('wa-1', { provider: p1 })]]);
    const ctx = makeContext({ bindings: [aiBinding, wa('wa-1', '111', { lastInboundMessageId: 'wamid.LAST' })] });
    const event = makeEvent({ source: { channelId: 'wa-1', channelType: 'whatsapp', direction: 'inbound' } });

    await signalVendors({ channels }, ctx, event, aiBinding).settle();

    expect(p1.reads).toEqual([{ to: '111', messageId: 'wamid.LAST', typing: true }]);
  });

  it('never waits more than the timeout for a vendor that hangs, and a vendor that throws is only logged', async () => {
    vi.useFakeTimers();
    const hanging: TransportProvider = {
      send: async () => ({ success: true }),
      markRead: () => new Promise<void>(() => {}),
      sendTyping: async () => {
        throw new Error('vendor down');
      },
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const channels = new Map<string, Channel>([['wa-1', new WhatsAppChannel('wa-1', { provider: hanging })]]);
    const ctx = makeContext({ bindings: [aiBinding, wa('wa-1', '111'), wa('wa-2', '222')] });
    channels.set('wa-2', new WhatsAppChannel('wa-2', { provider: hanging }));

    let settled = false;
    const done = signalVendors({ channels }, ctx, inbound, aiBinding).settle().then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(VENDOR_SIGNAL_TIMEOUT_MS - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(settled).toBe(true);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('vendor typing failed'), expect.objectContaining({ channelId: 'wa-2', error: 'vendor down' }));
    warn.mockRestore();
  });
});
