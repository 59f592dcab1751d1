/**
 * Library errors → HTTP answers, as one table. The REST API and the app (`errorHandler`), the
 * webhook router and `processWebhook` all answer from it; nothing else in `src/server` picks a
 * status for an error.
 *
 * Every answer is JSON `{ error, field?, issues? }`: `error` is the error's message unless the row
 * gives a fixed text; `field` (and zod's `issues`) say what in the input was wrong. An error no row
 * matches is a 500 `{ error: 'internal error' }`, its message kept out of the reply.
 */
import type { z } from 'zod';
import {
  ChannelNotFoundError, CodecPayloadError, CodecUnauthorizedError, ChannelNotRegisteredError, ForbiddenError, RateLimitedError, RoomAlreadyExistsError,
  RoomClosedError, RoomKitError, RoomKitValidationError, RoomNotFoundError, RouteNotFoundError, StoreUnavailableError, UnauthenticatedError,
  UnsupportedMediaTypeError, WebhookNotSupportedError, WebhookPayloadError, WebhookSignatureError,
} from '../errors.js';

export interface HttpErrorBody {
  error: string;
  field?: string;
  issues?: z.core.$ZodIssue[];
}

export interface HttpErrorAnswer {
  status: number;
  body: HttpErrorBody;
  /** Response headers the status calls for (`WWW-Authenticate` on a 401/403, `Retry-After` on a 429). */
  headers?: Record<string, string>;
}

/**
 * Who is asking. `api`: the REST API and the rest of the app. `webhook`: a vendor (`processWebhook`
 * and the webhook router), where only a refusal of the request itself is a 4xx; what is wrong with
 * our rooms is our failure there, a 500 the vendor retries on.
 */
export type HttpSurface = 'api' | 'webhook';

type ErrorClass<E> = abstract new (...args: never[]) => E;

/** Errors known by shape rather than class (body-parser's, Express's). */
export interface ErrorShape<E> {
  readonly label: string;
  test(err: unknown): err is E;
}

export interface HttpErrorRule<E = unknown> {
  /** A class (`instanceof`, so subclasses too) or a shape. */
  readonly when: ErrorClass<E> | ErrorShape<E>;
  readonly status: number | ((err: E) => number);
  /** The body's `error`: a fixed text, or from the error; default its message. */
  readonly text?: string | ((err: E) => string);
  /** The error's properties copied into the body, in this order after `error`. */
  readonly fields?: ReadonlyArray<keyof E & keyof HttpErrorBody>;
  /** Also answered this way to a vendor's webhook; `false` ⇒ a 500 there (see `HttpSurface`). */
  readonly webhook: boolean;
  /** Answered this way by the REST API/app too (default); `false` ⇒ its silent 500 there. */
  readonly api?: boolean;
  /** Headers sent with the answer. */
  readonly headers?: (err: E) => Record<string, string>;
}

type HttpClientError = Error & { status: number };
type PlainRoomKitError = RoomKitError;

/** A refusal from body-parser, known by its `type` (`entity.too.large`, `entity.parse.failed`, …). */
function bodyParserError(type: string): ErrorShape<Error> {
  return { label: `body-parser ${type}`, test: (err): err is Error => (err as { type?: unknown } | null)?.type === type };
}

/** Any other http-errors client error (body-parser's 415 charset, Express's 400 bad param…): its message is meant for the client. */
const clientHttpError: ErrorShape<HttpClientError> = {
  label: 'http-errors client error (4xx, expose)',
  test: (err): err is HttpClientError => {
    const e = err as { status?: unknown; expose?: unknown } | null;
    return typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true;
  },
};

/** Express's router failing to decode a path parameter (`/api/rooms/%FF`): a URIError it marks 400. */
const undecodablePath: ErrorShape<HttpClientError> = {
  label: "Express's URIError for a malformed %-escape in the path",
  test: (err): err is HttpClientError => err instanceof URIError && (err as { status?: unknown }).status === 400,
};

/** The base class itself, not a subclass: a setup mistake (e.g. a body parser mounted before the webhook router), reported as is. */
const plainRoomKitError: ErrorShape<PlainRoomKitError> = {
  label: 'RoomKitError (the base class itself)',
  test: (err): err is PlainRoomKitError => err instanceof RoomKitError && err.name === 'RoomKitError',
};

const rule = <E>(r: HttpErrorRule<E>): HttpErrorRule => r as HttpErrorRule;

