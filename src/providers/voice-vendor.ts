/**
 * What the speech vendors (Deepgram, ElevenLabs, OpenAI audio) share: one deadline over the whole
 * call (the SDKs' own timers stop once headers arrive, and audio bodies are read after that), the
 * caller's abort signal honoured with its own reason, and one mapping from whatever the SDK threw to
 * a {@link VoiceVendorError}. Each provider only says what its SDK's error classes mean
 * ({@link VendorFacts}); the retry decision is the same for all. SDK retries stay off: Temporal owns
 * them.
 */
import { VoiceVendorError, type VoiceVendorFailureKind } from '../voice/errors.js';
import { isRetryableStatus } from './http.js';
import { parseRetryAfter, type HeadersLike } from './ai/classify.js';

/** What a provider read off its SDK's error. */
export interface VendorFacts {
  kind: VoiceVendorFailureKind;
  status?: number;
  headers?: HeadersLike;
  vendorCode?: string;
  vendorMessage?: string;
}

export interface VendorCallOptions {
  vendor: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Strings never to appear in an error message (the API key: some vendors echo it back). */
  secrets: readonly string[];
  /** The provider's reading of its SDK's errors; undefined ⇒ inferred from the error's shape. */
  factsOf(error: unknown): VendorFacts | undefined | Promise<VendorFacts | undefined>;
}

/**
 * Runs `call` with a signal that fires on the caller's abort or on the deadline. An abort rejects
 * with the caller's reason (so an activity reports its own cancellation); everything else leaves
 * as a `VoiceVendorError`.
 *
 * @example
 * const body = await vendorCall({ vendor: 'deepgram', timeoutMs, signal, secrets: [key], factsOf }, (s) => sdk.send(s));
 */
export async function vendorCall<T>(options: VendorCallOptions, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { signal, timeoutMs, vendor } = options;
  signal?.throwIfAborted();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
  try {
    return await call(combined);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof VoiceVendorError) throw error;
    if (deadline.signal.aborted) {
      throw new VoiceVendorError(`${vendor}: request timed out after ${timeoutMs} ms`, { vendor, kind: 'timeout', permanent: false, cause: error });
    }
    throw toVoiceVendorError(error, (await options.factsOf(error)) ?? inferFacts(error), options);
  } finally {
    clearTimeout(timer);
  }
}

/** Facts → error, with the one retry rule: 4xx other than 408/425/429 and malformed bodies are permanent. */
export function toVoiceVendorError(error: unknown, facts: VendorFacts, options: Pick<VendorCallOptions, 'vendor' | 'secrets'>): VoiceVendorError {
  const { vendor } = options;
  const say = (text: string) => redact(`${vendor}: ${text}`, options.secrets);
  const detail = [facts.vendorCode, facts.vendorMessage].filter(Boolean).join(': ') || describe(error);
  switch (facts.kind) {
    case 'http': {
      const status = facts.status ?? 0;
      const retryable = isRetryableStatus(status);
      return new VoiceVendorError(say(`HTTP ${status} ${detail}`), {
        vendor, kind: 'http', status, permanent: !retryable, vendorCode: facts.vendorCode,
        retryAfterMs: retryable ? parseRetryAfter(facts.headers) : undefined, cause: error,
      });
    }
    case 'malformed':
      return new VoiceVendorError(say(`malformed response: ${detail}`), { vendor, kind: 'malformed', status: facts.status, permanent: true, cause: error });
    case 'timeout':
      return new VoiceVendorError(say('request timed out'), { vendor, kind: 'timeout', permanent: false, cause: error });
    case 'connection':
      return new VoiceVendorError(say(`connection failed: ${detail}`), { vendor, kind: 'connection', permanent: false, cause: error });
  }
}

/** A 2xx whose body is not what the vendor documents. */
export function malformedVendorResponse(vendor: string, detail: string, status = 200): VoiceVendorError {
  return new VoiceVendorError(`${vendor}: malformed response: ${detail}`, { vendor, kind: 'malformed', status, permanent: true });
}

/** The vendor's error body as a message and code, whichever of the usual envelopes it uses. */
export function vendorErrorText(body: unknown): { vendorCode?: string; vendorMessage?: string } {
  if (typeof body === 'string') return body ? { vendorMessage: body.slice(0, 300) } : {};
  if (!body || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  // OpenAI `{ error: { message, code, type } }`
  if (b.error && typeof b.error === 'object') {
    const e = b.error as Record<string, unknown>;
    return { vendorCode: str(e.code) ?? str(e.type), vendorMessage: str(e.message) };
  }
  // ElevenLabs `{ detail: { status|code, message } }` or FastAPI's `{ detail: [{ loc, msg }] }`
  if (b.detail && typeof b.detail === 'object') {
    if (Array.isArray(b.detail)) {
      const first = b.detail[0] as Record<string, unknown> | undefined;
      return { vendorCode: 'validation_error', vendorMessage: first ? `${(first.loc as unknown[] | undefined)?.join('.') ?? ''}: ${str(first.msg) ?? ''}` : undefined };
    }
    const d = b.detail as Record<string, unknown>;
    return { vendorCode: str(d.code) ?? str(d.status), vendorMessage: str(d.message) };
  }
  // Deepgram `{ err_code, err_msg }` or `{ category, message, details }`
  return { vendorCode: str(b.err_code) ?? str(b.category), vendorMessage: str(b.err_msg) ?? str(b.message) ?? str(b.details) };
}

const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);

/** Shape-based facts for errors no SDK class explained: network failures are retryable, the rest is a bug. */
function inferFacts(error: unknown): VendorFacts {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { name, code } = e as { name?: unknown; code?: unknown };
    if (name === 'TimeoutError') return { kind: 'timeout' };
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return { kind: 'connection' };
  }
  if (error instanceof TypeError && /fetch failed|terminated|network/i.test(error.message)) return { kind: 'connection' };
  // Not a vendor answer and not the network: retrying cannot fix our own bug, so permanent.
  return { kind: 'malformed', vendorMessage: describe(error) };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

/**
 * A words-per-minute request as a vendor's speed multiplier (1.0 = the voice's natural pace, taken
 * as `naturalWpm`), clamped to what the vendor accepts.
 */
export function speedFactor(wpm: number, range: { min: number; max: number }, naturalWpm = 160): number {
  return Math.min(range.max, Math.max(range.min, Math.round((wpm / naturalWpm) * 100) / 100));
}

/** `en-US` → `en`: vendors that take ISO 639-1 codes only. */
export function primaryLanguage(tag: string): string {
  return tag.split('-')[0].toLowerCase();
}

/**
 * Reads an audio body to the end (an abort or a dropped connection rejects). A 200 that says it is
 * JSON or text is not audio, however many bytes it has: that is a vendor answering off-contract.
 */
export async function readAudioBody(
  vendor: string,
  body: ReadableStream<Uint8Array> | ArrayBuffer | null | undefined,
  contentType: string | null | undefined,
): Promise<Uint8Array> {
  if (body == null) throw malformedVendorResponse(vendor, 'no audio body');
  const bytes = new Uint8Array(body instanceof ArrayBuffer ? body : await new Response(body).arrayBuffer());
  if (/json|^text\//i.test(contentType ?? '')) throw malformedVendorResponse(vendor, `expected audio, got ${contentType}`);
  if (bytes.byteLength === 0) throw malformedVendorResponse(vendor, 'empty audio body for non-empty text');
  return bytes;
}
