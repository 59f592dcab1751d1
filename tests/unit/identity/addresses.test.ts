import { describe, expect, it } from 'vitest';
import { foldEmail, normalizeAddress, toE164 } from '../../../src/identity/addresses.js';

describe('address normalisation', () => {
  it.each([
    ['+1 (555) 123-4567', '+15551234567'],
    ['555.123.4567', '+15551234567'],
    ['15551234567', '+15551234567'],
    ['whatsapp:+44 20 7946 0958', '+442079460958'],
    ['tel:0044 20 7946 0958', '+442079460958'],
  ])('%s → %s', (raw, e164) => expect(toE164(raw)).toBe(e164));

  it('reads a national number in the given country (numbering plan, libphonenumber-js)', () => {
    expect(toE164('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(toE164('06 12 34 56 78', 'FR')).toBe('+33612345678');
    expect(toE164('+33 (0)6 12 34 56 78')).toBe('+33612345678');
  });

  it('leaves what is not a phone number as it was (trimmed)', () => {
    expect(toE164(' alice ')).toBe('alice');
    expect(toE164('+12')).toBe('+12');
  });

  it('folds emails and normalises by channel type', () => {
    expect(foldEmail(' Alice@Example.COM ')).toBe('alice@example.com');
    expect(normalizeAddress('whatsapp', '+1 555 123 4567')).toBe('+15551234567');
    expect(normalizeAddress('email', 'A@B.C')).toBe('a@b.c');
    expect(normalizeAddress('websocket', ' user-1 ')).toBe('user-1');
  });
});
