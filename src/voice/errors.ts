/** Media-plane errors: one base, one class per condition, each with an explicit `name`. */
import { RoomKitError } from '../errors.js';

export class VoiceError extends RoomKitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VoiceError';
  }
}

/** Bytes that are not the audio they claim to be (bad WAV header, unsupported sample width). */
export class AudioFormatError extends VoiceError {
  constructor(readonly detail: string) {
    super(`audio format: ${detail}`);
    this.name = 'AudioFormatError';
  }
}

/** An `AudioRef` whose id is not one the store could have issued (refused before any file access). */
export class InvalidAudioRefError extends VoiceError {
  constructor(readonly id: string) {
    super(`invalid audio ref id: ${JSON.stringify(id.slice(0, 80))}`);
    this.name = 'InvalidAudioRefError';
  }
}

/** A well-formed ref whose audio is gone (deleted, or stored on another machine's disk). */
export class AudioNotFoundError extends VoiceError {
  constructor(readonly id: string) {
    super(`audio not found: ${id}`);
    this.name = 'AudioNotFoundError';
  }
}

/** How a vendor call failed: an HTTP answer, no answer in time, no connection, or a 2xx body off its documented shape. */
export type VoiceVendorFailureKind = 'http' | 'timeout' | 'connection' | 'malformed';

/**
 * A speech vendor (Deepgram, ElevenLabs, OpenAI audio) refused or failed a request. `permanent`
 * is the retry decision, made once here: a 4xx other than 408/425/429 (bad key, bad request,
 * unknown voice) and an undocumented 2xx body will fail the same way again; throttling, 5xx,
 * timeouts and network errors may not. The voice activities turn a permanent one into a
 * non-retryable `ApplicationFailure` of type `VoiceVendorError`.
 */
export class VoiceVendorError extends VoiceError {
  readonly vendor: string;
  readonly kind: VoiceVendorFailureKind;
  /** The HTTP status, when the vendor answered. */
  readonly status: number | undefined;
  readonly permanent: boolean;
  /** The vendor's own error code (`INVALID_AUTH`, `invalid_api_key`, `rate_limit_exceeded`). */
  readonly vendorCode: string | undefined;
  /** From `Retry-After` on a retryable answer: the earliest the vendor wants to see us again. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, facts: {
    vendor: string; kind: VoiceVendorFailureKind; permanent: boolean; status?: number; vendorCode?: string; retryAfterMs?: number; cause?: unknown;
  }) {
    super(message, { cause: facts.cause });
    this.name = 'VoiceVendorError';
    this.vendor = facts.vendor;
    this.kind = facts.kind;
    this.status = facts.status;
    this.permanent = facts.permanent;
    this.vendorCode = facts.vendorCode;
    this.retryAfterMs = facts.retryAfterMs;
  }
}

/** A session asked to move where its state machine does not go (e.g. anything out of `ended`). */
export class InvalidSessionTransitionError extends VoiceError {
  constructor(readonly sessionId: string, readonly from: string, readonly to: string) {
    super(`voice session ${sessionId}: cannot go from ${from} to ${to}`);
    this.name = 'InvalidSessionTransitionError';
  }
}

/**
 * A transport message that breaks its protocol (not JSON, unknown event, unknown stream id, bad
 * field). `fatal` ⇒ the call cannot go on and the socket is closed with this message as the reason.
 */
export class VoiceProtocolError extends VoiceError {
  constructor(readonly backend: string, readonly detail: string, readonly fatal = false) {
    super(`${backend}: ${detail}`);
    this.name = 'VoiceProtocolError';
  }
}
