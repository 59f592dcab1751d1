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
import type { TeamsConfig } from './config.js';
import type { ConversationReferenceStore } from './conversation-store.js';
import { checkClaims, decodeJwt, JwtError, verifyJwtSignature } from './jwt.js';
import type { SigningKeySource } from './signing-keys.js';

export interface TeamsWebhookOptions {
  config: Pick<TeamsConfig, 'appId' | 'issuer' | 'clockToleranceSeconds'>;
  keys: SigningKeySource;
  /** Filled from every verified activity so proactive sends know the conversation's serviceUrl. */
  conversations: ConversationReferenceStore;
  now?: () => number;
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
  private readonly now: () => number;

  constructor(private readonly options: TeamsWebhookOptions) {
    this.now = options.now ?? Date.now;
  }

  async verify(request: WebhookRequest): Promise<void> {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new WebhookSignatureError(this.provider, 'missing Authorization: Bearer token', 401);
    try {
      const jwt = decodeJwt(match[1]);
      const found = await this.options.keys.find(jwt.header.kid);
      if (!found) throw new JwtError(`no published signing key with kid ${jwt.header.kid ?? '(none)'}`);
      verifyJwtSignature(jwt, found.key, found.algorithms);
      checkClaims(jwt.claims, {
        issuer: this.options.config.issuer,
        audience: this.options.config.appId,
        nowSeconds: Math.floor(this.now() / 1000),
        clockToleranceSeconds: this.options.config.clockToleranceSeconds,
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
    } catch (err) {
      if (err instanceof JwtError) throw new WebhookSignatureError(this.provider, err.message, 403);
      throw err;
    }
  }

  async parse(request: WebhookRequest, channelId: string): Promise<WebhookOutcome> {
    const { activity, raw } = readActivity(request.rawBody);
    const reference = conversationReferenceOf(activity);
    if (reference) await this.options.conversations.set(reference);
    return parseActivity(activity, raw, channelId);
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
