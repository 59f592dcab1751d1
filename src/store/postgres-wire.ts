/**
 * What PostgreSQL takes and how it fails, for PostgresStore: JSON it can store, where a connection
 * string points (without ever repeating its password) and which errors mean "the server is not there".
 */
import pg from 'pg';
import { StoreUnavailableError } from '../errors.js';

/**
 * JSON for a jsonb column. PostgreSQL refuses U+0000 and unpaired surrogates in jsonb text ("unsupported
 * Unicode escape sequence"), a write no retry could ever land; no channel can carry them either, so
 * they are stored as U+FFFD (the replacement character), in values and in keys.
 */
export function toJsonb(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? clean(v) : v));
  // Only keys can still hold one (values were cleaned above): rebuild those objects.
  return /\\u(0000|d[89a-f])/i.test(text) ? JSON.stringify(cleanKeys(JSON.parse(text))) : text;
}

/** NUL, and a surrogate without its pair. */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function clean(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

function cleanKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cleanKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [clean(k), cleanKeys(v)]));
  }
  return typeof value === 'string' ? clean(value) : value;
}


/** Where a connection string points, for messages; the password only to scrub it from them. */
export interface Location { host: string; port: number; database: string; password: string }


/** Host, port and database of a connection string (pg's own parsing, environment defaults included). */
export function locate(connectionString: string): Location {
  let probe: pg.Client;
  try {
    probe = new pg.Client({ connectionString });
  } catch {
    // The parser's error may quote the whole string, password included.
    throw new TypeError('invalid PostgreSQL connection string (expected postgres://user:password@host:port/database)');
  }
  const password = typeof probe.password === 'string' ? probe.password : '';
  return { host: probe.host, port: probe.port, database: probe.database ?? '', password };
}

/** Socket errors, a connection pg gave up on, and the server's own "going away / not ready" classes. */
export function isConnectionFault(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN'].includes(code)) return true;
  // SQLSTATE 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now),
  // 53300 (too many connections).
  if (/^08|^57P0[1-3]$|^53300$/.test(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message);
}

export function unavailable(where: Location, error: unknown): StoreUnavailableError {
  const e = error as { message?: string; code?: string; errors?: { message?: string }[] };
  // Node reports a refused dual-stack connect as an AggregateError with an empty message.
  const message = e.message || e.errors?.[0]?.message || '';
  let reason = [message, e.code && !message.includes(e.code) ? `(${e.code})` : ''].filter(Boolean).join(' ') || String(error);
  if (where.password) reason = reason.split(where.password).join('***');
  return new StoreUnavailableError('PostgreSQL store', where.host, where.port, where.database, reason, { cause: error });
}
