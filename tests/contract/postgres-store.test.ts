/**
 * What is particular to PostgresStore (its ConversationStore behaviour is the shared contract in
 * stores.test.ts): versioned migrations that several processes may race, data that outlives the
 * store, a clear error for a server that is not there, and a pool that survives a server restart.
 */
import net from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { RoomKitError, StoreUnavailableError } from '../../src/errors.js';
import { POSTGRES_SCHEMA_VERSION, PostgresStore } from '../../src/store/index.js';
import {
  makeBinding, makeEvent, makeObservation, makeParticipant, makeRoom, makeTask,
} from '../support/factories.js';
import {
  dropSchema, startPostgres, startPostgresServer, stopPostgres, uniqueSchema, type PostgresServer,
} from '../support/postgres-server.js';

const url = inject('postgresUrl');

/** Plain SQL against the test server, for looking under the store. */
async function sql<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A port nothing listens on: the OS hands out a free one and we close it again. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('PostgresStore', () => {
  const schemas: string[] = [];
  const open: PostgresStore[] = [];
  const newSchema = (): string => {
    const schema = uniqueSchema();
    schemas.push(schema);
    return schema;
  };
  const openStore = async (schema: string): Promise<PostgresStore> => {
    const store = await PostgresStore.open(url, { schema });
    open.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
  });
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(url, schema);
  });

  it('is not process-local, and closing twice is harmless', async () => {
    const store = await PostgresStore.open(url, { schema: newSchema() });
    expect(store.isProcessLocal).toBe(false);
    await store.close();
    await store.close();
  });

  it('stores a NUL or an unpaired surrogate (which jsonb refuses) as U+FFFD instead of failing every retry', async () => {
    const store = await openStore(newSchema());
    await store.putEvents([makeEvent({ index: 0, content: { type: 'text', body: 'a\u0000b, typed \\u0000' } })]);
    const stored = await store.getEventByIndex('room-1', 0);
    expect(stored?.content).toEqual({ type: 'text', body: 'a\uFFFDb, typed \\u0000' });

    // An unpaired surrogate (valid in JSON.parse, refused by jsonb) and a NUL in a key, likewise.
    await store.putEvents([makeEvent({ index: 1, content: { type: 'text', body: 'x\ud83dy \ud83d\ude00' }, metadata: { 'k\u0000': 'v' } })]);
    const second = await store.getEventByIndex('room-1', 1);
    expect(second?.content).toEqual({ type: 'text', body: 'x\uFFFDy \ud83d\ude00' });
    expect(second?.metadata).toEqual({ 'k\uFFFD': 'v' });
  });

  it('migrates a fresh schema once when five stores open it at the same moment', async () => {
    const schema = newSchema();
    const stores = await Promise.all(Array.from({ length: 5 }, () => openStore(schema)));
    const versions = await sql<{ version: number }>(`SELECT version FROM "${schema}".roomkit_schema_migrations ORDER BY version`);
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1));

    // All five work on the same tables.
    await Promise.all(stores.map((s, i) => s.putEvents([makeEvent({ index: i })])));
    expect(await stores[0].getEventCount('room-1')).toBe(5);
  });

  it('records each migration version once, and a reopen applies nothing', async () => {
    const schema = newSchema();
    await openStore(schema);
    const before = await sql(`SELECT version, applied_at FROM "${schema}".roomkit_schema_migrations ORDER BY version`);
    await openStore(schema);
    expect(await sql(`SELECT version, applied_at FROM "${schema}".roomkit_schema_migrations ORDER BY version`)).toEqual(before);
    expect(before).toHaveLength(POSTGRES_SCHEMA_VERSION);

    const tables = await sql<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [schema],
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      'bindings', 'delivery_results', 'events', 'identities', 'identity_addresses', 'observations', 'participants', 'read_markers',
      'roomkit_schema_migrations', 'rooms', 'tasks',
    ]);
  });

  it('refuses a schema written by a newer version of RoomKit', async () => {
    const schema = newSchema();
    await openStore(schema);
    await sql(`INSERT INTO "${schema}".roomkit_schema_migrations (version) VALUES ($1)`, [POSTGRES_SCHEMA_VERSION + 1]);
    await expect(PostgresStore.open(url, { schema })).rejects.toThrow(/newer/);
  });

  it('refuses a schema name it would have to quote', async () => {
    await expect(PostgresStore.open(url, { schema: 'Robert"; DROP' })).rejects.toThrow(RangeError);
  });

  it('keeps everything across close and reopen, and shares it with another store at once', async () => {
    const schema = newSchema();
    const writer = await PostgresStore.open(url, { schema });
    const reader = await openStore(schema);
    const room = makeRoom({ metadata: { tier: 'gold' } });
    const events = [
      makeEvent({ index: 0, idempotencyKey: 'k-0' }),
      makeEvent({ index: 1, deliveryResults: { 'sms-main': { channelId: 'sms-main', status: 'sent', providerMessageId: 'SM-1' } } }),
    ];
    await writer.putRoom(room);
    await writer.putEvents(events);
    await writer.putBinding(makeBinding({ participantId: 'user-1' }));
    await writer.putParticipant(makeParticipant());
    await writer.putTask(makeTask());
    await writer.putObservation(makeObservation());
    expect(await reader.listEvents('room-1')).toEqual(events);
    await writer.close();

    const reopened = await openStore(schema);
    expect(await reopened.getRoom('room-1')).toEqual(room);
    expect(await reopened.listEvents('room-1')).toEqual(events);
    expect((await reopened.getEventByIdempotencyKey('room-1', 'k-0'))?.index).toBe(0);
    expect((await reopened.findEventByProviderMessageId('SM-1'))?.index).toBe(1);
    expect(await reopened.listBindings('room-1')).toEqual([makeBinding({ participantId: 'user-1' })]);
    expect(await reopened.listParticipants('room-1')).toEqual([makeParticipant()]);
    expect(await reopened.listTasks('room-1')).toEqual([makeTask()]);
    expect(await reopened.listObservations('room-1')).toEqual([makeObservation()]);
    expect(await reopened.findRoomIdsByChannel('sms-main')).toEqual(['room-1']);
    expect(await reopened.findLatestRoom('user-1', 'sms')).toBe('room-1');
  });

  it('keeps the queried columns in step with a replaced event, and its delivery results in their own rows', async () => {
    const schema = newSchema();
    const store = await openStore(schema);
    await store.putEvents([makeEvent({
      index: 7, id: 'first', idempotencyKey: 'k-1',
      deliveryResults: { 'sms-main': { channelId: 'sms-main', status: 'sent', providerMessageId: 'SM-7' } },
    })]);
    await store.putEvents([makeEvent({
      index: 7, id: 'second', idempotencyKey: 'k-2', type: 'system', visibility: 'internal',
      content: { type: 'system', body: 'replaced' },
      deliveryResults: { 'email-main': { channelId: 'email-main', status: 'queued' } },
    })]);
    expect(await sql(`SELECT room_id, idx, id, idempotency_key, type, visibility FROM "${schema}".events`)).toEqual([
      { room_id: 'room-1', idx: '7', id: 'second', idempotency_key: 'k-2', type: 'system', visibility: 'internal' },
    ]);
    expect(await sql(`SELECT channel_id, event_id, status, provider_message_id FROM "${schema}".delivery_results`)).toEqual([
      { channel_id: 'email-main', event_id: 'second', status: 'queued', provider_message_id: null },
    ]);
  });

  it('writes a batch of events all or nothing', async () => {
    const store = await openStore(newSchema());
    const bad = { ...makeEvent({ index: 1 }), type: undefined } as unknown as ReturnType<typeof makeEvent>;
    await expect(store.putEvents([makeEvent({ index: 0 }), bad])).rejects.toThrow();
    const withResults = {
      ...makeEvent({ index: 2, deliveryResults: { x: { channelId: 'x', status: 'sent' } } }),
      type: undefined,
    } as unknown as ReturnType<typeof makeEvent>;
    await expect(store.putEvents([makeEvent({ index: 0 }), withResults])).rejects.toThrow();
    expect(await store.getEventCount('room-1')).toBe(0);
  });

  it('fails to open an unreachable server with where it looked, never the password', async () => {
    const port = await closedPort();
    const error = await PostgresStore.open(`postgres://u:s3cret@127.0.0.1:${port}/db`).then(
      () => { throw new Error('opened a store on a closed port'); },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toBeInstanceOf(RoomKitError);
    const unavailable = error as StoreUnavailableError;
    expect(unavailable.name).toBe('StoreUnavailableError');
    expect(unavailable.message).toContain(`127.0.0.1:${port}/db`);
    expect(unavailable).toMatchObject({ host: '127.0.0.1', port, database: 'db' });
    expect(`${unavailable.message} ${String(unavailable.cause)} ${JSON.stringify(unavailable)}`).not.toContain('s3cret');
  });

  it('refuses a malformed connection string without echoing it', async () => {
    const error = await PostgresStore.open('postgres://u:s3cret@127.0.0.1:notaport/db').then(
      () => { throw new Error('opened a store with a malformed URL'); },
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(`${error.message} ${String(error.cause)}`).not.toContain('s3cret');
  });
});

describe('PostgresStore across a server outage', () => {
  // A server of its own: stopping the run's shared one would fail other files using it meanwhile.
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgresServer();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('rejects queries while PostgreSQL is down, and the same store works once it is back', async () => {
    const idleErrors: Error[] = [];
    const store = await PostgresStore.open(server.url, { schema: 'outage', onIdleError: (e) => idleErrors.push(e) });
    try {
      await store.putEvents([makeEvent({ index: 0 })]);
      await stopPostgres(server.dataDir);

      await expect(store.putEvents([makeEvent({ index: 1 })])).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.getEventCount('room-1')).rejects.toBeInstanceOf(StoreUnavailableError);

      await startPostgres(server.dataDir);
      await store.putEvents([makeEvent({ index: 1 })]);
      expect((await store.listEvents('room-1')).map((e) => e.index)).toEqual([0, 1]);
    } finally {
      await store.close();
    }
  });
});
