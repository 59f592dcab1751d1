/**
 * Encrypted payloads: a `PayloadCodec` that seals every payload (workflow and activity inputs and
 * results, signal and update arguments, markers, failure details) with AES-256-GCM before it reaches
 * the Temporal server, so message bodies and phone numbers never sit in history in clear text.
 *
 * Format (the one Temporal's encryption samples use, so a codec server in another SDK with the same
 * keys can read it): metadata `encoding: binary/encrypted` and `encryption-key-id: <id>`; data =
 * 12-byte random IV ‖ ciphertext ‖ 16-byte tag, the plaintext being the original `Payload` in
 * protobuf wire format (metadata and data).
 *
 * Codecs run outside the workflow sandbox (in the client and in the worker around each activation),
 * so the workflow bundle and golden histories' commands are unaffected.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import protobuf from 'protobufjs';
import { EncryptionKeyError, PayloadDecryptionError } from '../errors.js';

export { EncryptionKeyError, PayloadDecryptionError };

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const ENCRYPTION_KEY_ID_METADATA = 'encryption-key-id';
const ENCODING_METADATA = 'encoding';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `temporal.api.common.v1.Payload` (fields 1 and 2), for the sealed plaintext. */
const PayloadMessage = new protobuf.Type('Payload')
  .add(new protobuf.MapField('metadata', 1, 'string', 'bytes'))
  .add(new protobuf.Field('data', 2, 'bytes'));
new protobuf.Root().define('temporal.api.common.v1').add(PayloadMessage);

export function encodePayloadProto(payload: Payload): Uint8Array {
  return PayloadMessage.encode(PayloadMessage.fromObject({ metadata: payload.metadata ?? {}, data: payload.data ?? new Uint8Array() })).finish();
}

export function decodePayloadProto(bytes: Uint8Array): Payload {
  const m = PayloadMessage.decode(bytes) as unknown as { metadata?: Record<string, Uint8Array>; data?: Uint8Array };
  return {
    metadata: Object.fromEntries(Object.entries(m.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(v)])),
    data: new Uint8Array(m.data ?? []),
  };
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

export interface AesGcmPayloadCodecOptions {
  /** Key id → 32-byte key (bytes, or base64). Old keys stay listed so old histories remain readable. */
  keys: Record<string, Uint8Array | string> | ReadonlyArray<{ id: string; key: Uint8Array | string }>;
  /** The key new payloads are sealed with; default: the first key. */
  currentKeyId?: string;
}

/** A 32-byte key from bytes or base64; `what` names it in the error. */
function keyBytes(value: Uint8Array | string, what: string): Buffer {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (!BASE64.test(trimmed)) throw new EncryptionKeyError(`${what} is not base64`);
    value = Buffer.from(trimmed, 'base64');
  }
  if (value.length !== KEY_BYTES) throw new EncryptionKeyError(`${what} is ${value.length} bytes; AES-256 needs ${KEY_BYTES}`);
  return Buffer.from(value);
}

/**
 * Parse `id1:base64key,id2:base64key` (the first is current unless `currentKeyId` names another).
 * Throws `EncryptionKeyError` naming the offending entry, never quoting a key.
 */
export function parseEncryptionKeys(spec: string, currentKeyId?: string): AesGcmPayloadCodecOptions & { currentKeyId: string } {
  const entries = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (!entries.length) throw new EncryptionKeyError('no keys: expected keyid:base64key[,keyid:base64key…]');
  const keys = entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    if (colon < 0) throw new EncryptionKeyError(`entry ${i + 1} is not keyid:base64key`);
    return { id: entry.slice(0, colon).trim(), key: entry.slice(colon + 1).trim() };
  });
  const parsed = normalizeKeys(keys);
  const current = currentKeyId ?? keys[0].id;
  if (!parsed.has(current)) throw new EncryptionKeyError(`current key id "${current}" is not among the keys (${[...parsed.keys()].join(', ')})`);
  return { keys: Object.fromEntries(parsed), currentKeyId: current };
}

function normalizeKeys(keys: AesGcmPayloadCodecOptions['keys']): Map<string, Buffer> {
  const list = Array.isArray(keys) ? keys : Object.entries(keys).map(([id, key]) => ({ id, key }));
  const out = new Map<string, Buffer>();
  for (const { id, key } of list as ReadonlyArray<{ id: string; key: Uint8Array | string }>) {
    if (!KEY_ID.test(id)) throw new EncryptionKeyError(`key id "${id}" is not 1–64 of A-Z a-z 0-9 . _ -`);
    if (out.has(id)) throw new EncryptionKeyError(`key id "${id}" is listed twice`);
    out.set(id, keyBytes(key, `key "${id}"`));
  }
  if (!out.size) throw new EncryptionKeyError('no keys');
  return out;
}

/**
 * AES-256-GCM for every payload, with key rotation: new payloads use the current key; a payload is
 * opened with whichever listed key its `encryption-key-id` names. Payloads that are not encrypted
 * (written before encryption was turned on) pass through `decode` unchanged.
 *
 * @example
 * const codec = new AesGcmPayloadCodec({ keys: { k2: newKey, k1: oldKey }, currentKeyId: 'k2' });
 * const kit = new RoomKit({ payloadCodec: codec });
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;
  readonly currentKeyId: string;

  constructor(options: AesGcmPayloadCodecOptions) {
    this.keys = normalizeKeys(options.keys);
    this.currentKeyId = options.currentKeyId ?? [...this.keys.keys()][0];
    if (!this.keys.has(this.currentKeyId)) {
      throw new EncryptionKeyError(`current key id "${this.currentKeyId}" is not among the keys (${this.keyIds.join(', ')})`);
    }
  }

  /** `ROOMKIT_ENCRYPTION_KEYS`-style configuration: `id1:base64key,id2:base64key`. */
  static fromSpec(spec: string, currentKeyId?: string): AesGcmPayloadCodec {
    return new AesGcmPayloadCodec(parseEncryptionKeys(spec, currentKeyId));
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.currentKeyId) as Buffer;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      const sealed = Buffer.concat([iv, cipher.update(encodePayloadProto(payload)), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [ENCODING_METADATA]: utf8(ENCRYPTED_ENCODING), [ENCRYPTION_KEY_ID_METADATA]: utf8(this.currentKeyId) },
        data: new Uint8Array(sealed),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[ENCODING_METADATA]) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.[ENCRYPTION_KEY_ID_METADATA]);
      if (!keyId) throw new PayloadDecryptionError(`encrypted payload has no ${ENCRYPTION_KEY_ID_METADATA} metadata`);
      const key = this.keys.get(keyId);
      if (!key) {
        throw new PayloadDecryptionError(
          `payload encrypted with key id "${keyId}", which is not configured (known key ids: ${this.keyIds.join(', ')}); keep retired keys listed to read old histories`,
          keyId,
        );
      }
      const data = payload.data ?? new Uint8Array();
      if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`encrypted payload (key id "${keyId}") is too short`, keyId);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
        decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
        const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
        return decodePayloadProto(plain);
      } catch (err) {
        throw new PayloadDecryptionError(`encrypted payload (key id "${keyId}") failed authentication: altered, or sealed with another key of that id`, keyId, { cause: err });
      }
    });
  }
}
