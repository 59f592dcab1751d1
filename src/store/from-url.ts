/**
 * Choosing the store by configuration, read once at the composition root (ARCHITECTURE.md §7):
 * `ROOMKIT_STORE=memory | sqlite:<path> | postgres://… | postgresql://…`. Unset or blank is `memory`.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../errors.js';
import type { ConversationStore } from './conversation-store.js';
import { InMemoryStore } from './in-memory.js';
import { PostgresStore, type PostgresStoreOptions } from './postgres.js';
import { SQLiteStore, type SQLiteStoreOptions } from './sqlite.js';

export type StoreSpec =
  | { kind: 'memory' }
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string };

const EXPECTED = 'expected memory, sqlite:<path> or postgres://user:password@host:port/database';

/**
 * A store setting parsed into a `StoreSpec`. Messages quote at most a value's scheme: a connection
 * string may carry a password.
 */
export const StoreSpecSchema = z
  .string()
  .trim()
  .optional()
  .transform((raw, ctx): StoreSpec => {
    const value = raw ?? '';
    const fail = (message: string): never => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    const colon = value.indexOf(':');
    const scheme = (colon < 0 ? value : value.slice(0, colon)).toLowerCase();
    if (value === '' || value.toLowerCase() === 'memory') return { kind: 'memory' };
    if (scheme === 'sqlite') {
      const path = value.slice(colon + 1);
      if (path.startsWith('//')) return fail('write sqlite:<path> (e.g. sqlite:./data/roomkit.db or sqlite:/var/lib/roomkit/roomkit.db), not sqlite://');
      if (path === '') return fail('sqlite: needs a file path, e.g. sqlite:./data/roomkit.db (or sqlite::memory:)');
      return { kind: 'sqlite', path };
    }
    if (scheme === 'postgres' || scheme === 'postgresql') {
      if (!value.slice(colon + 1).startsWith('//') || !URL.canParse(value)) {
        return fail(`not a valid ${scheme}:// URL; ${EXPECTED}`);
      }
      return { kind: 'postgres', url: value };
    }
    const got = colon < 0 ? `"${value.slice(0, 32)}"` : `scheme "${value.slice(0, colon + 1)}"`;
    return fail(`${EXPECTED}; got ${got}`);
  });

/**
 * Parses a store setting, naming the variable it came from in the error.
 * @throws RoomKitValidationError (`field` = `variable`) on a malformed value.
 * @example
 * const spec = parseStoreSpec(env.ROOMKIT_STORE); // { kind: 'postgres', url: 'postgres://…' }
 */
export function parseStoreSpec(value: string | undefined, variable = 'ROOMKIT_STORE'): StoreSpec {
  const parsed = StoreSpecSchema.safeParse(value);
  if (!parsed.success) throw new RoomKitValidationError('configuration', parsed.error.issues, [variable]);
  return parsed.data;
}

export interface StoreFromSpecOptions {
  sqlite?: SQLiteStoreOptions;
  postgres?: PostgresStoreOptions;
}

/**
 * The store a setting names, opened (PostgreSQL connects and migrates here, so an unreachable
 * server fails start-up with a `StoreUnavailableError`).
 * @example
 * const store = await storeFromSpec(config.ROOMKIT_STORE ?? 'memory');
 * const kit = new RoomKit({ store });
 */
export async function storeFromSpec(spec: string | StoreSpec, options: StoreFromSpecOptions = {}): Promise<ConversationStore> {
  const parsed = typeof spec === 'string' ? parseStoreSpec(spec) : spec;
  switch (parsed.kind) {
    case 'memory': return new InMemoryStore();
    case 'sqlite': return new SQLiteStore(parsed.path, options.sqlite);
    case 'postgres': return PostgresStore.open(parsed.url, options.postgres);
  }
}
