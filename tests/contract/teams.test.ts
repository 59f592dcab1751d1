/**
 * Teams over Bot Framework REST against loopback fakes of Microsoft's three services: the OpenID
 * metadata + JWKS (inbound JWT keys), Entra ID's token endpoint, and the Bot Connector. Inbound JWTs
 * are signed here with a generated RSA key whose JWK the metadata fake publishes.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderActionError, RoomKitValidationError, WebhookPayloadError, WebhookSignatureError } from '../../src/errors.js';
import { DeliveryStatus, InboundMessage } from '../../src/models/index.js';
import {
  BotFrameworkTeamsProvider, InMemoryConversationReferenceStore, MockTeamsProvider, SigningKeysUnavailableError,
  type TeamsConfigInput,
} from '../../src/providers/teams/index.js';
import type { WebhookRequest } from '../../src/providers/webhook.js';
import { VendorFake } from '../support/vendor-fake.js';
import { textEvent, transportProviderContract } from './transport-provider-contract.js';

const APP_ID = '7ab0c6f2-1d7e-4c55-9a0e-2d1f3c4b5a69';
const ISSUER = 'https://api.botframework.com';
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/teams/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const PERSONAL = fixture('personal-message.json');
const PERSONAL_CONVERSATION = (PERSONAL.conversation as { id: string }).id;

interface SigningKey { kid: string; privateKey: KeyObject; jwk: Record<string, unknown> }

function makeKey(kid: string, endorsements = ['msteams']): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', endorsements } };
}

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function signJwt(claims: Record<string, unknown>, key: SigningKey, header: Record<string, unknown> = {}): string {
  const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: key.kid, x5t: key.kid, ...header })}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function claimsFor(activity: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    serviceUrl: activity.serviceUrl, aud: APP_ID, iss: ISSUER,
    nbf: nowSeconds() - 60, exp: nowSeconds() + 3600, ...overrides,
  };
}

function request(activity: Record<string, unknown>, token?: string): WebhookRequest {
  return {
    method: 'POST',
    url: 'https://bot.example.com/api/messages',
    headers: { 'content-type': 'application/json', ...(token !== undefined && { authorization: `Bearer ${token}` }) },
    rawBody: Buffer.from(JSON.stringify(activity)),
  };
}

/** Microsoft's three endpoints on loopback. */
class MicrosoftFakes {
  keysServed: Record<string, unknown>[] = [];
  tokenCounter = 0;
  private constructor(readonly login: VendorFake, readonly token: VendorFake, readonly connector: VendorFake) {}

  static async start(keys: SigningKey[]): Promise<MicrosoftFakes> {
    let fakes: MicrosoftFakes | undefined;
    const login = await VendorFake.start((req) => {
      if (req.path === '/v1/.well-known/openidconfiguration') {
        return {
          status: 200,
          body: {
            issuer: ISSUER, authorization_endpoint: 'https://invalid.botframework.com',
            jwks_uri: `${fakes!.login.url}/v1/.well-known/keys`,
            id_token_signing_alg_values_supported: ['RS256'], token_endpoint_auth_methods_supported: ['private_key_jwt'],
          },
        };
      }
      if (req.path === '/v1/.well-known/keys') return { status: 200, body: { keys: fakes!.keysServed } };
      return { status: 404, body: 'not found' };
    });
    const token = await VendorFake.start(() => {
      fakes!.tokenCounter += 1;
      return { status: 200, body: { token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: `access-token-${fakes!.tokenCounter}` } };
    });
    const connector = await VendorFake.start((req) => {
      if (req.headers.authorization?.startsWith('Bearer access-token-') !== true) {
        return { status: 401, body: { message: 'Authorization has been denied for this request.' } };
      }
      const type = (req.json as { type?: unknown } | undefined)?.type;
      // A typing activity is accepted without a resource id: nothing is kept in the conversation.
      if (type === 'typing') return { status: 200, body: {} };
      if (type !== 'message') return { status: 400, body: { error: { code: 'BadArgument', message: `Unknown activity type ${String(type)}` } } };
      return { status: 201, body: { id: `1:activity-${fakes!.connector.requests.length}` } };
    });
    fakes = new MicrosoftFakes(login, token, connector);
    fakes.keysServed = keys.map((k) => k.jwk);
    return fakes;
  }

