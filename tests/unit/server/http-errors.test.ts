/**
 * The one table of HTTP answers (`src/server/http-errors.ts`), row by row: each error → status and
 * exact JSON body, for the REST API/app and for a vendor's webhook; an unknown error is a 500 that
 * does not repeat its message. Body-parser refusals are real ones, from Express's own parsers.
 */
import { Readable } from 'node:stream';
import express, { type RequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ChannelAlreadyRegisteredError, ChannelNotFoundError, ChannelNotRegisteredError, CodecPayloadError, CodecUnauthorizedError,
  errorFromInfo, ForbiddenError, PayloadDecryptionError, KitNotStartedError, RateLimitedError, UnauthenticatedError,
  ProviderDeliveryError, RoomAlreadyExistsError, RoomClosedError, RoomKitError, type RoomKitValidationError, RoomNotFoundError,
  RouteNotFoundError, StoreUnavailableError, UnsupportedMediaTypeError, WebhookNotSupportedError, WebhookPayloadError, WebhookSignatureError,
} from '../../../src/errors.js';
import type { RoomKit } from '../../../src/kit/room-kit.js';
import { parseInput } from '../../../src/kit/validate.js';
import { HTTP_ERRORS, httpErrorRuleOf, httpStatusOf, type HttpErrorAnswer } from '../../../src/server/http-errors.js';
import { processWebhook, webhookErrorReply } from '../../../src/server/process-webhook.js';

/** Runs a real body parser over `body` and returns the error it passes to `next`. */
async function parserError(parser: RequestHandler, body: string, contentType: string): Promise<Error> {
  const bytes = Buffer.from(body);
  const req = Object.assign(Readable.from([bytes]), {
    method: 'POST', url: '/', headers: { 'content-type': contentType, 'content-length': String(bytes.length) },
  });
  const err = await new Promise<unknown>((resolve) => parser(req as never, {} as never, resolve));
  if (!(err instanceof Error)) throw new Error(`the parser accepted ${JSON.stringify(body)}`);
  return err;
}

function validationError(): RoomKitValidationError {
  try {
    parseInput(z.object({ roomId: z.string().min(1, 'roomId must not be empty') }).strict(), { roomId: '' }, 'room options');
  } catch (err) {
    return err as RoomKitValidationError;
  }
  throw new Error('expected a validation error');
}

const validation = validationError();
const tooLarge = await parserError(express.json({ limit: 10 }), JSON.stringify({ body: 'x'.repeat(100) }), 'application/json');
const malformed = await parserError(express.json(), '{"roomId":', 'application/json');
const badCharset = await parserError(express.json(), '{}', 'application/json; charset=klingon');
const rawTooLarge = await parserError(express.raw({ type: () => true, limit: 10 }), 'Body='.padEnd(100, 'x'), 'application/x-www-form-urlencoded');

type Case = [name: string, err: unknown, api: HttpErrorAnswer, webhook: HttpErrorAnswer];
const internal: HttpErrorAnswer = { status: 500, body: { error: 'internal error' } };
const same = (status: number, body: HttpErrorAnswer['body']): [HttpErrorAnswer, HttpErrorAnswer] => [{ status, body }, { status, body }];

const rateLimited: HttpErrorAnswer = { status: 429, body: { error: 'rate limited: too many messages from sms:+1555; retry after 12s' }, headers: { 'retry-after': '12' } };

