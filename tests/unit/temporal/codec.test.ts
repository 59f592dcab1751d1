/**
 * AesGcmPayloadCodec (src/temporal/codec.ts): round trip, tampering, unknown key ids, rotation;
 * the codec server (src/server/codec-server.ts) mounted by createApp, over real HTTP. The service's
 * encryption settings are tested in tests/unit/deploy/encryption-config.test.ts.
 */
import { createDecipheriv, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/server/app.js';
import type { RoomIngress } from '../../../src/server/ingress.js';
import {
  AesGcmPayloadCodec, ENCRYPTED_ENCODING, EncryptionKeyError, parseEncryptionKeys, PayloadDecryptionError,
} from '../../../src/temporal/codec.js';

const enc = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('utf8');
const json = (value: unknown): Payload => ({ metadata: { encoding: enc('json/plain') }, data: enc(JSON.stringify(value)) });
const k1 = randomBytes(32);
const k2 = randomBytes(32);
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('AesGcmPayloadCodec', () => {
  const codec = new AesGcmPayloadCodec({ keys: { k1 } });

  it('round-trips payloads (metadata and data, empty data too) and names the key and encoding', async () => {
    const payloads = [json({ body: 'call me at +15557654321' }), { metadata: { encoding: enc('binary/null') } }, { metadata: {}, data: randomBytes(100) }];
    const sealed = await codec.encode(payloads);
    expect(sealed).toHaveLength(3);
    for (const p of sealed) {
      expect(str(p.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(str(p.metadata?.['encryption-key-id'])).toBe('k1');
      expect(Object.keys(p.metadata ?? {}).sort()).toEqual(['encoding', 'encryption-key-id']);
    }
    expect(Buffer.from(sealed[0].data ?? []).includes(Buffer.from('+15557654321'))).toBe(false);
    const opened = await codec.decode(sealed);
    expect(str(opened[0].data)).toBe(JSON.stringify({ body: 'call me at +15557654321' }));
    expect(str(opened[0].metadata?.encoding)).toBe('json/plain');
    expect(str(opened[1].metadata?.encoding)).toBe('binary/null');
    expect(opened[1].data?.length ?? 0).toBe(0);
    expect(Buffer.from(opened[2].data ?? []).equals(Buffer.from(payloads[2].data ?? []))).toBe(true);
    expect(await codec.encode([])).toEqual([]);
  });

  it('uses a fresh 12-byte IV per payload', async () => {
    const [a, b] = await codec.encode([json('same'), json('same')]);
    expect(b64(a.data ?? new Uint8Array())).not.toBe(b64(b.data ?? new Uint8Array()));
    expect(Buffer.from(a.data ?? []).subarray(0, 12).equals(Buffer.from(b.data ?? []).subarray(0, 12))).toBe(false);
  });

  it("seals Temporal's Payload protobuf: IV ‖ ciphertext ‖ tag, readable by other SDKs' codecs with the key", async () => {
    const original = json({ hello: 'world' });
    const [sealed] = await codec.encode([original]);
    const data = Buffer.from(sealed.data ?? []);
    const decipher = createDecipheriv('aes-256-gcm', k1, data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(data.length - 16));
    const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
    expect(plain.equals(Buffer.from(proto.temporal.api.common.v1.Payload.encode(original).finish()))).toBe(true);
  });

  it('passes payloads that are not encrypted through decode (history from before encryption was on)', async () => {
    const clear = json('old message');
    expect(await codec.decode([clear])).toEqual([clear]);
  });

  it('refuses an altered payload', async () => {
    const [sealed] = await codec.encode([json('secret')]);
    const data = Buffer.from(sealed.data ?? []);
    data[20] ^= 1;
    const err = await rejection(codec.decode([{ ...sealed, data }]));
    expect(err).toBeInstanceOf(PayloadDecryptionError);
    expect(err.message).toMatch(/key id "k1".*failed authentication/);
    const short = await rejection(codec.decode([{ ...sealed, data: data.subarray(0, 10) }]));
    expect(short.message).toMatch(/too short/);
  });

  it('names an unknown key id (and the known ones) instead of failing obscurely', async () => {
    const [sealed] = await new AesGcmPayloadCodec({ keys: { 'old-2023': k2 } }).encode([json('x')]);
    const err = await rejection(codec.decode([sealed]));
    expect(err).toBeInstanceOf(PayloadDecryptionError);
    expect((err as PayloadDecryptionError).keyId).toBe('old-2023');
    expect(err.message).toContain('key id "old-2023", which is not configured (known key ids: k1)');
    const noId = await rejection(codec.decode([{ metadata: { encoding: enc(ENCRYPTED_ENCODING) }, data: sealed.data }]));
    expect(noId.message).toMatch(/no encryption-key-id/);
  });

  it('rotates: encrypts with the current key, reads every listed key', async () => {
    const before = new AesGcmPayloadCodec({ keys: { k1 } });
    const after = new AesGcmPayloadCodec({ keys: [{ id: 'k1', key: k1 }, { id: 'k2', key: b64(k2) }], currentKeyId: 'k2' });
    const [old] = await before.encode([json('written with k1')]);
    const [fresh] = await after.encode([json('written with k2')]);
    expect(str(fresh.metadata?.['encryption-key-id'])).toBe('k2');
    expect((await after.decode([old, fresh])).map((p) => str(p.data))).toEqual(['"written with k1"', '"written with k2"']);
    const err = await rejection(before.decode([fresh]));
    expect(err.message).toContain('key id "k2"');
    // The same key id with different key bytes is an authentication failure, not garbage.
    const impostor = new AesGcmPayloadCodec({ keys: { k1: k2 } });
    expect((await rejection(impostor.decode([old]))).message).toMatch(/failed authentication/);
  });

  it('validates keys: 32 bytes, base64, unique well-formed ids, a current key that exists', () => {
    expect(() => new AesGcmPayloadCodec({ keys: { k1: randomBytes(16) } })).toThrow(/key "k1" is 16 bytes; AES-256 needs 32/);
    expect(() => new AesGcmPayloadCodec({ keys: { k1: 'not base64!' } })).toThrow(/key "k1" is not base64/);
    expect(() => new AesGcmPayloadCodec({ keys: [{ id: 'a', key: k1 }, { id: 'a', key: k2 }] })).toThrow(/key id "a" is listed twice/);
    expect(() => new AesGcmPayloadCodec({ keys: { 'a:b': k1 } })).toThrow(/key id "a:b"/);
    expect(() => new AesGcmPayloadCodec({ keys: {} })).toThrow(EncryptionKeyError);
    expect(() => new AesGcmPayloadCodec({ keys: { k1 }, currentKeyId: 'k9' })).toThrow(/current key id "k9" is not among the keys \(k1\)/);
  });

  it('parses keyid:base64key lists, the first current unless named', () => {
    const spec = `k1:${b64(k1)}, k2:${b64(k2)}`;
    expect(parseEncryptionKeys(spec).currentKeyId).toBe('k1');
    expect(parseEncryptionKeys(spec, 'k2').currentKeyId).toBe('k2');
    expect(AesGcmPayloadCodec.fromSpec(spec, 'k2').keyIds).toEqual(['k1', 'k2']);
    expect(() => parseEncryptionKeys(`k1${b64(k1)}`)).toThrow(/entry 1 is not keyid:base64key/);
    expect(() => parseEncryptionKeys(`k1:${b64(k1)},k1:${b64(k2)}`)).toThrow(/listed twice/);
    expect(() => parseEncryptionKeys(' , ')).toThrow(/no keys/);
  });
});

describe('codec server (POST /codec/decode, /codec/encode)', () => {
  const TOKEN = 'test-codec-token-0123456789';
  const codec = new AesGcmPayloadCodec({ keys: { k1 } });
  const UI = 'http://localhost:8233';
  let server: Server;
  let base: string;
  const ingress = { temporalAddress: 'x', taskQueue: 'q' } as unknown as RoomIngress;
  const toJson = (p: Payload) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])), data: b64(p.data ?? new Uint8Array()),
  });
  const post = (path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    server = createServer(createApp(ingress, { webhooks: false, restApi: false, codecServer: { codec, token: TOKEN, corsOrigins: [UI] } }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('decodes what the codec encoded, and encodes what it is given', async () => {
    const sealed = await codec.encode([json({ body: 'hello +15557654321' })]);
    const res = await post('/codec/decode', { payloads: sealed.map(toJson) });
    expect(res.status).toBe(200);
    const body = await res.json() as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
    expect(Buffer.from(body.payloads[0].data, 'base64').toString()).toBe(JSON.stringify({ body: 'hello +15557654321' }));
    expect(Buffer.from(body.payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');

    const encoded = await post('/codec/encode', { payloads: [toJson(json('to seal'))] });
    expect(encoded.status).toBe(200);
    const sealedBack = (await encoded.json() as { payloads: Array<{ metadata: Record<string, string>; data: string }> }).payloads[0];
    expect(Buffer.from(sealedBack.metadata['encryption-key-id'], 'base64').toString()).toBe('k1');
    const [opened] = await codec.decode([{ metadata: { encoding: enc(ENCRYPTED_ENCODING), 'encryption-key-id': enc('k1') }, data: Buffer.from(sealedBack.data, 'base64') }]);
    expect(str(opened.data)).toBe('"to seal"');
  });

  it('answers 401 without the bearer token or with a wrong one', async () => {
    const sealed = (await codec.encode([json('x')])).map(toJson);
    for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: TOKEN }] as Array<Record<string, string>>) {
      const res = await post('/codec/decode', { payloads: sealed }, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.json()).toEqual({ error: 'unauthorized' });
    }
  });

  it('answers 400 with the reason for bad bodies and undecodable payloads, never 5xx', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{"payloads":', /malformed JSON body/],
      [{ payloads: 'x' }, /payloads/],
      [{ payloads: [{ data: 'not base64!' }] }, /payloads\.0\.data: not base64/],
      [{ payloads: [{ metadata: { encoding: 42 } }] }, /payloads\.0\.metadata\.encoding/],
    ];
    for (const [body, reason] of cases) {
      const res = await post('/codec/decode', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json() as { error: string }).error).toMatch(reason);
    }
    // Go's protojson (the CLI) sends zero payloads as `{}`.
    const empty = await post('/codec/decode', {});
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ payloads: [] });
    const [foreign] = await new AesGcmPayloadCodec({ keys: { k9: k2 } }).encode([json('x')]);
    const res = await post('/codec/decode', { payloads: [toJson(foreign)] });
    expect(res.status).toBe(400);
    expect((await res.json() as { error: string }).error).toContain('key id "k9", which is not configured');
  });

  it('answers CORS preflights for the configured Web UI origins only', async () => {
    const preflight = (origin: string) => fetch(`${base}/codec/decode`, {
      method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,x-namespace,content-type' },
    });
    const ok = await preflight(UI);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/authorization.*x-namespace/);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const sealed = (await codec.encode([json('x')])).map(toJson);
    const real = await post('/codec/decode', { payloads: sealed }, { authorization: `Bearer ${TOKEN}`, origin: UI });
    expect(real.headers.get('access-control-allow-origin')).toBe(UI);
  });

  it('is not mounted unless configured', async () => {
    const plain = createServer(createApp(ingress, { webhooks: false, restApi: false }));
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(plain.address() as AddressInfo).port}/codec/decode`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(404);
    } finally {
      await new Promise<void>((r) => plain.close(() => r()));
    }
  });
});
