import { describe, expect, it } from 'vitest';
import { SMSChannel } from '../../../src/channels/sms.js';
import { MockSMSProvider } from '../../../src/providers/sms/index.js';
import { isGsm7, smsSegments } from '../../../src/providers/sms/segments.js';
import { makeBinding, makeContext, makeEvent } from '../../support/factories.js';

describe('smsSegments', () => {
  it.each([
    ['160 plain characters fit one GSM-7 segment', 'a'.repeat(160), { encoding: 'GSM-7', segments: 1, charactersPerSegment: 160, units: 160 }],
    ['161 plain characters take two of 153', 'a'.repeat(161), { encoding: 'GSM-7', segments: 2, charactersPerSegment: 153, units: 161 }],
    ['306 characters fill two parts exactly', 'a'.repeat(306), { encoding: 'GSM-7', segments: 2, charactersPerSegment: 153, units: 306 }],
    ['307 characters need a third', 'a'.repeat(307), { encoding: 'GSM-7', segments: 3, charactersPerSegment: 153, units: 307 }],
    ['70 non-GSM characters fit one UCS-2 segment', 'ж'.repeat(70), { encoding: 'UCS-2', segments: 1, charactersPerSegment: 70, units: 70 }],
    ['71 non-GSM characters take two of 67', 'ж'.repeat(71), { encoding: 'UCS-2', segments: 2, charactersPerSegment: 67, units: 71 }],
    ['an empty text costs nothing', '', { encoding: 'GSM-7', segments: 0, charactersPerSegment: 160, units: 0 }],
  ] as const)('%s', (_name, text, expected) => {
    expect(smsSegments(text)).toEqual(expected);
  });

  it('counts extension characters as two septets', () => {
    expect(smsSegments('€{}[]~|^\\\f')).toMatchObject({ encoding: 'GSM-7', units: 20, segments: 1 });
    // 80 euro signs are 160 septets: still one segment; one more character is two.
    expect(smsSegments('€'.repeat(80))).toMatchObject({ units: 160, segments: 1 });
    expect(smsSegments(`${'€'.repeat(80)}a`)).toMatchObject({ units: 161, segments: 2 });
  });

  it('never splits an escape sequence across parts', () => {
    // 152 septets then '€' (2): the part holds 153, so '€' moves whole to the second part.
    const text = `${'a'.repeat(152)}€${'b'.repeat(10)}`;
    expect(smsSegments(text)).toMatchObject({ units: 164, segments: 2 });
    // 153 × 2 = 306 septets of plain text would be 2 parts; with a straddling '€' it is 3.
    expect(smsSegments(`${'a'.repeat(152)}€${'b'.repeat(152)}`)).toMatchObject({ units: 306, segments: 3 });
  });

  it('switches the whole message to UCS-2 for one emoji, which counts two units', () => {
    expect(smsSegments('Hi 👋')).toEqual({ encoding: 'UCS-2', segments: 1, charactersPerSegment: 70, units: 5 });
    expect(smsSegments(`${'a'.repeat(68)}👋`)).toMatchObject({ units: 70, segments: 1 });
    expect(smsSegments(`${'a'.repeat(69)}👋`)).toMatchObject({ units: 71, segments: 2 });
  });

  it('never splits a surrogate pair across parts', () => {
    // 66 units then an emoji (2): the first part holds 67, so the emoji starts the second.
    expect(smsSegments(`${'a'.repeat(66)}👋${'b'.repeat(66)}`)).toMatchObject({ units: 134, segments: 3 });
    expect(smsSegments(`${'a'.repeat(65)}👋${'b'.repeat(67)}`)).toMatchObject({ units: 134, segments: 2 });
  });

  it('knows the GSM-7 alphabet', () => {
    expect(isGsm7('Ça coûte 5€ à Paris?')).toBe(false); // 'û' is not GSM-7
    expect(isGsm7('Ça va à Paris? ÄÖÑÜ§¿ £$¥')).toBe(true);
  });
});

describe('SMSChannel segment reporting', () => {
  it('adds the segment count and encoding of the text to a successful delivery', async () => {
    const channel = new SMSChannel('sms-main', { provider: new MockSMSProvider() });
    const binding = makeBinding({ metadata: { phoneNumber: '+15550001111' } });
    const output = await channel.deliver(makeEvent({ content: { type: 'text', body: 'a'.repeat(161) } }), binding, makeContext());
    expect(output.providerResult).toMatchObject({ success: true, providerMessageId: 'mock-sms-1', metadata: { segments: 2, encoding: 'GSM-7' } });
    const emoji = await channel.deliver(makeEvent({ content: { type: 'text', body: 'ok 👍' } }), binding, makeContext());
    expect(emoji.providerResult?.metadata).toEqual({ segments: 1, encoding: 'UCS-2' });
  });

  it('still refuses like a transport channel', async () => {
    const channel = new SMSChannel('sms-main', { provider: new MockSMSProvider({ failWith: { error: 'blocked', retryable: false } }) });
    await expect(channel.deliver(makeEvent(), makeBinding({ metadata: { phoneNumber: '+1555' } }), makeContext()))
      .rejects.toMatchObject({ name: 'ProviderDeliveryError', code: 'blocked' });
  });
});