  config(overrides: Partial<TeamsConfigInput> = {}): TeamsConfigInput {
    return {
      appId: APP_ID, appPassword: 'app-secret-value',
      tokenUrl: `${this.token.url}/botframework.com/oauth2/v2.0/token`,
      openIdMetadataUrl: `${this.login.url}/v1/.well-known/openidconfiguration`,
      timeoutMs: 2_000,
      ...overrides,
    };
  }

  get metadataFetches(): number {
    return this.login.requests.filter((r) => r.path.endsWith('openidconfiguration')).length;
  }

  get keyFetches(): number {
    return this.login.requests.filter((r) => r.path.endsWith('/keys')).length;
  }

  async close(): Promise<void> {
    await Promise.all([this.login.close(), this.token.close(), this.connector.close()]);
  }
}

const KEY = makeKey('bf-key-1');

transportProviderContract('teams (Bot Framework REST)', async () => {
  const fakes = await MicrosoftFakes.start([KEY]);
  const provider = new BotFrameworkTeamsProvider(fakes.config());
  return {
    provider,
    sendOptions: { to: PERSONAL_CONVERSATION, serviceUrl: fakes.connector.url },
    requestCount: () => fakes.connector.requests.length,
    failNext(kind) {
      if (kind === 'permanent') {
        fakes.connector.failNext({
          status: 403,
          body: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } },
        });
        return { code: 'BotNotInConversationRoster' };
      }
      if (kind === 'throttled') {
        fakes.connector.failNext({ status: 429, headers: { 'retry-after': '2' } });
        return { code: 'http_429' };
      }
      fakes.connector.failNext({ status: 502, body: { error: { code: 'ServiceError', message: 'Unknown error' } } });
      return { code: 'ServiceError' };
    },
    inbound: {
      handler: provider.webhook,
      signed: () => request(PERSONAL, signJwt(claimsFor(PERSONAL), KEY)),
      unsigned: () => request(PERSONAL),
      expect: {
        senderId: (PERSONAL.from as { id: string }).id,
        text: 'Hello Teams TestBot.Sending bold-italic rich text',
        providerMessageId: '1485983408511',
      },
    },
    close: () => fakes.close(),
  };
}, { inbound: true, bodySigned: false });