/** Most specific first; the first row that matches answers. */
export const HTTP_ERRORS: readonly HttpErrorRule[] = [
  rule({ when: WebhookSignatureError, status: (e) => e.status, webhook: true }),
  rule({ when: WebhookPayloadError, status: 400, fields: ['field'], webhook: true }),
  // The codec server (`/codec`): a caller without the token, a payload it cannot decode.
  rule({ when: CodecUnauthorizedError, status: 401, webhook: false }),
  rule({ when: CodecPayloadError, status: 400, webhook: false }),
  // Authenticated clients (`src/server/auth/`): no or a bad credential, a credential without the
  // scope or room, a sender over its rate (webhooks). The reason is meant for the client.
  rule({ when: UnauthenticatedError, status: 401, text: (e) => e.reason, webhook: false, headers: (e) => ({ 'www-authenticate': `Bearer realm="roomkit", error="invalid_token", error_description="${quoted(e.reason)}"` }) }),
  rule({ when: ForbiddenError, status: 403, text: (e) => e.reason, webhook: false, headers: (e) => ({ 'www-authenticate': `Bearer realm="roomkit", error="insufficient_scope"${e.scope ? `, scope="${e.scope}"` : ''}` }) }),
  rule({ when: RateLimitedError, status: 429, webhook: true, headers: (e) => ({ 'retry-after': String(e.retryAfterSeconds) }) }),
  rule({ when: RoomKitValidationError, status: 400, fields: ['field', 'issues'], webhook: true }),
  rule({ when: WebhookNotSupportedError, status: 404, text: (e) => `no webhook for channel ${e.channelId}`, webhook: true }),
  rule({ when: ChannelNotRegisteredError, status: 404, webhook: true }),
  rule({ when: ChannelNotFoundError, status: 404, webhook: false }),
  rule({ when: RoomNotFoundError, status: 404, webhook: false }),
  // Its path is the client's own text: answered with a fixed one.
  rule({ when: RouteNotFoundError, status: 404, text: 'no such route', webhook: false }),
  rule({ when: UnsupportedMediaTypeError, status: 415, text: 'request body must be JSON (Content-Type: application/json)', webhook: false }),
  rule({ when: RoomAlreadyExistsError, status: 409, webhook: false }),
  rule({ when: RoomClosedError, status: 409, webhook: false }),
  // The store is down or restarting: try again shortly (vendors retry a 503 on their own). Where it
  // lives stays out of the answer.
  rule({ when: StoreUnavailableError, status: 503, text: 'store unavailable; try again shortly', webhook: true }),
  rule({ when: bodyParserError('entity.too.large'), status: 413, text: 'request body too large', webhook: true }),
  rule({ when: bodyParserError('entity.parse.failed'), status: 400, text: 'malformed JSON body', webhook: true }),
  rule({ when: clientHttpError, status: (e) => e.status, webhook: true }),
  // Its message quotes the raw parameter back: answered with a fixed text.
  rule({ when: undecodablePath, status: 400, text: 'malformed request', webhook: true }),
  // The REST API keeps its 500s silent: only the webhook router (where this is a setup mistake) says why.
  rule({ when: plainRoomKitError, status: 500, webhook: true, api: false }),
];

/** The body of an error no row matches. */
export const INTERNAL_ERROR: Readonly<HttpErrorBody> = Object.freeze({ error: 'internal error' });

function matches(when: HttpErrorRule['when'], err: unknown): boolean {
  return typeof when === 'function' ? err instanceof when : when.test(err);
}

/** The row that answers `err`, or `undefined` (a 500 without internals). */
export function httpErrorRuleOf(err: unknown, surface: HttpSurface = 'api'): HttpErrorRule | undefined {
  return HTTP_ERRORS.find((r) => (surface === 'api' ? r.api !== false : r.webhook) && matches(r.when, err));
}

/**
 * The status and JSON body to answer `err` with. Pure: reads the error, writes nothing, logs nothing.
 *
 * @example
 * const { status, body } = httpStatusOf(err);
 * res.status(status).json(body);
 */
export function httpStatusOf(err: unknown, surface: HttpSurface = 'api'): HttpErrorAnswer {
  const r = httpErrorRuleOf(err, surface);
  if (!r) return { status: 500, body: { ...INTERNAL_ERROR } };
  const e = err as Error & Record<string, unknown>;
  const status = typeof r.status === 'function' ? r.status(e) : r.status;
  const error = r.text === undefined ? e.message : typeof r.text === 'function' ? r.text(e) : r.text;
  const body: HttpErrorBody = { error };
  for (const f of r.fields ?? []) (body as unknown as Record<string, unknown>)[f] = e[f];
  return { status, body, ...(r.headers && { headers: r.headers(e) }) };
}

/** A header's quoted-string: no quotes, backslashes or control characters. */
function quoted(text: string): string {
  return text.replace(/[^\x20-\x7e]|["\\]/g, ' ');
}
