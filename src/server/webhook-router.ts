/**
 * The Express adapter over `processWebhook`: `POST /:channelId` (vendor webhooks) and
 * `GET /:channelId` (handshakes such as WhatsApp's `hub.challenge`). The body is kept raw, whatever
 * its content type, because signatures are computed over the exact bytes.
 */
import { RoomKitError } from '../errors.js';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response, type Router } from 'express';
import type { RoomIngress } from './ingress.js';
import type { WebhookReply, WebhookRequest } from '../providers/webhook.js';
import { httpStatusOf } from './http-errors.js';
import { processWebhook } from './process-webhook.js';
import { SenderRateLimiter, type SenderRateLimitOptions } from './auth/rate-limit.js';
import type { RoomResolver } from './sender-affinity.js';

export interface WebhookRouterOptions {
  /**
   * The public origin the vendor calls (`https://hooks.example.com`, plus any path prefix a proxy
   * strips). Twilio signs the full URL, so behind a proxy or tunnel set this; the URL checked is
   * `publicUrl + the request's path and query`. Default: the request's own protocol and host.
   */
  publicUrl?: string;
  /** Largest accepted body (bytes, or `'1mb'`-style). Default `'1mb'`; larger ⇒ 413. */
  limit?: string | number;
  /** Picks each message's room; `undefined` ⇒ the kit's router. */
  roomFor?: RoomResolver;
  /** How long a sender stays pinned to the room of its last message while the store catches up (ms). */
  affinityMs?: number;
  /**
   * Messages per sender (channel + sender id) per minute, checked after the signature: over it ⇒
   * 429 with `Retry-After`, nothing signalled. One token bucket per router, in this process only.
   * Default: no limit.
   */
  rateLimit?: Omit<SenderRateLimitOptions, 'now'>;
}

/**
 * @example
 * app.use('/webhooks', createWebhookRouter(kit, { publicUrl: 'https://hooks.example.com' }));
 * // Twilio's messaging webhook: https://hooks.example.com/webhooks/sms-twilio
 */
export function createWebhookRouter(kit: RoomIngress, options: WebhookRouterOptions = {}): Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: options.limit ?? '1mb' });
  const publicBase = options.publicUrl?.replace(/\/+$/, '');
  const rateLimiter = options.rateLimit ? new SenderRateLimiter(options.rateLimit) : undefined;

  const handle: RequestHandler = async (req, res, next) => {
    try {
      const reply = await processWebhook(kit, String(req.params.channelId), toWebhookRequest(req, publicBase), {
        roomFor: options.roomFor, affinityMs: options.affinityMs, ...(rateLimiter && { rateLimiter }),
      });
      send(res, reply);
    } catch (err) {
      next(err);
    }
  };
  router.post('/:channelId', raw, handle);
  router.get('/:channelId', handle);
  router.use(webhookErrors);
  return router;
}

export function toWebhookRequest(req: Request, publicBase?: string): WebhookRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (req.body !== undefined && !Buffer.isBuffer(req.body) && !(typeof req.body === 'object' && Object.keys(req.body).length === 0)) {
    // Signatures are computed over the exact bytes; a parser that ran first threw them away.
    throw new RoomKitError('the request body was parsed before createWebhookRouter: mount the webhook router before express.json()/urlencoded()');
  }
  const base = publicBase ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  return {
    method: req.method,
    url: `${base}${req.originalUrl}`,
    headers,
    rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
  };
}

function send(res: Response, reply: WebhookReply): void {
  res.status(reply.status);
  if (reply.headers) res.set(reply.headers);
  if (reply.contentType) res.type(reply.contentType);
  if (reply.body === undefined) res.end();
  else res.send(reply.body);
}

/**
 * Body-parser refusals keep their status (413 too large, 415 bad encoding), a setup mistake is a
 * 500 saying so, the rest is a 500 without internals: the webhook rows of `http-errors.ts`.
 */
const webhookErrors: ErrorRequestHandler = (err, _req, res, _next) => {
  const { status, body, headers } = httpStatusOf(err, 'webhook');
  if (status >= 500) console.error('[roomkit] webhook failed', err);
  if (headers) res.set(headers);
  res.status(status).json(body);
};
