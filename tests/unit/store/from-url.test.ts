/**
 * `ROOMKIT_STORE` → a store: what each setting opens, and the error a malformed one gets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RoomKitValidationError } from '../../../src/errors.js';
import {
  InMemoryStore, parseStoreSpec, PostgresStore, SQLiteStore, storeFromSpec,
} from '../../../src/store/index.js';
import { dropSchema, uniqueSchema } from '../../support/postgres-server.js';

describe('parseStoreSpec', () => {
  it.each([
    [undefined, { kind: 'memory' }],
    ['', { kind: 'memory' }],
    ['  memory ', { kind: 'memory' }],
    ['sqlite:./data/roomkit.db', { kind: 'sqlite', path: './data/roomkit.db' }],
    ['sqlite:/var/lib/roomkit/roomkit.db', { kind: 'sqlite', path: '/var/lib/roomkit/roomkit.db' }],
    ['sqlite::memory:', { kind: 'sqlite', path: ':memory:' }],
    ['postgres://rk:pw@db:5432/roomkit', { kind: 'postgres', url: 'postgres://rk:pw@db:5432/roomkit' }],
    ['postgresql:///roomkit?host=/var/run/postgresql', { kind: 'postgres', url: 'postgresql:///roomkit?host=/var/run/postgresql' }],
  ])('reads %j', (value, spec) => {
    expect(parseStoreSpec(value)).toEqual(spec);
  });

  it.each([
    ['mysql://x', /ROOMKIT_STORE: expected memory, sqlite:<path> or postgres:\/\/.*got scheme "mysql:"/],
    ['sqlite:', /ROOMKIT_STORE: sqlite: needs a file path/],
    ['sqlite:///data/x.db', /ROOMKIT_STORE: write sqlite:<path>/],
    ['postgres:db', /ROOMKIT_STORE: not a valid postgres:\/\/ URL/],
    ['redis', /ROOMKIT_STORE: .*got "redis"/],
  ])('refuses %j naming ROOMKIT_STORE', (value, message) => {
    let error: unknown;
    try {
      parseStoreSpec(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RoomKitValidationError);
    expect((error as RoomKitValidationError).field).toBe('ROOMKIT_STORE');
    expect((error as Error).message).toMatch(message);
  });

  it('never quotes a connection string, which may carry a password', () => {
    expect(() => parseStoreSpec('postgres://u:s3cret@host:notaport/db')).toThrow(/^(?!.*s3cret)/s);
    expect(() => parseStoreSpec('mysql://u:s3cret@host/db')).toThrow(/^(?!.*s3cret)/s);
  });

  it('names another variable when asked', () => {
    expect(() => parseStoreSpec('nope:', 'READER_STORE')).toThrow(/READER_STORE:/);
  });
});

describe('storeFromSpec', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roomkit-from-url-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens an in-memory store', async () => {
    const store = await storeFromSpec('memory');
    expect(store).toBeInstanceOf(InMemoryStore);
  });

  it('opens a SQLite file', async () => {
    const store = await storeFromSpec(`sqlite:${join(dir, 'kit.db')}`);
    try {
      expect(store).toBeInstanceOf(SQLiteStore);
      expect(store.isProcessLocal).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('refuses a malformed setting before opening anything', async () => {
    await expect(storeFromSpec('sqlite:')).rejects.toThrow(RoomKitValidationError);
  });

  const url = inject('postgresUrl');
  it('opens (and migrates) a PostgreSQL store', async () => {
    const schema = uniqueSchema();
    const store = await storeFromSpec(url, { postgres: { schema } });
    try {
      expect(store).toBeInstanceOf(PostgresStore);
      expect(await store.getEventCount('room-1')).toBe(0);
    } finally {
      await store.close();
      await dropSchema(url, schema);
    }
  });
});
