/**
 * API keys from one configuration string (`ROOMKIT_API_KEYS`), either
 * - `key:scopes[:rooms][,key:scopes[:rooms]…]`, scopes joined by `+` (`read`, `write`, or
 *   `rooms:read`, `rooms:write`), rooms by `|` (ids, `support-*` globs, `*`; default `*`):
 *   `k3y-of-16-chars-or-more:read+write:room-a|support-*`; keys cannot contain `:` or `,`; or
 * - JSON: `[{"key":"…","name":"ops","scopes":["rooms:read"],"rooms":["*"]}]`.
 */
import { z } from 'zod';
import { ROOM_SCOPES, type ApiKey, type RoomScope } from './authenticator.js';

const Scope = z.preprocess((s) => (s === 'read' || s === 'write' ? `rooms:${s}` : s), z.enum(ROOM_SCOPES));
const KeyEntry = z.object({
  key: z.string().min(16, 'an API key must be at least 16 characters'),
  name: z.string().min(1).optional(),
  scopes: z.array(Scope).min(1, 'give at least one scope (read, write)'),
  rooms: z.array(z.string().min(1)).min(1).optional(),
}).strict();
const KeyList = z.array(KeyEntry).min(1);

/** Throws an `Error` whose message says which entry is wrong (never quoting a key). */
export function parseApiKeys(raw: string): ApiKey[] {
  const text = raw.trim();
  let entries: unknown;
  if (text.startsWith('[')) {
    try {
      entries = JSON.parse(text);
    } catch {
      throw new Error('not valid JSON (expected [{"key":…,"scopes":[…],"rooms":[…]}])');
    }
  } else {
    entries = text.split(',').map((s) => s.trim()).filter(Boolean).map((entry, i) => {
      const [key, scopes, rooms, ...rest] = entry.split(':');
      if (!scopes || rest.length) throw new Error(`entry ${i + 1}: expected key:scope+scope[:room|room]`);
      return { key, name: `api-key-${i + 1}`, scopes: scopes.split('+').filter(Boolean), ...(rooms && { rooms: rooms.split('|').filter(Boolean) }) };
    });
  }
  const parsed = KeyList.safeParse(entries);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [index, ...field] = issue.path;
    throw new Error(typeof index === 'number' ? `entry ${index + 1}${field.length ? ` ${field.join('.')}` : ''}: ${issue.message}` : issue.message);
  }
  return parsed.data.map((k) => ({ ...k, scopes: k.scopes as RoomScope[] }));
}
