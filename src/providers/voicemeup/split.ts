/**
 * VoiceMeUp refuses messages over 1000 characters, so longer text goes out as several messages,
 * word-wrapped like RoomKit's `textwrap.wrap(width=1000, break_long_words=True)`: break at
 * whitespace, drop the whitespace at the break, cut a word only when it alone is too long (never
 * inside a surrogate pair). Newlines inside a part are kept (textwrap would turn them into spaces).
 */
export const VOICEMEUP_MAX_LENGTH = 1000;

export function splitMessage(text: string, max = VOICEMEUP_MAX_LENGTH): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let current = '';
  const flush = (): void => {
    const trimmed = current.trim();
    if (trimmed) parts.push(trimmed);
    current = '';
  };
  for (const token of text.split(/(\s+)/)) {
    if (token === '') continue;
    const isSpace = /^\s+$/.test(token);
    if (current.length + token.length <= max) {
      if (!(isSpace && current === '')) current += token;
      continue;
    }
    if (isSpace) {
      flush();
      continue;
    }
    flush();
    if (token.length <= max) {
      current = token;
      continue;
    }
    // A word longer than a part: cut it by code points.
    let piece = '';
    for (const ch of token) {
      if (piece.length + ch.length > max) {
        parts.push(piece);
        piece = '';
      }
      piece += ch;
    }
    current = piece;
  }
  flush();
  return parts;
}
