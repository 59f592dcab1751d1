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
