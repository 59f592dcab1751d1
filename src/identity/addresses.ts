/**
 * Address normalisation, so the same person is one identity whatever the channel wrote: phone
 * numbers to E.164 by the numbering plan (`libphonenumber-js`), emails case-folded. Stores key
 * identities by the normalised address.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Channel types whose addresses are phone numbers. */
export const PHONE_CHANNEL_TYPES: ReadonlySet<string> = new Set(['sms', 'mms', 'rcs', 'whatsapp', 'whatsapp_personal', 'voice']);

/**
 * E.164 for anything the numbering plan calls a possible number: `tel:` / `sms:` / `whatsapp:`
 * prefixes and punctuation are dropped, `00` is taken as the international prefix, and a national
 * number is read in `defaultCountry` (US unless told). Anything else is returned trimmed and
 * unchanged, never guessed at.
 *
 * @example toE164('(555) 123-4567') // '+15551234567'
 * @example toE164('whatsapp:+44 20 7946 0958') // '+442079460958'
 * @example toE164('020 7946 0958', 'GB') // '+442079460958'
 */
export function toE164(raw: string, defaultCountry: CountryCode = 'US'): string {
  const trimmed = raw.trim();
  let s = trimmed.replace(/^(tel|sms|whatsapp):/i, '');
  const compact = s.replace(/[\s\-.()]/g, '');
  // `00` is the international prefix almost everywhere (not in NANP, whose 011 the library knows).
  if (compact.startsWith('00')) s = `+${compact.slice(2)}`;
  const parsed = parsePhoneNumberFromString(s, defaultCountry);
  return parsed?.isPossible() ? parsed.number : trimmed;
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
