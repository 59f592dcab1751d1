/**
 * One outbound Message through the SDK (`client.messages.create`), reported as a `ProviderResult`:
 * Twilio's answer `{ code: 21211, message, more_info, status: 400 }` becomes code `'21211'`,
 * non-retryable; 429 and 5xx are retryable; no answer at all is `network_error`.
 */
import { httpFailure, unreachable, VendorUnreachableError } from '../http.js';
import type { ProviderResult } from '../../models/index.js';
import { callScope, createTwilioClient, toHeaders, type CallScope, type SdkClientOptions, type TwilioClient } from './sdk.js';

/** The fields of Twilio's Message create we use (SDK names). */
export interface TwilioMessageParams {
  to: string;
  body?: string;
  from?: string;
  messagingServiceSid?: string;
  mediaUrl?: string[];
  statusCallback?: string;
}

/** The Message resource fields we read back. */
export interface TwilioMessage {
  sid: string;
  status: string;
  to: string;
  from: string | null;
  numSegments?: string | null;
}

export type CreateOutcome = { ok: true; message: TwilioMessage } | { ok: false; result: ProviderResult };

export class TwilioMessagesClient {
  private client?: Promise<TwilioClient>;

  constructor(private readonly options: SdkClientOptions) {}

  async create(params: TwilioMessageParams, idempotencyKey?: string): Promise<CreateOutcome> {
    const scope: CallScope = { ...(idempotencyKey && { idempotencyKey }) };
    try {
      const client = await (this.client ??= createTwilioClient(this.options));
      const message = await callScope.run(scope, () => client.messages.create(params));
      return { ok: true, message };
    } catch (err) {
      return { ok: false, result: failure(err, scope) };
    }
  }
}

function failure(err: unknown, scope: CallScope): ProviderResult {
  // RestException (legacy JSON) and TwilioServiceException (RFC 9457) both carry the HTTP status.
  const e = err as { status?: unknown; code?: unknown; message?: string; detail?: string; title?: string };
  if (typeof e.status === 'number') {
    const code = typeof e.code === 'number' || typeof e.code === 'string' ? e.code : undefined;
    return httpFailure(
      { status: e.status, headers: toHeaders(scope.responseHeaders), body: err },
      { code, message: e.detail ?? e.message ?? e.title },
    );
  }
  const cause = err as { code?: string; message?: string };
  return unreachable(new VendorUnreachableError('twilio', cause.code ?? cause.message ?? String(err), { cause: err }));
}

/** Twilio's accepted Message as a success: its sid is the message id; `extra` joins the metadata. */
export function success(message: TwilioMessage, extra: Record<string, string | boolean> = {}): ProviderResult {
  return {
    success: true,
    providerMessageId: message.sid,
    metadata: {
      status: message.status,
      to: message.to,
      ...(message.numSegments != null && { numSegments: Number(message.numSegments) }),
      ...extra,
    },
  };
}
