/**
 * Hooks and framework-event listeners belong to the workers: a room runs the hooks of the worker
 * that serves it, whoever sent the command (a kit without hooks, a raw Temporal client), and an
 * infrastructure fault on the way to a hook is retried, never a reason to skip it.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  HookResult, InMemoryStore, RoomKit, WebSocketChannel, type FrameworkEvent, type RoomEvent,
} from '../../src/index.js';
import { makeBinding } from '../support/factories.js';
import { eventually, roomId } from '../support/kit.js';

const WS = 'woh-ws';
const kits: RoomKit[] = [];
afterAll(async () => {
  for (const k of kits.reverse()) await k.close().catch(() => {});
});

const bodyOf = (e: RoomEvent | undefined) => (e && 'body' in e.content ? e.content.body : undefined);
const noSpam = (e: RoomEvent) => (bodyOf(e)?.includes('spam') ? HookResult.block('spam detected') : HookResult.allow());

function kitOn(taskQueue: string, store: InMemoryStore | object, setup: (k: RoomKit) => void = () => {}): RoomKit {
  const kit = new RoomKit({
    store: store as InMemoryStore, temporal: { address: inject('temporalAddress'), taskQueue }, log: () => {},
  });
  kit.registerChannel(new WebSocketChannel(WS));
  setup(kit);
  kits.push(kit);
  return kit;
}

async function worker(kit: RoomKit): Promise<RoomKit> {
  await kit.connect();
  void kit.runWorker({ workflowBundle: { codePath: inject('workflowBundlePath') } });
  return kit;
}

async function connected(kit: RoomKit): Promise<RoomKit> {
  await kit.connect();
  return kit;
}

const say = (kit: RoomKit, room: string, body: string) =>
  kit.processInbound({ channelId: WS, senderId: 'user-1', content: { type: 'text', body } }, { roomId: room });

describe('a room runs the hooks of its worker, not of the sender', () => {
  const taskQueue = `woh-${randomUUID()}`;
  const store = new InMemoryStore();
  const ran: string[] = [];
  const framework: FrameworkEvent[] = [];
  let sender: RoomKit;

  it('blocks spam sent through a kit that registered no hooks', async () => {
    await worker(kitOn(taskQueue, store, (k) => {
      k.hook('before_broadcast', { name: 'no-spam' }, (e) => {
        ran.push(e.id);
        return noSpam(e);
      });
      k.on('event_blocked', (e) => { framework.push(e); });
    }));
    sender = await connected(kitOn(taskQueue, store));
    expect(sender.manifest().hooks).toEqual([]);

    const room = roomId('woh');
    await sender.createRoom({ roomId: room });
    await sender.attachChannel(room, WS);
    const spam = await say(sender, room, 'buy spam now');
    expect(spam.blocked).toBe(true);
    expect(spam.reason).toBe('spam detected');
    expect(spam.event?.status).toBe('blocked');
    const fine = await say(sender, room, 'hello');
    expect(fine.blocked).toBe(false);
    expect(ran).toHaveLength(2);
    // The worker's listener heard the block, though the sender listens to nothing.
    await eventually(async () => framework.some((e) => e.roomId === room && e.type === 'event_blocked'));
  });

  it('blocks spam signalled by a raw Temporal client with no manifest at all', async () => {
    const room = roomId('woh-raw');
    await sender.createRoom({ roomId: room });
    await sender.attachChannel(room, WS);
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const client = new Client({ connection });
      // What `temporal workflow signal --name roomkit.command` or another service would send.
      await client.workflow.getHandle(`room:${room}`).signal('roomkit.command', {
        id: randomUUID(),
        command: {
          kind: 'inbound',
          message: { channelId: WS, senderId: 'cli-user', content: { type: 'text', body: 'spam from the CLI' } },
          defaultBinding: makeBinding({ roomId: room, channelId: WS, channelType: 'websocket' }),
        },
      });
    } finally {
      await connection.close();
    }
    const stored = await eventually(async () =>
      (await store.listEvents(room, { limit: 50 })).find((e) => bodyOf(e) === 'spam from the CLI'));
    expect(stored.status).toBe('blocked');
    expect(stored.blockedBy).toBe('no-spam');
  });
});

describe('two worker versions with different hooks on one task queue (a rolling deploy)', () => {
  it('the room adopts the hooks of the worker that answers it, says so, and runs them from the next message', async () => {
    const taskQueue = `woh-deploy-${randomUUID()}`;
    const store = new InMemoryStore();
    const changes: FrameworkEvent[] = [];
    const before = await worker(kitOn(taskQueue, store));
    const sender = await connected(kitOn(taskQueue, store));
    const room = roomId('woh-deploy');
    await sender.createRoom({ roomId: room });
    await sender.attachChannel(room, WS);
    expect((await say(sender, room, 'spam before the deploy')).blocked).toBe(false);

    // The new version adds a moderation hook and a listener; the old one stops.
    await before.stopWorker();
    await worker(kitOn(taskQueue, store, (k) => {
      k.hook('before_broadcast', { name: 'no-spam' }, noSpam);
      k.on('room_manifest_changed', (e) => { changes.push(e); });
    }));

    // The room decides to call hooks from the manifest it last heard (the old worker's): the first
    // message after the deploy passes; its write reaches the new worker, which answers with its own
    // manifest, and the room runs the new hooks from then on.
    expect((await say(sender, room, 'spam during the deploy')).blocked).toBe(false);
    const change = await eventually(async () => changes.find((e) => e.roomId === room));
    expect(change.data).toMatchObject({ hooks: ['no-spam'], listens: ['room_manifest_changed'] });
    expect(change.data.previous_fingerprint).not.toBe(change.data.fingerprint);
    expect((await say(sender, room, 'spam after the deploy')).blocked).toBe(true);
  });
});

describe('an infrastructure fault on the way to a hook', () => {
  it('is retried until the store answers; the hook runs and blocks', async () => {
    const taskQueue = `woh-fault-${randomUUID()}`;
    const store = new InMemoryStore();
    let failReads = 0;
    let failed = 0;
    // The worker's view of the store: reads of the room fail while `failReads` lasts (an outage).
    const flaky = new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== 'getRoom' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: unknown[]) => {
          if (failReads > 0) {
            failReads -= 1;
            failed += 1;
            throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const hookErrors: FrameworkEvent[] = [];
    await worker(kitOn(taskQueue, flaky, (k) => {
      k.hook('before_broadcast', { name: 'no-spam' }, noSpam);
      k.on('hook_error', (e) => { hookErrors.push(e); });
    }));
    const sender = await connected(kitOn(taskQueue, store));
    const room = roomId('woh-fault');
    await sender.createRoom({ roomId: room });
    await sender.attachChannel(room, WS);

    failReads = 4;
    const result = await say(sender, room, 'spam while the store is down');
    expect(failed).toBe(4);
    expect(result.blocked).toBe(true);
    expect(result.event?.blockedBy).toBe('no-spam');
    expect(hookErrors).toEqual([]);
  });
});
