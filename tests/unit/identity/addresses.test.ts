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