/** One case per row (and then some): the answer on the REST API/app, and on a webhook. */
const CASES: Case[] = [
  ['WebhookSignatureError, missing (401)', new WebhookSignatureError('twilio', 'missing X-Twilio-Signature', 401),
    ...same(401, { error: 'twilio webhook: missing X-Twilio-Signature' })],
  ['WebhookSignatureError, wrong (403)', new WebhookSignatureError('twilio', 'signature mismatch'),
    ...same(403, { error: 'twilio webhook: signature mismatch' })],
  ['WebhookPayloadError', new WebhookPayloadError('twilio', 'MessageSid', 'required'),
    ...same(400, { error: 'twilio webhook: MessageSid: required', field: 'MessageSid' })],
  ['RoomKitValidationError (zod)', validation,
    ...same(400, { error: 'invalid room options: roomId: roomId must not be empty', field: 'roomId', issues: validation.issues })],
  ['CodecUnauthorizedError', new CodecUnauthorizedError(), { status: 401, body: { error: 'unauthorized' } }, internal],
  ['CodecPayloadError', new CodecPayloadError('payload encrypted with key id "k0", which is not configured'),
    { status: 400, body: { error: 'payload encrypted with key id "k0", which is not configured' } }, internal],
  ['UnauthenticatedError (401, WWW-Authenticate: Bearer)', new UnauthenticatedError('token expired'),
    { status: 401, body: { error: 'token expired' }, headers: { 'www-authenticate': 'Bearer realm="roomkit", error="invalid_token", error_description="token expired"' } }, internal],
  ['ForbiddenError, a missing scope (403)', new ForbiddenError('credential lacks scope rooms:write', 'rooms:write'),
    { status: 403, body: { error: 'credential lacks scope rooms:write' }, headers: { 'www-authenticate': 'Bearer realm="roomkit", error="insufficient_scope", scope="rooms:write"' } }, internal],
  ['RateLimitedError (429, Retry-After)', new RateLimitedError('sms:+1555', 12), rateLimited, rateLimited],
  ['WebhookNotSupportedError', new WebhookNotSupportedError('sms-nohook'), ...same(404, { error: 'no webhook for channel sms-nohook' })],
  ['ChannelNotRegisteredError', new ChannelNotRegisteredError('sms-x'), ...same(404, { error: 'channel not registered: sms-x' })],
  ['ChannelNotFoundError', new ChannelNotFoundError('r1', 'sms-x'), { status: 404, body: { error: 'channel sms-x is not attached to room r1' } }, internal],
  ['RoomNotFoundError', new RoomNotFoundError('r1'), { status: 404, body: { error: 'room not found: r1' } }, internal],
  ['RouteNotFoundError (the path is not quoted back)', new RouteNotFoundError('DELETE', '/rooms/<script>'), { status: 404, body: { error: 'no such route' } }, internal],
  ['UnsupportedMediaTypeError', new UnsupportedMediaTypeError('text/plain'),
    { status: 415, body: { error: 'request body must be JSON (Content-Type: application/json)' } }, internal],
  ['RoomAlreadyExistsError', new RoomAlreadyExistsError('r1'), { status: 409, body: { error: 'room already exists: r1' } }, internal],
  ['RoomClosedError', new RoomClosedError('r1'), { status: 409, body: { error: 'room is closed: r1' } }, internal],
  ['StoreUnavailableError (where it lives stays out)', new StoreUnavailableError('PostgreSQL store', 'db.internal', 5432, 'roomkit', 'connect ECONNREFUSED'),
    ...same(503, { error: 'store unavailable; try again shortly' })],
  ['body-parser: JSON body over the limit', tooLarge, ...same(413, { error: 'request body too large' })],
  ['body-parser: raw body over the limit', rawTooLarge, ...same(413, { error: 'request body too large' })],
  ['body-parser: malformed JSON', malformed, ...same(400, { error: 'malformed JSON body' })],
  ['body-parser: unsupported charset (415)', badCharset, ...same(415, { error: 'unsupported charset "KLINGON"' })],
  ['Express: a malformed %-escape in a path parameter', Object.assign(new URIError("Failed to decode param '%FF'"), { status: 400 }),
    ...same(400, { error: 'malformed request' })],
  ['RoomKitError itself (a setup mistake)', new RoomKitError('mount the webhook router before express.json()/urlencoded()'),
    internal, { status: 500, body: { error: 'mount the webhook router before express.json()/urlencoded()' } }],
];

/** Errors no row claims: a 500 that says nothing of them. */
const UNKNOWN: Array<[string, unknown]> = [
  ['a plain Error', new Error('connect ECONNREFUSED 10.0.0.7:7233 password=hunter2')],
  ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'hunter2')")],
  ['KitNotStartedError', new KitNotStartedError('hunter2')],
  ['ProviderDeliveryError', new ProviderDeliveryError('http_503', 'vendor said hunter2')],
  ['ChannelAlreadyRegisteredError', new ChannelAlreadyRegisteredError('hunter2')],
  ['PayloadDecryptionError outside the codec server (a deployment missing a key)', new PayloadDecryptionError('key id "hunter2"', 'hunter2')],
  ['a workflow error of another name', errorFromInfo({ type: 'SomethingElse', message: 'hunter2' }, {})],
  ['an error with a 4xx status not meant for clients', Object.assign(new Error('hunter2'), { status: 404 })],
  ['an http-errors 5xx', Object.assign(new Error('hunter2'), { status: 503, expose: false })],
  ['a thrown string', 'hunter2'],
  ['undefined', undefined],
  ['null', null],
];