describe('teams inbound token verification (Microsoft connector-to-bot checks)', () => {
  let fakes: MicrosoftFakes;
  let provider: BotFrameworkTeamsProvider;
  beforeAll(async () => {
    fakes = await MicrosoftFakes.start([KEY]);
  });
  beforeEach(() => {
    provider = new BotFrameworkTeamsProvider(fakes.config());
  });
  afterAll(async () => {
    await fakes.close();
  });

  async function refusal(req: WebhookRequest): Promise<WebhookSignatureError> {
    const error = await provider.webhook.verify(req).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookSignatureError);
    return error as WebhookSignatureError;
  }

  it('accepts a token signed by a published key for this bot and this serviceUrl', async () => {
    await expect(provider.webhook.verify(request(PERSONAL, signJwt(claimsFor(PERSONAL), KEY)))).resolves.toBeUndefined();
  });

  it.each([
    ['expired beyond the clock tolerance', { exp: nowSeconds() - 301 }, 'expired'],
    ['not valid yet (nbf beyond the tolerance)', { nbf: nowSeconds() + 600 }, 'nbf'],
    ['without exp', { exp: undefined }, 'exp'],
    ['for another bot (wrong audience)', { aud: 'someone-elses-app-id' }, 'audience'],
    ['from another issuer', { iss: 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/' }, 'issuer'],
    ['for another serviceUrl', { serviceUrl: 'https://attacker.example.com/' }, 'serviceUrl'],
    ['without a serviceUrl claim', { serviceUrl: undefined }, 'serviceUrl'],
  ])('refuses a token %s with 403', async (_what, overrides, reason) => {
    const error = await refusal(request(PERSONAL, signJwt(claimsFor(PERSONAL, overrides), KEY)));
    expect(error.status).toBe(403);
    expect(error.message).toContain(reason);
  });

  it('accepts a token that expired within the 5-minute clock tolerance', async () => {
    const token = signJwt(claimsFor(PERSONAL, { exp: nowSeconds() - 120 }), KEY);
    await expect(provider.webhook.verify(request(PERSONAL, token))).resolves.toBeUndefined();
  });

  it('refuses a token whose kid is not published with 403', async () => {
    const stranger = makeKey('unknown-kid');
    const error = await refusal(request(PERSONAL, signJwt(claimsFor(PERSONAL), stranger)));
    expect(error.status).toBe(403);
    expect(error.message).toContain('unknown-kid');
  });

  it('refuses a token signed by another key that claims a published kid with 403', async () => {
    const forger = makeKey(KEY.kid);
    const error = await refusal(request(PERSONAL, signJwt(claimsFor(PERSONAL), forger)));
    expect(error.status).toBe(403);
    expect(error.message).toContain('signature');
  });

  it('refuses a token whose body was re-signed after tampering with the claims', async () => {
    const [header, , signature] = signJwt(claimsFor(PERSONAL), KEY).split('.');
    const forged = `${header}.${b64(claimsFor(PERSONAL, { aud: APP_ID, exp: nowSeconds() + 99_999 }))}.${signature}`;
    expect((await refusal(request(PERSONAL, forged))).status).toBe(403);
  });

  it.each([
    ['none', { alg: 'none' }],
    ['HS256 (public key used as an HMAC secret)', { alg: 'HS256' }],
  ])('refuses alg %s with 403', async (_what, header) => {
    const error = await refusal(request(PERSONAL, signJwt(claimsFor(PERSONAL), KEY, header)));
    expect(error.status).toBe(403);
    expect(error.message).toContain('algorithm');
  });

  it('refuses an activity from a channel the signing key is not endorsed for', async () => {
    const fromSkype = { ...PERSONAL, channelId: 'skype' };
    const error = await refusal(request(fromSkype, signJwt(claimsFor(fromSkype), KEY)));
    expect(error.status).toBe(403);
    expect(error.message).toContain('endorsed');
  });

  it.each([
    ['no Authorization header', undefined],
    ['a Basic Authorization header', 'Basic dXNlcjpwYXNz'],
  ])('answers %s with 401', async (_what, header) => {
    const req = request(PERSONAL);
    if (header) req.headers.authorization = header;
    expect((await refusal(req)).status).toBe(401);
  });

  it('refuses a malformed bearer token with 403', async () => {
    expect((await refusal(request(PERSONAL, 'not-a-jwt'))).status).toBe(403);
  });
});

describe('teams signing keys', () => {
  let fakes: MicrosoftFakes;
  afterEach(async () => {
    await fakes.close();
  });

  it('fetches the OpenID metadata and keys once, then serves verifications from the cache', async () => {
    fakes = await MicrosoftFakes.start([KEY]);
    const provider = new BotFrameworkTeamsProvider(fakes.config());
    const token = signJwt(claimsFor(PERSONAL), KEY);
    await Promise.all([1, 2, 3].map(() => provider.webhook.verify(request(PERSONAL, token))));
    await provider.webhook.verify(request(PERSONAL, token));
    expect([fakes.metadataFetches, fakes.keyFetches]).toEqual([1, 1]);
  });

  it('refetches after the TTL and picks up a rotated key', async () => {
    fakes = await MicrosoftFakes.start([KEY]);
    let now = Date.now();
    const provider = new BotFrameworkTeamsProvider(fakes.config({ jwksTtlMs: 60 * 60_000 }), { now: () => now });
    await provider.webhook.verify(request(PERSONAL, signJwt(claimsFor(PERSONAL), KEY)));
    const rotated = makeKey('bf-key-2');
    fakes.keysServed = [rotated.jwk];
    now += 61 * 60_000;
    // The JWT's own lifetime is checked against the same clock.
    const token = signJwt(claimsFor(PERSONAL, { nbf: Math.floor(now / 1000) - 60, exp: Math.floor(now / 1000) + 600 }), rotated);
    await provider.webhook.verify(request(PERSONAL, token));
    expect(fakes.keyFetches).toBe(2);
  });

  it('refetches once for an unknown kid, but not more than once a minute', async () => {
    fakes = await MicrosoftFakes.start([KEY]);
    let now = Date.now();
    const provider = new BotFrameworkTeamsProvider(fakes.config(), { now: () => now });
    await provider.webhook.verify(request(PERSONAL, signJwt(claimsFor(PERSONAL), KEY)));
    const stranger = makeKey('forged-kid');
    for (let i = 0; i < 5; i++) {
      await expect(provider.webhook.verify(request(PERSONAL, signJwt(claimsFor(PERSONAL), stranger)))).rejects.toThrow(WebhookSignatureError);
    }
    expect(fakes.keyFetches).toBe(1);
    now += 61_000;
    await expect(provider.webhook.verify(request(PERSONAL, signJwt(claimsFor(PERSONAL), stranger)))).rejects.toThrow(WebhookSignatureError);
    expect(fakes.keyFetches).toBe(2);
  });

  it('uses keys given in config without fetching anything', async () => {
    fakes = await MicrosoftFakes.start([]);
    const provider = new BotFrameworkTeamsProvider(fakes.config({ jwks: [KEY.jwk as never] }));
    await provider.webhook.verify(request(PERSONAL, signJwt(claimsFor(PERSONAL), KEY)));
    expect(fakes.login.requests).toHaveLength(0);
  });

  it('reports unreachable signing keys as its own outage, not as a bad signature', async () => {
    fakes = await MicrosoftFakes.start([KEY]);
    const provider = new BotFrameworkTeamsProvider(fakes.config({ openIdMetadataUrl: `${fakes.login.url}/missing` }));
    await expect(provider.webhook.verify(request(PERSONAL, signJwt(claimsFor(PERSONAL), KEY))))
      .rejects.toBeInstanceOf(SigningKeysUnavailableError);
  });
});

describe('teams activity parsing (RoomKit parse_teams_webhook)', () => {
  const provider = new BotFrameworkTeamsProvider({ appId: APP_ID, appPassword: 'x', jwks: [KEY.jwk as never] });
  const parse = (activity: Record<string, unknown>) => provider.webhook.parse(request(activity), 'teams-main');

  it('turns a personal message into an inbound message with Teams metadata', async () => {
    const outcome = await parse(PERSONAL);
    expect(outcome.kind).toBe('messages');
    if (outcome.kind !== 'messages') return;
    const message = InboundMessage.parse(outcome.messages[0]);
    expect(message).toMatchObject({
      channelId: 'teams-main',
      senderId: '29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85gQtHieVkKilBZ9XHoq9j7Zaqt7CZ-NJWi7me2kHTL3Bw',
      content: { type: 'text', body: 'Hello Teams TestBot.Sending bold-italic rich text' },
      externalId: '1485983408511', providerMessageId: '1485983408511', idempotencyKey: '1485983408511',
      rawPayload: PERSONAL,
      metadata: {
        senderName: 'Megan Bowen', aadObjectId: '7faf8ab2-3d56-4244-b585-20c8a42ed2b8',
        conversationId: PERSONAL_CONVERSATION, conversationType: 'personal', isGroup: false,
        botMentioned: true, serviceUrl: 'https://smba.trafficmanager.net/amer/',
        tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      },
    });
    expect(message.threadId).toBeUndefined();
  });

  it('strips <at> mentions in a channel, keeps the reply thread, and sees the bot was not mentioned', async () => {
    const outcome = await parse(fixture('channel-user-mention.json'));
    if (outcome.kind !== 'messages') throw new Error(outcome.kind);
    expect(outcome.messages[0]).toMatchObject({
      content: { type: 'text', body: 'Hey check out this message' },
      threadId: '3UP4UTkzUk1zzeyW',
      metadata: { conversationType: 'channel', isGroup: true, botMentioned: false, senderName: 'Jane Smith' },
    });
  });

  it('sees the bot mentioned when a mention entity names the recipient', async () => {
    const outcome = await parse(fixture('channel-bot-mention.json'));
    if (outcome.kind !== 'messages') throw new Error(outcome.kind);
    expect(outcome.messages[0]).toMatchObject({
      content: { type: 'text', body: 'what is the status of order 42?' },
      metadata: { botMentioned: true, isGroup: true, tenantId: 'b28fdbfd-2b78-4f93-b0f8-8881793f0f8f' },
    });
  });

  it('does not strip <at> in a personal chat', async () => {
    const outcome = await parse({ ...PERSONAL, text: '<at>Teams TestBot</at> hi' });
    if (outcome.kind !== 'messages') throw new Error(outcome.kind);
    expect(outcome.messages[0].content).toEqual({ type: 'text', body: '<at>Teams TestBot</at> hi' });
  });

  it.each([
    ['a conversationUpdate', fixture('conversation-update-bot-added.json')],
    ['a message without text', { ...PERSONAL, text: '   ' }],
    ['a channel message that is only a mention', { ...fixture('channel-bot-mention.json'), text: '<at>Teams TestBot</at> ' }],
    ['a typing activity', { ...PERSONAL, type: 'typing', text: undefined }],
  ])('ignores %s', async (_what, activity) => {
    expect((await parse(activity)).kind).toBe('ignored');
  });

  it('remembers the serviceUrl of every verified activity, including conversationUpdate', async () => {
    const conversations = new InMemoryConversationReferenceStore();
    const withStore = new BotFrameworkTeamsProvider({ appId: APP_ID, appPassword: 'x', jwks: [KEY.jwk as never] }, { conversations });
    await withStore.webhook.parse(request(fixture('conversation-update-bot-added.json')), 'teams-main');
    expect(await conversations.get('19:0b7f32667e064dd9b25d7969801541f4@thread.tacv2')).toMatchObject({
      serviceUrl: 'https://smba.trafficmanager.net/amer/', conversationType: 'channel',
      tenantId: 'b28fdbfd-2b78-4f93-b0f8-8881793f0f8f', botId: '28:608cacfd-1cea-40c9-b678-4b93e69bb72b',
    });
  });

  it('turns a read receipt event into a read status for lastReadMessageId, routed by the user', async () => {
    const receipt = fixture('read-receipt.json');
    const outcome = await parse(receipt);
    if (outcome.kind !== 'statuses') throw new Error(outcome.kind);
    expect(outcome.statuses.map((s) => DeliveryStatus.parse(s))).toEqual([{
      channelId: 'teams-main', provider: 'teams', messageId: '1692206589131', status: 'read',
      recipient: (PERSONAL.from as { id: string }).id, sender: '28:c9e8c047-2a74-40a2-b28a-b162d5f5327c',
      timestamp: '2023-08-16T17:23:11.136Z', raw: receipt,
    }]);
  });

  it.each([
    ['value', { value: undefined }],
    ['value.lastReadMessageId', { value: { lastReadMessageId: 1692206589131 } }],
    ['from', { from: undefined }],
  ])('refuses a read receipt without %s, naming the field', async (field, patch) => {
    const error = await Promise.resolve(parse({ ...fixture('read-receipt.json'), ...patch })).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect((error as WebhookPayloadError).field).toBe(field);
  });

  it.each([
    ['from', { ...PERSONAL, from: undefined }],
    ['id', { ...PERSONAL, id: undefined }],
    ['conversation.id', { ...PERSONAL, conversation: { conversationType: 'personal' } }],
  ])('names the missing field %s of a message activity', async (field, activity) => {
    const error = await Promise.resolve(parse(activity)).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect((error as WebhookPayloadError).field).toBe(field);
  });

  it('refuses a body that is not JSON', async () => {
    const req = { ...request(PERSONAL), rawBody: Buffer.from('<xml/>') };
    await expect(provider.webhook.parse(req, 'teams-main')).rejects.toBeInstanceOf(WebhookPayloadError);
  });
});

describe('teams outbound (Bot Connector REST)', () => {
  let fakes: MicrosoftFakes;
  beforeEach(async () => {
    fakes = await MicrosoftFakes.start([KEY]);
  });
  afterEach(async () => {
    await fakes.close();
  });

  it('gets a client-credentials token and posts the activity as Microsoft documents it', async () => {
    const provider = new BotFrameworkTeamsProvider(fakes.config());
    const result = await provider.send(textEvent('Hello Megan'), { to: PERSONAL_CONVERSATION, serviceUrl: `${fakes.connector.url}/amer/` });

    expect(result).toEqual({ success: true, providerMessageId: expect.stringMatching(/activity-1$/), metadata: { serviceUrl: `${fakes.connector.url}/amer/` } });
    const tokenRequest = fakes.token.last!;
    expect(tokenRequest.method).toBe('POST');
    expect(tokenRequest.path).toBe('/botframework.com/oauth2/v2.0/token');
    expect(Object.fromEntries(tokenRequest.form!)).toEqual({
      grant_type: 'client_credentials', client_id: APP_ID, client_secret: 'app-secret-value',
      scope: 'https://api.botframework.com/.default',
    });
    const send = fakes.connector.last!;
    expect(send.method).toBe('POST');
    expect(send.path).toBe(`/amer/v3/conversations/${encodeURIComponent(PERSONAL_CONVERSATION)}/activities`);
    expect(send.headers.authorization).toBe('Bearer access-token-1');
    expect(send.json).toEqual({ type: 'message', text: 'Hello Megan', textFormat: 'plain' });
  });

  it('fetches the token once and reuses it across sends, concurrent ones included', async () => {
    const provider = new BotFrameworkTeamsProvider(fakes.config());
    const options = { to: PERSONAL_CONVERSATION, serviceUrl: fakes.connector.url };
    await Promise.all([1, 2, 3].map((i) => provider.send(textEvent(`burst ${i}`), options)));
    await provider.send(textEvent('later'), options);
    expect(fakes.token.requests).toHaveLength(1);
    expect(fakes.connector.requests.map((r) => r.headers.authorization)).toEqual(new Array(4).fill('Bearer access-token-1'));
  });

  it('refreshes the token five minutes before it expires', async () => {
    let now = Date.now();
    const provider = new BotFrameworkTeamsProvider(fakes.config(), { now: () => now });
    const options = { to: PERSONAL_CONVERSATION, serviceUrl: fakes.connector.url };
    await provider.send(textEvent('one'), options);
    now += 54 * 60_000;
    await provider.send(textEvent('two'), options);
    now += 2 * 60_000;
    await provider.send(textEvent('three'), options);
    expect(fakes.connector.requests.map((r) => r.headers.authorization))
      .toEqual(['Bearer access-token-1', 'Bearer access-token-1', 'Bearer access-token-2']);
  });

  it('sends rich markdown with textFormat markdown', async () => {
    const provider = new BotFrameworkTeamsProvider(fakes.config());
    await provider.send(textEvent('', { content: { type: 'rich', body: '**Order 42** shipped', format: 'markdown' } }),
      { to: PERSONAL_CONVERSATION, serviceUrl: fakes.connector.url });
    expect(fakes.connector.last!.json).toEqual({ type: 'message', text: '**Order 42** shipped', textFormat: 'markdown' });
  });

  it('sends proactively to the serviceUrl the webhook stored for the conversation', async () => {
    const provider = new BotFrameworkTeamsProvider(fakes.config());
    const activity = { ...PERSONAL, serviceUrl: `${fakes.connector.url}/emea/` };
    const inbound = request(activity, signJwt(claimsFor(activity), KEY));
    await provider.webhook.verify(inbound);
    await provider.webhook.parse(inbound, 'teams-main');

    const result = await provider.send(textEvent('Your order shipped'), { to: PERSONAL_CONVERSATION });
    expect(result.success).toBe(true);
    expect(fakes.connector.last!.path).toBe(`/emea/v3/conversations/${encodeURIComponent(PERSONAL_CONVERSATION)}/activities`);
  });

  it('falls back to defaultServiceUrl, and refuses without any serviceUrl before calling anyone', async () => {
    const withDefault = new BotFrameworkTeamsProvider(fakes.config({ defaultServiceUrl: `${fakes.connector.url}/teams/` }));
    expect((await withDefault.send(textEvent('hi'), { to: 'a:unknown' })).success).toBe(true);
    expect(fakes.connector.last!.path).toBe('/teams/v3/conversations/a%3Aunknown/activities');

    const without = new BotFrameworkTeamsProvider(fakes.config());
    const before = fakes.token.requests.length + fakes.connector.requests.length;
    const result = await without.send(textEvent('hi'), { to: 'a:unknown' });
    expect(result).toMatchObject({ success: false, metadata: { code: 'missing_service_url', retryable: false } });
    expect(fakes.token.requests.length + fakes.connector.requests.length).toBe(before);
  });

  it('reports a refused token request with Entra ID\'s error code and sends nothing', async () => {
    fakes.token.failNext({
      status: 401,
      body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] },
    });
    const provider = new BotFrameworkTeamsProvider(fakes.config());
    const result = await provider.send(textEvent('hi'), { to: PERSONAL_CONVERSATION, serviceUrl: fakes.connector.url });
    expect(result).toMatchObject({ success: false, metadata: { code: 'invalid_client', retryable: false, httpStatus: 401 } });
    expect(result.error).toContain('AADSTS7000215');
    expect(fakes.connector.requests).toHaveLength(0);
  });

  it('drops its token when the connector answers 401 and fetches a fresh one on the retry', async () => {
    const provider = new BotFrameworkTeamsProvider(fakes.config());
    const options = { to: PERSONAL_CONVERSATION, serviceUrl: fakes.connector.url };
    fakes.connector.failNext({ status: 401, body: { message: 'Authorization has been denied for this request.' } });
    const first = await provider.send(textEvent('one'), options);
    expect(first).toMatchObject({ success: false, metadata: { code: 'http_401', retryable: true } });
    await provider.send(textEvent('retry'), options);
    expect(fakes.token.requests).toHaveLength(2);
    expect(fakes.connector.last!.headers.authorization).toBe('Bearer access-token-2');
  });

  it('passes the connector\'s Retry-After on through the result', async () => {
    const provider = new BotFrameworkTeamsProvider(fakes.config());
    fakes.connector.failNext({ status: 429, headers: { 'retry-after': '3' } });
    const result = await provider.send(textEvent('hi'), { to: PERSONAL_CONVERSATION, serviceUrl: fakes.connector.url });
    expect(result.metadata).toMatchObject({ code: 'http_429', retryable: true, retryAfterMs: 3000 });
  });

  it('reports an unreachable connector as a retryable network error', async () => {
    const provider = new BotFrameworkTeamsProvider(fakes.config());
    const result = await provider.send(textEvent('hi'), { to: PERSONAL_CONVERSATION, serviceUrl: 'http://127.0.0.1:9/' });
    expect(result).toMatchObject({ success: false, metadata: { code: 'network_error', retryable: true } });
  });
});

