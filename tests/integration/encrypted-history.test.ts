/**
 * Encrypted history on real Temporal: a room run by a kit with an `AesGcmPayloadCodec` leaves no
 * message text or phone number in the server's history (read raw, through a client without the
 * codec); the real Temporal CLI reads it through the kit's codec server; a rotated key still reads
 * (and continues) a room written with the old one, and a kit without the old key says which key it lacks.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createApp, InMemoryStore, MockSMSProvider, RoomKit, roomWorkflowId, SMSChannel, WebSocketChannel, locateTemporalCli,
} from '../../src/index.js';
import { AesGcmPayloadCodec } from '../../src/encryption.js';
import { eventually, roomId } from '../support/kit.js';
import { spawnChild } from '../support/processes.js';

const PHONE = '+15558675309';
const TOKEN = `codec-${randomUUID()}`;
const k1 = randomBytes(32);
const k2 = randomBytes(32);

/** The string and its base64 at each of the three byte alignments (inner bytes only). */
function needles(s: string): string[] {
  const out = [s];
  for (let pad = 0; pad < 3; pad++) {
    const b = Buffer.from('\0'.repeat(pad) + s).toString('base64');
    // Drop the characters that mix in the padding bytes and the last, partial group.
    out.push(b.slice(pad === 0 ? 0 : pad + 1, Math.floor((pad + s.length) / 3) * 4));
  }
  return out;
}

/** Every `Payload` object (has `metadata`) in a history's JSON, with the key under which it sits. */
function payloadsIn(node: unknown, key = '', out: Array<{ key: string; payload: { metadata: Record<string, string>; data?: string } }> = []) {
  if (Array.isArray(node)) for (const n of node) payloadsIn(n, key, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.metadata && typeof o.metadata === 'object' && !Array.isArray(o.metadata)) out.push({ key, payload: o as never });
    else for (const [k, v] of Object.entries(o)) payloadsIn(v, k === 'payloads' || k === 'fields' || k === 'indexedFields' ? key || k : k, out);
  }
  return out;
}

const b64text = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');

function buildKit(codec: AesGcmPayloadCodec | undefined, taskQueue: string, store = new InMemoryStore()): RoomKit {
  const kit = new RoomKit({ store, ...(codec && { payloadCodec: codec }), temporal: { address: inject('temporalAddress'), taskQueue }, log: () => {} });
  kit.registerChannel(new WebSocketChannel('ws-user'));
  kit.registerChannel(new SMSChannel('sms', { provider: new MockSMSProvider(), fromNumber: '+15550000000' }));
  return kit;
}
const startOpts = () => (inject('workflowBundlePath') ? { workflowBundle: { codePath: inject('workflowBundlePath') } } : {});
const say = (kit: RoomKit, room: string, body: string) =>
  kit.processInbound({ channelId: 'ws-user', senderId: 'user-1', content: { type: 'text', body } }, { roomId: room });

