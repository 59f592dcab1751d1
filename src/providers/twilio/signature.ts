/**
 * Twilio's webhook signature on `node:crypto` only, so verifying an inbound webhook does not load
 * the whole `twilio` SDK. `X-Twilio-Signature` = base64(HMAC-SHA1(authToken, url + sorted params)).
 *
 * This mirrors the SDK's `lib/webhooks/webhooks.js` (twilio 6.2.0) line for line: the URL is tried
 * as received, with and without its scheme's default port, then — only if those fail — as
 * normalised by `new URL()`, with and without the port, and each of those with the query string
 * re-encoded by the legacy `querystring` module (back ends differ in which form they signed). A
 * repeated param contributes each distinct value once, sorted. `tests/unit/providers/
 * twilio-signature.test.ts` cross-checks all of it against the installed SDK.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseQuery, stringify as stringifyQuery } from 'node:querystring';

/** Form params as signed: a repeated field is an array. */
export type TwilioSignedParams = Readonly<Record<string, string | readonly string[]>>;

/** The `X-Twilio-Signature` Twilio sends for a request to exactly `url` with these POST params. */
export function twilioSignature(authToken: string, url: string, params: TwilioSignedParams = {}): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (typeof value === 'string') data += name + value;
    else for (const each of Array.from(new Set(value)).sort()) data += name + each;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}

/**
 * Whether `signature` is Twilio's for a form-encoded (or GET, with `{}`) request to `url`. Same
 * acceptance rules as the SDK's `validateRequest`; like it, throws a `TypeError` when `url` is
 * not absolute and no as-received variant matched.
 */
export function verifyTwilioRequest(authToken: string, signature: string | undefined, url: string, params: TwilioSignedParams): boolean {
  const header = signature || '';
  const matches = (candidate: string): boolean => safeCompare(header, twilioSignature(authToken, candidate, params));
  if ([removePort(url), addPort(url)].some(matches)) return true;
  const normalized = new URL(url).toString();
  const withoutPort = removePort(normalized);
  const withPort = addPort(normalized);
  return [withoutPort, withPort, withLegacyQuerystring(withoutPort), withLegacyQuerystring(withPort)].some(matches);
}

/**
 * Whether `signature` is Twilio's for a JSON-bodied request: the URL (no params) must be signed
 * and its `bodySHA256` query param must be the hex SHA-256 of `body`. Same rules as the SDK's
 * `validateRequestWithBody`.
 */
export function verifyTwilioRequestWithBody(authToken: string, signature: string | undefined, url: string, body: string): boolean {
  const bodyHash = new URL(url).searchParams.get('bodySHA256') || '';
  return verifyTwilioRequest(authToken, signature, url, {}) && verifyTwilioBody(body, bodyHash);
}

/** Whether `bodyHash` is the hex SHA-256 of `body` (the SDK's `validateBody`). */
export function verifyTwilioBody(body: string, bodyHash: string): boolean {
  return safeCompare(bodyHash, createHash('sha256').update(Buffer.from(body, 'utf-8')).digest('hex'));
}

/** Constant time; the length check first is safe as the expected length is fixed, not secret. */
function safeCompare(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

interface UrlParts { scheme: string; userInfo: string; host: string; port: string; rest: string }

/** Split without normalising, so the path and query keep the exact characters Twilio signed. */
function splitUrl(url: string): UrlParts | null {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return null;
  const [prefix, scheme, authority] = match;
  const userInfoEnd = authority.lastIndexOf('@');
  const hostAndPort = authority.slice(userInfoEnd + 1);
  // A colon only starts the port after the closing bracket of an IPv6 literal.
  const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
  return {
    scheme,
    userInfo: authority.slice(0, userInfoEnd + 1),
    host: portStart === -1 ? hostAndPort : hostAndPort.slice(0, portStart),
    port: portStart === -1 ? '' : hostAndPort.slice(portStart),
    rest: url.slice(prefix.length),
  };
}

/** The URL with its scheme's default port (`:443` for https, `:80` otherwise) if it has none. */
function addPort(url: string): string {
  const parts = splitUrl(url);
  if (!parts || parts.port) return url;
  const port = parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  return parts.scheme + parts.userInfo + parts.host + port + parts.rest;
}

/** The URL without any port. */
function removePort(url: string): string {
  const parts = splitUrl(url);
  if (!parts) return url;
  return parts.scheme + parts.userInfo + parts.host + parts.rest;
}

/** The query string re-encoded as Node's legacy `querystring` does (e.g. `'` → `%27`). */
function withLegacyQuerystring(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1 || queryStart === url.length - 1) return url;
  return url.slice(0, queryStart) + '?' + stringifyQuery(parseQuery(url.slice(queryStart + 1)));
}