describe('teams typing indicator (Bot Connector REST)', () => {
  let fakes: MicrosoftFakes;
  beforeEach(async () => {
    fakes = await MicrosoftFakes.start([KEY]);
  });
  afterEach(async () => {
    await fakes.close();
  });

  it('posts a typing activity to the conversation with the same token and path as messages', async () => {
    const provider = new BotFrameworkTeamsProvider(fakes.config());
    await expect(provider.sendTyping(PERSONAL_CONVERSATION, { on: true, serviceUrl: `${fakes.connector.url}/amer/` })).resolves.toBeUndefined();
    const typing = fakes.connector.last!;
    expect(typing.method).toBe('POST');
    expect(typing.path).toBe(`/amer/v3/conversations/${encodeURIComponent(PERSONAL_CONVERSATION)}/activities`);
    expect(typing.headers.authorization).toBe('Bearer access-token-1');
    expect(typing.headers['content-type']).toBe('application/json');
    expect(typing.json).toEqual({ type: 'typing' });
    await provider.send(textEvent('Here it is'), { to: PERSONAL_CONVERSATION, serviceUrl: `${fakes.connector.url}/amer/` });
    expect(fakes.token.requests).toHaveLength(1);
  });

  it('finds the serviceUrl the webhook stored for the conversation', async () => {
    const provider = new BotFrameworkTeamsProvider(fakes.config());
    const activity = { ...PERSONAL, serviceUrl: `${fakes.connector.url}/emea/` };
    const inbound = request(activity, signJwt(claimsFor(activity), KEY));
    await provider.webhook.verify(inbound);
    await provider.webhook.parse(inbound, 'teams-main');
    await provider.sendTyping(PERSONAL_CONVERSATION, { on: true });
    expect(fakes.connector.last!.path).toBe(`/emea/v3/conversations/${encodeURIComponent(PERSONAL_CONVERSATION)}/activities`);
  });

  it('sends nothing for typing off (Teams clears it after about three seconds or on our message)', async () => {
    const provider = new BotFrameworkTeamsProvider(fakes.config());
    await provider.sendTyping(PERSONAL_CONVERSATION, { on: false, serviceUrl: fakes.connector.url });
    expect(fakes.token.requests.length + fakes.connector.requests.length).toBe(0);
  });

  it('throws Bot Framework refusals as ProviderActionError with the connector code and retryability', async () => {
    const provider = new BotFrameworkTeamsProvider(fakes.config());
    const options = { on: true, serviceUrl: fakes.connector.url };
    fakes.connector.failNext({ status: 403, body: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } } });
    const error = await provider.sendTyping(PERSONAL_CONVERSATION, options).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderActionError);
    expect(error).toMatchObject({ provider: 'teams', action: 'typing', code: 'BotNotInConversationRoster', retryable: false });
    expect((error as Error).message).toContain('not part of the conversation roster');

    fakes.connector.failNext({ status: 429, headers: { 'retry-after': '2' } });
    await expect(provider.sendTyping(PERSONAL_CONVERSATION, options)).rejects.toMatchObject({ code: 'http_429', retryable: true, retryAfterMs: 2000 });
  });

  it('refuses without any serviceUrl, and reports a refused token, before posting anything', async () => {
    const provider = new BotFrameworkTeamsProvider(fakes.config());
    await expect(provider.sendTyping('a:unknown', { on: true })).rejects.toMatchObject({ code: 'missing_service_url', retryable: false });
    fakes.token.failNext({ status: 401, body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' } });
    await expect(provider.sendTyping(PERSONAL_CONVERSATION, { on: true, serviceUrl: fakes.connector.url }))
      .rejects.toMatchObject({ name: 'ProviderActionError', code: 'invalid_client', retryable: false });
    expect(fakes.connector.requests).toHaveLength(0);
  });

  it('has no markRead (Bot Framework has no read receipt for bots) and refuses bad arguments', async () => {
    const provider = new BotFrameworkTeamsProvider(fakes.config());
    expect('markRead' in provider).toBe(false);
    await expect(provider.sendTyping('', { on: true, serviceUrl: fakes.connector.url })).rejects.toBeInstanceOf(RoomKitValidationError);
    expect(fakes.connector.requests).toHaveLength(0);
  });

  it('the mock records typing and refuses like Bot Framework', async () => {
    const mock = new MockTeamsProvider({ knownConversations: [PERSONAL_CONVERSATION] });
    await mock.sendTyping(PERSONAL_CONVERSATION, { on: true, serviceUrl: 'https://smba.trafficmanager.net/amer/' });
    await mock.sendTyping(PERSONAL_CONVERSATION, { on: false });
    expect(mock.typing).toEqual([{ to: PERSONAL_CONVERSATION, serviceUrl: 'https://smba.trafficmanager.net/amer/' }]);
    await expect(mock.sendTyping('a:stranger', { on: true })).rejects.toMatchObject({ code: 'ConversationNotFound', retryable: false });
    expect('markRead' in mock).toBe(false);
  });
});
