/**
 * Address normalisation, so the same person is one identity whatever the channel wrote: phone
 * numbers to E.164, emails case-folded. Stores key identities by the normalised address.
 *
 * `libphonenumber-js` is not a dependency of this package, so phone numbers are normalised by the
 * small rule below rather than by the full numbering plan: strip `tel:` / `sms:` / `whatsapp:`
 * prefixes and punctuation (spaces, `-`, `.`, `(`, `)`); `00` becomes `+`; a number without a
 * country code takes `defaultCountryCode` (1, NANP: 10 digits, or 11 starting with 1). Anything
 * that is not then `+` and 8–15 digits is returned trimmed and unchanged (never guessed at).
 */

/** Channel types whose addresses are phone numbers. */
export const PHONE_CHANNEL_TYPES: ReadonlySet<string> = new Set(['sms', 'mms', 'rcs', 'whatsapp', 'whatsapp_personal', 'voice']);

/**
 * @example toE164('(555) 123-4567') // '+15551234567'
 * @example toE164('whatsapp:+44 20 7946 0958') // '+442079460958'
 */
export function toE164(raw: string, defaultCountryCode = '1'): string {
  const trimmed = raw.trim();
  let s = trimmed.replace(/^(tel|sms|whatsapp):/i, '').replace(/[\s\-.()]/g, '');
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  if (!s.startsWith('+')) {
    if (!/^\d+$/.test(s)) return trimmed;
    if (defaultCountryCode === '1' && s.length === 11 && s.startsWith('1')) s = `+${s}`;
    else s = `+${defaultCountryCode}${s}`;
  }
  return /^\+[1-9]\d{7,14}$/.test(s) ? s : trimmed;
}

/** Trimmed and lower-cased (the local part too: mail systems treat it case-insensitively in practice). */
export function foldEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/** The form an address is stored and looked up in, for its channel type (`phone` / `email` included). */
export function normalizeAddress(channelType: string, address: string): string {
  if (channelType === 'phone' || PHONE_CHANNEL_TYPES.has(channelType)) return toE164(address);
  if (channelType === 'email') return foldEmail(address);
  return address.trim();
}
