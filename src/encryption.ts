/**
 * `roomkit-temporal/encryption`: encrypted history (README «Encrypted history»). The codec goes on
 * every kit of a deployment (`new RoomKit({ payloadCodec })`); the codec server lets the Temporal CLI
 * and Web UI read what it sealed (`createApp(kit, { codecServer })` mounts it at `/codec`).
 */
export {
  AesGcmPayloadCodec, ENCRYPTED_ENCODING, ENCRYPTION_KEY_ID_METADATA, EncryptionKeyError, PayloadDecryptionError, parseEncryptionKeys,
} from './temporal/codec.js';
export type { AesGcmPayloadCodecOptions } from './temporal/codec.js';
export { createCodecServer } from './server/codec-server.js';
export type { CodecServerOptions } from './server/codec-server.js';