describe('httpStatusOf: one table of HTTP answers', () => {
  it.each(CASES)('%s (REST API and app)', (_name, err, api) => {
    expect(httpStatusOf(err)).toEqual(api);
    expect(httpStatusOf(err, 'api')).toEqual(api);
  });

  it.each(CASES)('%s (vendor webhook)', (_name, err, _api, webhook) => {
    expect(httpStatusOf(err, 'webhook')).toEqual(webhook);
  });

  it('keeps the body fields in order: error, then field, then issues', () => {
    expect(Object.keys(httpStatusOf(validation).body)).toEqual(['error', 'field', 'issues']);
    expect(JSON.stringify(httpStatusOf(new WebhookPayloadError('twilio', 'NumMedia', 'not a number')).body))
      .toBe('{"error":"twilio webhook: NumMedia: not a number","field":"NumMedia"}');
  });

  it.each(UNKNOWN)('%s ⇒ 500 "internal error", its message not repeated', (_name, err) => {
    for (const surface of ['api', 'webhook'] as const) {
      const answer = httpStatusOf(err, surface);
      expect(answer).toEqual({ status: 500, body: { error: 'internal error' } });
      expect(JSON.stringify(answer)).not.toContain('hunter2');
      expect(httpErrorRuleOf(err, surface)).toBeUndefined();
    }
  });

  it('every row of the table answers at least one case (no dead rows)', () => {
    const used = new Set(CASES.flatMap(([, err]) => [httpErrorRuleOf(err, 'api'), httpErrorRuleOf(err, 'webhook')]));
    expect(HTTP_ERRORS.filter((r) => !used.has(r))).toEqual([]);
  });

  it('is ordered most specific first: no class row comes after a row for one of its superclasses', () => {
    const classes = HTTP_ERRORS.map((r) => r.when).filter((w): w is abstract new (...args: never[]) => unknown => typeof w === 'function');
    for (const [i, later] of classes.entries()) {
      for (const earlier of classes.slice(0, i)) expect(later.prototype instanceof earlier, `${later.name} after ${earlier.name}`).toBe(false);
    }
  });

  it('is pure: each call returns a fresh answer', () => {
    const first = httpStatusOf(new Error('x'));
    first.body.error = 'changed';
    expect(httpStatusOf(new Error('x')).body.error).toBe('internal error');
    const err = new RoomNotFoundError('r1');
    expect(httpStatusOf(err)).not.toBe(httpStatusOf(err));
    expect(err.message).toBe('room not found: r1');
  });
});

describe('webhookErrorReply and processWebhook answer refusals from the same table', () => {
  it('a 4xx of the webhook table comes back as a JSON reply; anything else is left to throw (the vendor retries on a 5xx)', () => {
    for (const [name, err, , webhook] of CASES) {
      const reply = webhookErrorReply(err);
      if (webhook.status < 500) {
        expect(reply, name).toEqual({ status: webhook.status, contentType: 'application/json', body: JSON.stringify(webhook.body), ...(webhook.headers && { headers: webhook.headers }) });
      } else {
        expect(reply, name).toBeUndefined();
      }
    }
    for (const [name, err] of UNKNOWN) expect(webhookErrorReply(err), name).toBeUndefined();
  });

  it('an unknown channel and a channel without webhooks get the same 404', async () => {
    const channels: Record<string, unknown> = { 'sms-nohook': { channelId: 'sms-nohook' } };
    const kit = { getChannel: (id: string) => channels[id] } as unknown as RoomKit;
    const request = { method: 'POST', url: 'https://example.com/webhooks/x', headers: {}, rawBody: Buffer.alloc(0) };
    const reply = (body: string) => ({ status: 404, contentType: 'application/json', body });
    expect(await processWebhook(kit, 'sms-nowhere', request)).toEqual(reply('{"error":"no webhook for channel sms-nowhere"}'));
    expect(await processWebhook(kit, 'sms-nohook', request)).toEqual(reply('{"error":"no webhook for channel sms-nohook"}'));
  });
});
