/**
 * One call's audio transport. A backend carries PCM16 mono at `sampleRate` both ways and converts
 * to its wire (μ-law for Twilio, PCM16 for the browser) itself. Playback is fire-and-forget: audio
 * is queued by the far end, and a mark sent after it comes back through `onMark` once everything
 * before it has played (or been cleared) — that is how a session knows playback ended.
 */
import type { VoiceError } from './errors.js';

/** Who called and what the transport knows about the call, once its audio path is live. */
export interface VoiceCallInfo {
  /** The transport's id for this call (Twilio `streamSid`, a random id for the browser). */
  sessionId: string;
  /** Who is speaking: a phone number, a participant id, the call sid when nothing better is known. */
  callerId: string;
  /** Custom parameters of the call (TwiML `<Parameter>`s, the browser's `start` message). */
  parameters: Record<string, string>;
}

export interface VoiceBackendHandlers {
  /** The audio path is live; nothing else is delivered before it. */
  onReady(info: VoiceCallInfo): void;
  /** Caller audio, PCM16 mono at the backend's `sampleRate`, in arrival order. */
  onAudio(samples: Int16Array): void;
  /** A mark sent with `sendMark` was reached (played, or dropped by `cancelAudio`). */
  onMark(name: string): void;
  /** A key pressed on the caller's side. */
  onDtmf?(digit: string): void;
  /** A protocol error; `fatal` ones are followed by `onDisconnect`. */
  onError(error: VoiceError): void;
  /** The transport is gone (stop, hang-up, socket closed); called once. */
  onDisconnect(reason: string): void;
}

export interface VoiceBackend {
  /** For logs and errors: `twilio-media-streams`, `browser`. */
  readonly name: string;
  /** Rate of the PCM16 going both ways through this interface. */
  readonly sampleRate: number;
  /** Attaches the session; events that arrived before are delivered now, in order. */
  connect(handlers: VoiceBackendHandlers): void;
  /** Queues audio for playback on the caller's side. */
  sendAudio(samples: Int16Array): void;
  /** Queues a mark behind the audio sent so far. */
  sendMark(name: string): void;
  /** Drops all queued playback at once (barge-in); pending marks come back through `onMark`. */
  cancelAudio(): void;
  /** Ends the call's transport; `onDisconnect` follows. */
  close(reason: string): void;
}
