/**
 * Every ConversationStore against the shared contract, plus what is particular to the SQLite store:
 * a file outlives its connections and is shared by the processes that open it. (What is particular
 * to PostgresStore is in postgres-store.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { InMemoryStore, PostgresStore, SQLITE_SCHEMA_VERSION, SQLiteStore } from '../../src/store/index.js';
import {
  makeBinding, makeEvent, makeObservation, makeParticipant, makeRoom, makeTask,
} from '../support/factories.js';
import { dropSchema, uniqueSchema } from '../support/postgres-server.js';
import { conversationStoreContract } from './store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'roomkit-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
/** A fresh database file in this test file's temp directory. */
const newFile = (): string => join(dir, `store-${++files}.db`);

conversationStoreContract('InMemoryStore', async () => ({ store: new InMemoryStore(), cleanup: async () => {} }));

conversationStoreContract('SQLiteStore (file)', async () => {
  const store = new SQLiteStore(newFile());
  return { store, cleanup: () => store.close() };
});

conversationStoreContract('SQLiteStore (:memory:)', async () => {
  const store = new SQLiteStore(':memory:');
  return { store, cleanup: () => store.close() };
});

// One schema per store, so cases (and files running at once) never see each other's rows.
const postgresUrl = inject('postgresUrl');
describe('PostgreSQL', () => {
  conversationStoreContract('PostgresStore', async () => {
    const schema = uniqueSchema();
    const store = await PostgresStore.open(postgresUrl, { schema });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropSchema(postgresUrl, schema);
      },
    };
  });
});

describe('SQLiteStore', () => {
  const open: SQLiteStore[] = [];
  const openStore = (filename: string): SQLiteStore => {
    const store = new SQLiteStore(filename);
    open.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
  });

  it('is process-local only in memory', () => {
    expect(openStore(':memory:').isProcessLocal).toBe(true);
    expect(openStore(newFile()).isProcessLocal).toBe(false);
  });

  it('keeps everything across close and reopen of the same file', async () => {
    const file = newFile();
    const writer = new SQLiteStore(file);
    const room = makeRoom({ metadata: { tier: 'gold' } });
    const events = [makeEvent({ index: 0, idempotencyKey: 'k-0' }), makeEvent({ index: 1 })];
    await writer.putRoom(room);
    await writer.putEvents(events);
    await writer.putBinding(makeBinding({ participantId: 'user-1' }));
    await writer.putParticipant(makeParticipant());
    await writer.putTask(makeTask());
    await writer.putObservation(makeObservation());
    await writer.close();
    await writer.close(); // closing twice is harmless

    const reopened = openStore(file);
    expect(await reopened.getRoom('room-1')).toEqual(room);
    expect(await reopened.listEvents('room-1')).toEqual(events);
    expect((await reopened.getEventByIdempotencyKey('room-1', 'k-0'))?.index).toBe(0);
    expect(await reopened.listBindings('room-1')).toEqual([makeBinding({ participantId: 'user-1' })]);
    expect(await reopened.listParticipants('room-1')).toEqual([makeParticipant()]);
    expect(await reopened.listTasks('room-1')).toEqual([makeTask()]);
    expect(await reopened.listObservations('room-1')).toEqual([makeObservation()]);
    expect(await reopened.findRoomIdsByChannel('sms-main')).toEqual(['room-1']);
    expect(await reopened.findLatestRoom('user-1', 'sms')).toBe('room-1');
  });

  it('shares one file between two stores, like a worker and a reader process', async () => {
    const file = newFile();
    const worker = openStore(file);
    const reader = openStore(file);
    expect(await reader.getEventCount('room-1')).toBe(0);

    await worker.putRoom(makeRoom());
    await worker.putEvents([makeEvent({ index: 0 }), makeEvent({ index: 1 })]);
    expect(await reader.getRoom('room-1')).toEqual(makeRoom());
    expect((await reader.listEvents('room-1')).map((e) => e.index)).toEqual([0, 1]);

    // Either side may write; each sees the other's committed writes.
    await reader.putTask(makeTask());
    expect(await worker.listTasks('room-1')).toEqual([makeTask()]);
    await worker.putEvents([makeEvent({ index: 1, status: 'failed' })]);
    expect((await reader.getEventByIndex('room-1', 1))?.status).toBe('failed');
    expect(await reader.getEventCount('room-1')).toBe(2);
  });

  it('replaces the row on a re-put of the same (room, index)', async () => {
    const file = newFile();
    const store = openStore(file);
    await store.putEvents([makeEvent({ index: 7, id: 'first', idempotencyKey: 'k-1', type: 'message' })]);
    await store.putEvents([makeEvent({
      index: 7, id: 'second', idempotencyKey: 'k-2', type: 'system', visibility: 'internal',
      content: { type: 'system', body: 'replaced' },
    })]);

    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare('SELECT room_id, idx, id, idempotency_key, type, visibility FROM events').all();
      expect(rows).toEqual([
        { room_id: 'room-1', idx: 7, id: 'second', idempotency_key: 'k-2', type: 'system', visibility: 'internal' },
      ]);
    } finally {
      db.close();
    }
    // The indexed columns follow the replacement, so lookups and filters see only the new event.
    expect(await store.getEvent('room-1', 'first')).toBeUndefined();
    expect((await store.getEvent('room-1', 'second'))?.content).toEqual({ type: 'system', body: 'replaced' });
    expect(await store.listEvents('room-1', { eventTypes: ['message'] })).toEqual([]);
    expect((await store.listEvents('room-1', { visibility: 'internal' })).map((e) => e.id)).toEqual(['second']);
  });

  it('writes a batch of events all or nothing', async () => {
    const store = openStore(newFile());
    const bad = { ...makeEvent({ index: 1 }), type: undefined } as unknown as ReturnType<typeof makeEvent>;
    await expect(store.putEvents([makeEvent({ index: 0 }), bad])).rejects.toThrow();
    expect(await store.getEventCount('room-1')).toBe(0);
  });

  it('creates its schema in WAL mode with a schema version, and reopens without migrating again', async () => {
    const file = newFile();
    await openStore(file).putRoom(makeRoom());
    openStore(file); // a second open of an existing file leaves it as it is

    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      expect(tables).toEqual([
        'bindings', 'delivery_results', 'events', 'identities', 'identity_addresses', 'observations', 'participants', 'read_markers',
        'rooms', 'tasks',
      ]);
    } finally {
      db.close();
    }
  });

  it('indexes the delivery results of events stored before schema version 2', async () => {
    const file = newFile();
    const sent = makeEvent({ index: 0, deliveryResults: { 'sms-main': { channelId: 'sms-main', status: 'sent', providerMessageId: 'SM-1' } } });
    await openStore(file).putEvents([sent]);
    // Take the file back to version 1: the table is gone and the event is only JSON.
    const db = new Database(file);
    db.exec('DROP TABLE delivery_results; DROP TABLE read_markers; DROP TABLE identities; DROP TABLE identity_addresses');
    db.pragma('user_version = 1');
    db.close();

    const migrated = openStore(file);
    expect(await migrated.findEventByProviderMessageId('SM-1'))
      .toEqual({ roomId: 'room-1', eventId: 'room-1-evt-0', index: 0, channelId: 'sms-main' });
  });

  it('refuses a file written by a newer schema', () => {
    const file = newFile();
    const db = new Database(file);
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new SQLiteStore(file)).toThrow(/newer/);
  });
});