describe('encrypted history', () => {
  let connection: Connection;
  /** A client WITHOUT the codec: it sees what the server stores. */
  let raw: Client;

  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
    raw = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
  });

  async function rawHistory(room: string) {
    const history = await raw.workflow.getHandle(roomWorkflowId(room)).fetchHistory();
    const bytes = Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish());
    const json = historyToJSON(history);
    return { bytes, json, payloads: payloadsIn(JSON.parse(json)) };
  }

  describe('a room run with the codec', () => {
    const codec = new AesGcmPayloadCodec({ keys: { k1 } });
    let kit: RoomKit;
    let http: Server;
    let codecUrl: string;
    /** The codec server's answers, in order. */
    const statuses: number[] = [];
    const room = roomId('enc');
    const secret = `my card expires 04/29, reach me at ${PHONE} ${randomUUID()}`;

    beforeAll(async () => {
      kit = buildKit(codec, `test-${randomUUID()}`);
      await kit.start(startOpts());
      await kit.createRoom({ roomId: room, metadata: { customer: 'Ada Lovelace' } });
      await kit.attachChannel(room, 'ws-user');
      await kit.attachChannel(room, 'sms', { metadata: { phoneNumber: PHONE } });
      await say(kit, room, secret);
      const app = createApp(kit, { webhooks: false, restApi: false, codecServer: { codec, token: TOKEN } });
      http = createServer((req, res) => {
        res.on('finish', () => statuses.push(res.statusCode));
        app(req, res);
      });
      await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
      codecUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/codec`;
    });
    afterAll(async () => {
      await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
      await kit?.close();
    });

    it('the kit reads its room as usual', async () => {
      const state = await kit.roomState(room);
      expect(state.recentEvents.map((e) => (e.content.type === 'text' ? e.content.body : ''))).toContain(secret);
      expect(state.bindings.find((b) => b.channelId === 'sms')?.metadata.phoneNumber).toBe(PHONE);
    });

    it('the raw history holds no message text, phone number or metadata, in clear or base64', async () => {
      const { bytes, json, payloads } = await rawHistory(room);
      for (const s of [secret, PHONE, 'Ada Lovelace', '15558675309']) {
        for (const n of needles(s)) {
          expect(json.includes(n), `history JSON contains ${JSON.stringify(n)} (from ${s})`).toBe(false);
          expect(bytes.includes(Buffer.from(n)), `history bytes contain ${JSON.stringify(n)}`).toBe(false);
        }
      }
      // Every payload is sealed, except what Temporal itself writes for `patched()`: its marker's
      // `patch-data` and the `TemporalChangeVersion` search attribute, both patch ids only.
      const PATCH_KEYS = ['patch-data', 'TemporalChangeVersion'];
      const clear = payloads.filter(({ payload }) => b64text(payload.metadata.encoding) !== 'binary/encrypted');
      expect(clear.filter(({ key }) => !PATCH_KEYS.includes(key)).map(({ key, payload }) => `${key}: ${b64text(payload.data)}`)).toEqual([]);
      expect(clear.length).toBeGreaterThan(0);
      expect(payloads.length).toBeGreaterThan(5);
      // …and the codec opens them: the text is there, sealed.
      const opened = await codec.decode(payloads.map(({ payload }) => ({
        metadata: Object.fromEntries(Object.entries(payload.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
        data: Buffer.from(payload.data ?? '', 'base64'),
      })));
      const text = opened.map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n');
      expect(text).toContain(secret);
      expect(text).toContain(PHONE);
    });

    it('the Temporal CLI reads it through the codec endpoint (and not without the token)', async () => {
      const cli = await locateTemporalCli();
      const show = (auth?: string, timeout = '60s') => new Promise<{ code: number | null; out: string }>((resolve, reject) => {
        const args = ['workflow', 'show', '--workflow-id', roomWorkflowId(room), '--address', inject('temporalAddress'),
          '--codec-endpoint', codecUrl, ...(auth ? ['--codec-auth', auth] : []), '--output', 'json', '--command-timeout', timeout];
        const child = spawnChild(cli, args);
        let out = '';
        child.stdout?.on('data', (d) => { out += String(d); });
        child.stderr?.on('data', (d) => { out += String(d); });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, out }));
      });
      const ok = await show(`Bearer ${TOKEN}`);
      expect(ok.code, ok.out.slice(-2000)).toBe(0);
      // The CLI prints payloads as proto JSON (data in base64): decoded by the codec server, none sealed.
      const shown = payloadsIn(JSON.parse(ok.out));
      expect(shown.filter(({ payload }) => b64text(payload.metadata.encoding) === 'binary/encrypted')).toEqual([]);
      const text = shown.map(({ payload }) => b64text(payload.data)).join('\n');
      expect(text).toContain(secret);
      expect(text).toContain(PHONE);
      // Refused (401), the CLI retries until its timeout and fails without showing the history.
      for (const auth of [undefined, 'Bearer not-the-token']) {
        statuses.length = 0;
        const refused = await show(auth, '3s');
        expect(refused.code, refused.out.slice(-2000)).not.toBe(0);
        expect(refused.out).not.toContain(secret);
        expect(statuses.length).toBeGreaterThan(0);
        expect(statuses.filter((s) => s !== 401)).toEqual([]);
      }
    });
  });

  it('a rotated key reads and continues a room written with the old one; a kit without the old key names it', async () => {
    const taskQueue = `test-${randomUUID()}`;
    const store = new InMemoryStore();
    const room = roomId('rot');
    const first = `first, written with k1 ${randomUUID()}`;
    const second = `second, written with k2 ${randomUUID()}`;

    const before = buildKit(new AesGcmPayloadCodec({ keys: { k1 } }), taskQueue, store);
    try {
      await before.start(startOpts());
      await before.createRoom({ roomId: room });
      await before.attachChannel(room, 'ws-user');
      await before.attachChannel(room, 'sms', { metadata: { phoneNumber: PHONE } });
      await say(before, room, first);
    } finally {
      await before.close();
    }

    // k2 is current, k1 still listed: a fresh worker replays the k1 history, then writes with k2.
    const after = buildKit(new AesGcmPayloadCodec({ keys: { k2, k1 }, currentKeyId: 'k2' }), taskQueue, store);
    try {
      await after.start(startOpts());
      const bodies = async () => (await after.roomState(room)).recentEvents.map((e) => (e.content.type === 'text' ? e.content.body : ''));
      expect(await bodies()).toContain(first);
      await say(after, room, second);
      expect(await bodies()).toEqual(expect.arrayContaining([first, second]));
      const { payloads, json } = await rawHistory(room);
      const keyIds = new Set(payloads.map(({ payload }) => b64text(payload.metadata['encryption-key-id'])).filter(Boolean));
      expect([...keyIds].sort()).toEqual(['k1', 'k2']);
      expect(json).not.toContain(second);
    } finally {
      await after.close();
    }

    // Only k2: its worker cannot open the k1 part of the history, and the kit reports which key is missing.
    const without = buildKit(new AesGcmPayloadCodec({ keys: { k2 } }), taskQueue, store);
    try {
      const failures: string[] = [];
      without.on('room_task_failed', (e) => { if (e.roomId === room) failures.push(String(e.data.reason)); });
      await without.start(startOpts());
      await without.signalInbound({ channelId: 'ws-user', senderId: 'user-1', content: { type: 'text', body: 'third' } }, { roomId: room });
      const reason = await eventually(async () => failures[0], 45_000);
      expect(reason).toContain('key id "k1", which is not configured (known key ids: k2)');
    } finally {
      await without.close();
    }
  }, 120_000);
});
