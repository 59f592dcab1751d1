/**
 * How many SMS segments a text costs (carriers bill per segment). A message fits one segment when
 * its 140-byte payload holds it: 160 GSM-7 septets or 70 UCS-2 code units. Longer messages are
 * concatenated, and each part loses 6 bytes to the user data header: 153 septets or 67 code units.
 * A single character outside GSM-7 (an emoji, most accented letters) switches the whole message to
 * UCS-2. Handsets never split a GSM escape sequence or a UTF-16 surrogate pair across parts, so a
 * character that does not fit the current part starts the next one.
 */

/** GSM 03.38 basic character set (the escape code itself excluded). */
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);

/** GSM 03.38 extension table: each costs an escape plus the character, 2 septets. */
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegmentInfo {
  encoding: SmsEncoding;
  /** Parts the message is sent as; 0 for an empty text. */
  segments: number;
  /** 160/153 for GSM-7, 70/67 for UCS-2, depending on whether the text is split. */
  charactersPerSegment: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) of the whole text. */
  units: number;
}

const LIMITS: Record<SmsEncoding, { single: number; multi: number }> = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
};

/** True when every character of `text` is in the GSM-7 basic or extension table. */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!GSM7_BASIC.has(ch) && !GSM7_EXTENSION.has(ch)) return false;
  return true;
}

/**
 * @example
 * smsSegments('hello');           // { encoding: 'GSM-7', segments: 1, charactersPerSegment: 160, units: 5 }
 * smsSegments('a'.repeat(161));   // { encoding: 'GSM-7', segments: 2, charactersPerSegment: 153, units: 161 }
 * smsSegments('hi 👋');            // { encoding: 'UCS-2', segments: 1, charactersPerSegment: 70, units: 5 }
 */
export function smsSegments(text: string): SmsSegmentInfo {
  const encoding: SmsEncoding = isGsm7(text) ? 'GSM-7' : 'UCS-2';
  // Iterating a string yields code points, so a surrogate pair arrives whole (length 2).
  const sizes = Array.from(text, (ch) => (encoding === 'GSM-7' ? (GSM7_EXTENSION.has(ch) ? 2 : 1) : ch.length));
  const units = sizes.reduce((sum, size) => sum + size, 0);
  const { single, multi } = LIMITS[encoding];
  if (units === 0) return { encoding, segments: 0, charactersPerSegment: single, units };
  if (units <= single) return { encoding, segments: 1, charactersPerSegment: single, units };
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > multi) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, segments, charactersPerSegment: multi, units };
}
