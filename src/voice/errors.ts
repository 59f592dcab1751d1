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
