/** The service's encryption settings (workers/config.ts): off by default, validated once, errors naming the variable. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { payloadCodecOf, ServiceConfig } from '../../../workers/config.js';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

describe('encryption settings (workers/config.ts)', () => {
  const issues = (env: Record<string, string>) => {
    const parsed = ServiceConfig.safeParse(env);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  const keys = `k1:${b64(k1)},k2:${b64(k2)}`;

  it('is off by default', () => {
    expect(payloadCodecOf(ServiceConfig.parse({}))).toBeUndefined();
  });

  it('builds the codec from ROOMKIT_ENCRYPTION_KEYS, current key from ROOMKIT_ENCRYPTION_KEY_ID or the first', () => {
    expect(payloadCodecOf(ServiceConfig.parse({ ROOMKIT_ENCRYPTION_KEYS: keys }))?.currentKeyId).toBe('k1');
    expect(payloadCodecOf(ServiceConfig.parse({ ROOMKIT_ENCRYPTION_KEYS: keys, ROOMKIT_ENCRYPTION_KEY_ID: 'k2' }))?.currentKeyId).toBe('k2');
  });

  it('names the variable of a malformed setting, never the key', () => {
    const short = b64(randomBytes(16));
    const problems = issues({ ROOMKIT_ENCRYPTION_KEYS: `k1:${short}` });
    expect(problems).toEqual(['ROOMKIT_ENCRYPTION_KEYS: key "k1" is 16 bytes; AES-256 needs 32']);
    expect(problems.join()).not.toContain(short);
    expect(issues({ ROOMKIT_ENCRYPTION_KEYS: `k1:${b64(k1)},k1:${b64(k2)}` })).toEqual(['ROOMKIT_ENCRYPTION_KEYS: key id "k1" is listed twice']);
    expect(issues({ ROOMKIT_ENCRYPTION_KEYS: keys, ROOMKIT_ENCRYPTION_KEY_ID: 'k3' }))
      .toEqual(['ROOMKIT_ENCRYPTION_KEY_ID: "k3" is not a key id of ROOMKIT_ENCRYPTION_KEYS (k1, k2)']);
    expect(issues({ ROOMKIT_ENCRYPTION_KEY_ID: 'k1' })).toEqual(['ROOMKIT_ENCRYPTION_KEY_ID: set ROOMKIT_ENCRYPTION_KEYS too']);
    expect(issues({ ROOMKIT_CODEC_TOKEN: 'a-long-enough-token' })).toEqual([
      'ROOMKIT_CODEC_TOKEN: the codec server needs ROOMKIT_ENCRYPTION_KEYS (nothing is encrypted without them)',
    ]);
    expect(issues({ ROOMKIT_ENCRYPTION_KEYS: keys, ROOMKIT_CODEC_TOKEN: 'short' })).toEqual(['ROOMKIT_CODEC_TOKEN: must be at least 16 characters']);
    expect(issues({ ROOMKIT_ENCRYPTION_KEYS: keys, ROOMKIT_CODEC_TOKEN: 'a-long-enough-token', ROOMKIT_CODEC_CORS_ORIGINS: 'http://localhost:8233/ui' }))
      .toEqual(['ROOMKIT_CODEC_CORS_ORIGINS: "http://localhost:8233/ui" is not an origin like http://localhost:8233 (scheme, host, port; no path)']);
    expect(issues({ ROOMKIT_ENCRYPTION_KEYS: keys, ROOMKIT_CODEC_TOKEN: 'a-long-enough-token', ROOMKIT_CODEC_CORS_ORIGINS: 'http://localhost:8233, https://ui.example.com' })).toEqual([]);
  });
});

