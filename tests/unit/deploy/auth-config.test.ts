/** The service's authentication settings (workers/config.ts, workers/demo-kit.ts): off by default, errors naming the variable, a page token the service accepts. */
import { describe, expect, it } from 'vitest';
import { ServiceConfig } from '../../../workers/config.js';
import { authOf } from '../../../workers/demo-kit.js';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';

describe('authentication settings (workers/config.ts)', () => {
  it('configuration errors name the variable', () => {
    const issues = (env: Record<string, string>) => {
      const parsed = ServiceConfig.safeParse(env);
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ ROOMKIT_API_KEYS: 'short:read' })).toEqual(['ROOMKIT_API_KEYS: entry 1 key: an API key must be at least 16 characters']);
    expect(issues({ ROOMKIT_JWT_SECRET: 'too-short' })).toEqual(['ROOMKIT_JWT_SECRET: must be at least 32 characters (HS256)']);
    expect(issues({ ROOMKIT_WEBHOOK_RATE: 'lots' })[0]).toMatch(/^ROOMKIT_WEBHOOK_RATE: /);
    expect(issues({ ROOMKIT_WEBHOOK_RATE: '0' })).toEqual(['ROOMKIT_WEBHOOK_RATE: must be > 0']);
    expect(issues({ ROOMKIT_JWT_ISSUER: 'https://id.test' })).toEqual(['ROOMKIT_JWT_ISSUER: set ROOMKIT_JWT_SECRET or ROOMKIT_JWT_JWKS_URL too (no JWT is accepted without them)']);
    const ok = ServiceConfig.parse({ ROOMKIT_API_KEYS: 'reader-key-0123456789:read', ROOMKIT_WEBHOOK_RATE: '30', ROOMKIT_JWT_SECRET: SECRET });
    expect(ok.ROOMKIT_API_KEYS).toEqual([{ key: 'reader-key-0123456789', name: 'api-key-1', scopes: ['rooms:read'] }]);
    expect(ok.ROOMKIT_WEBHOOK_RATE).toBe(30);
  });

  it('is off unless configured; the chat page token is accepted by the service (with or without a JWT secret)', async () => {
    expect(authOf(ServiceConfig.parse({}))).toEqual({});
    for (const env of [{ ROOMKIT_API_KEYS: 'reader-key-0123456789:read' }, { ROOMKIT_JWT_SECRET: SECRET, ROOMKIT_JWT_ISSUER: 'https://id.test', ROOMKIT_JWT_AUDIENCE: 'roomkit' }]) {
      const { auth, pageToken } = authOf(ServiceConfig.parse(env));
      const principal = await auth!.authenticate(await pageToken!());
      expect(principal).toMatchObject({ subject: 'chat-page', via: 'jwt', rooms: ['*'] });
      expect([...principal.scopes]).toEqual(['rooms:read', 'rooms:write']);
    }
    const { auth } = authOf(ServiceConfig.parse({ ROOMKIT_API_KEYS: 'reader-key-0123456789:read' }));
    expect(await auth!.authenticate('reader-key-0123456789')).toMatchObject({ subject: 'api-key-1', via: 'api-key' });
  });
});
