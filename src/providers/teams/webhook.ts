/**
 * Inbound Bot Framework requests. `verify` runs Microsoft's connector-to-bot checks on the
 * `Authorization: Bearer <JWT>` header: RSA signature by a published key (endorsed for the
 * activity's channel), issuer, audience = our app id, lifetime with clock tolerance, and the
 * `serviceUrl` claim equal to the activity's `serviceUrl`. The JWT does not cover the body; binding
 * it to the activity's serviceUrl is what stops a captured token from steering our replies elsewhere.
 */
import { WebhookSignatureError } from '../../errors.js';
import type { WebhookHandler, WebhookOutcome, WebhookReply, WebhookRequest } from '../webhook.js';
import { parseActivity, conversationReferenceOf, readActivity } from './activity.js';
import type { Jwk, TeamsConfig } from './config.js';
import type { ConversationReferenceStore } from './conversation-store.js';
import { checkClaims, decodeJwt, JwtError, verifyJwtSignature, type DecodedJwt } from './jwt.js';
import type { SigningKeySource } from './signing-keys.js';

export interface TeamsWebhookOptions {
  config: Pick<TeamsConfig, 'appId' | 'issuer' | 'clockToleranceSeconds'>;
  keys: SigningKeySource;
  /** Filled from every verified activity so proactive sends know the conversation's serviceUrl. */
  conversations: ConversationReferenceStore;
  now?: () => number;
}

/** What `verifyTeamsWebhook` checks the token against; fetching the key stays with the caller. */
export interface TeamsVerifyOptions {
  config: Pick<TeamsConfig, 'appId' | 'issuer' | 'clockToleranceSeconds'>;
  /** The published key named by the token's `kid` (`SigningKeySource.find`), undefined when none was found. */
  signingKey: { key: Jwk; algorithms: readonly string[] } | undefined;
  /** Milliseconds since the epoch; tests pin it. */
  now?: () => number;
}

/**
 * The `Authorization: Bearer` token, decoded but not trusted: its `kid` says which signing key to
 * fetch. Throws `WebhookSignatureError`: 401 without a bearer token, 403 when it is not a JWT.
 */
export function readTeamsToken(request: WebhookRequest): DecodedJwt {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match) throw new WebhookSignatureError('teams', 'missing Authorization: Bearer token', 401);
  return asSignatureError(() => decodeJwt(match[1]));
}

/**
 * Microsoft's connector-to-bot checks, given the signing key: RSA signature, issuer, audience,
 * lifetime, the `serviceUrl` claim equal to the activity's, and the key's channel endorsements.
 * Throws `WebhookSignatureError` (401 no token, 403 any failed check).
 *
 * @example
 * const found = await keys.find(readTeamsToken(request).header.kid);
 * verifyTeamsWebhook(request, { config, signingKey: found });
 */
export function verifyTeamsWebhook(request: WebhookRequest, options: TeamsVerifyOptions): void {
  const jwt = readTeamsToken(request);
  asSignatureError(() => {
    const found = options.signingKey;
    if (!found) throw new JwtError(`no published signing key with kid ${jwt.header.kid ?? '(none)'}`);
    verifyJwtSignature(jwt, found.key, found.algorithms);
    checkClaims(jwt.claims, {
      issuer: options.config.issuer,
      audience: options.config.appId,
      nowSeconds: Math.floor((options.now ?? Date.now)() / 1000),
      clockToleranceSeconds: options.config.clockToleranceSeconds,
    });
    const { serviceUrl, channelId } = activityRouting(request.rawBody);
    if (typeof jwt.claims.serviceUrl !== 'string' || jwt.claims.serviceUrl !== serviceUrl) {
      throw new JwtError('serviceUrl claim does not match the activity');
    }
    // Microsoft: a key's endorsements list the channels it may sign for.
    const endorsements = found.key.endorsements;
    if (endorsements && channelId && !endorsements.includes(channelId)) {
      throw new JwtError(`signing key is not endorsed for channel ${channelId}`);
    }
  });
}

/**
 * A verified activity as data: a message with text ⇒ `messages`, anything else ⇒ `ignored`.
 * Throws `WebhookPayloadError`.
 *
 * @example
 * const outcome = parseTeamsWebhook(request, 'teams-main');
 */
export function parseTeamsWebhook(request: WebhookRequest, channelId: string): WebhookOutcome {
  const { activity, raw } = readActivity(request.rawBody);
  return parseActivity(activity, raw, channelId);
}

/**
 * @example
 * const handler = new TeamsWebhookHandler({ config, keys, conversations });
 * await handler.verify(request); // throws WebhookSignatureError (401/403)
 * const outcome = await handler.parse(request, 'teams-main');
 */
export class TeamsWebhookHandler implements WebhookHandler {
  readonly provider = 'teams';
  /** Bot Framework only needs a 2xx; an empty 200 is what the SDK answers. */
  readonly ack: WebhookReply = { status: 200 };

  constructor(private readonly options: TeamsWebhookOptions) {}

  async verify(request: WebhookRequest): Promise<void> {
    const signingKey = await this.options.keys.find(readTeamsToken(request).header.kid);
    verifyTeamsWebhook(request, { config: this.options.config, signingKey, now: this.options.now });
  }

  async parse(request: WebhookRequest, channelId: string): Promise<WebhookOutcome> {
    // The store write is this handler's side effect; the outcome comes from the pure parse.
    const reference = conversationReferenceOf(readActivity(request.rawBody).activity);
    if (reference) await this.options.conversations.set(reference);
    return parseTeamsWebhook(request, channelId);
  }
}

/** Runs `check`, turning a `JwtError` into a 403. */
function asSignatureError<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof JwtError) throw new WebhookSignatureError('teams', err.message, 403);
    throw err;
  }
}

/** What `verify` compares the token with; an unreadable body cannot match the serviceUrl claim. */
function activityRouting(rawBody: Buffer): { serviceUrl: string | undefined; channelId: string | undefined } {
  try {
    const body = JSON.parse(rawBody.toString('utf8')) as { serviceUrl?: unknown; channelId?: unknown };
    return {
      serviceUrl: typeof body.serviceUrl === 'string' ? body.serviceUrl : undefined,
      channelId: typeof body.channelId === 'string' ? body.channelId : undefined,
    };
  } catch {
    throw new JwtError('body is not JSON, so the serviceUrl claim cannot be matched');
  }
}
