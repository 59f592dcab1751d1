/**
 * The official `twilio` SDK, loaded on first use (importing RoomKit does not pay for it), with an
 * HTTP client of ours: it swaps the API origin when `baseUrl` is not Twilio's (the SDK hard-codes
 * `api.twilio.com`; a custom `httpClient` is its documented hook), adds our idempotency token, and
 * keeps each answer's headers for the call that made it (Retry-After). Auto-retry stays off:
 * Temporal owns retries.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type TwilioSDK from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type * as TwilioResponse from 'twilio/lib/http/response.js';
import { TWILIO_API_URL } from './config.js';

export type TwilioModule = typeof TwilioSDK;
export type TwilioClient = TwilioSDK.Twilio;

let loading: Promise<TwilioModule> | undefined;

export function loadTwilio(): Promise<TwilioModule> {
  loading ??= import('twilio').then((m) => (m as unknown as { default: TwilioModule }).default);
  return loading;
}

/** Per-call context: what to add to the request, and where to leave the answer's headers. */
export interface CallScope {
  idempotencyKey?: string;
  responseHeaders?: Record<string, unknown>;
}

export const callScope = new AsyncLocalStorage<CallScope>();

export interface SdkClientOptions {
  accountSid: string;
  authToken: string;
  baseUrl: string;
  timeoutMs: number;
}

export async function createTwilioClient(options: SdkClientOptions): Promise<TwilioClient> {
  const twilio = await loadTwilio();
  const base = new URL(options.baseUrl);
  const rewrite = options.baseUrl.replace(/\/+$/, '') !== TWILIO_API_URL;

  class RoomKitRequestClient extends twilio.RequestClient {
    override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<TwilioResponse.default<TData>> {
      let uri = opts.uri;
      if (rewrite) {
        const target = new URL(opts.uri);
        uri = `${base.origin}${base.pathname.replace(/\/+$/, '')}${target.pathname}${target.search}`;
      }
      const scope = callScope.getStore();
      // Twilio sends this header on its own webhooks; on our sends it lets Twilio support correlate a
      // retried activity with the first attempt. Twilio documents no dedupe on Message create.
      const headers = { ...opts.headers, ...(scope?.idempotencyKey && { 'I-Twilio-Idempotency-Token': scope.idempotencyKey }) };
      const response = await super.request({ ...opts, uri, headers });
      if (scope) scope.responseHeaders = response.headers as Record<string, unknown>;
      return response;
    }
  }

  return twilio(options.accountSid, options.authToken, {
    httpClient: new RoomKitRequestClient({ timeout: options.timeoutMs, autoRetry: false }),
    autoRetry: false,
    // No TWILIO_EDGE / TWILIO_REGION / TWILIO_LOG_LEVEL from the environment.
    env: {},
  });
}

/** An answer's headers as a fetch `Headers` (for `retryAfterMs`). */
export function toHeaders(raw: Record<string, unknown> | undefined): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (typeof value === 'string') headers.set(name, value);
    else if (typeof value === 'number') headers.set(name, String(value));
    else if (Array.isArray(value)) headers.set(name, value.join(', '));
  }
  return headers;
}
