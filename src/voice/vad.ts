/**
 * Energy-based voice activity detection over PCM16 frames, with hysteresis and hangover: speech
 * starts after `minSpeechMs` of frames louder than `startDb`, and ends after `hangoverMs` of frames
 * quieter than `endDb` (so the short gaps between words do not end an utterance). Pure: no clock,
 * no I/O; time is counted in samples pushed.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../errors.js';

export const EnergyVadOptions = z.object({
  sampleRate: z.number().int().positive().default(8000),
  /** Analysis frame; pushed audio is cut into frames of this length (a partial tail waits). */
  frameMs: z.number().int().min(5).max(100).default(20),
  /** A frame at or above this RMS level (dBFS) counts as voiced. */
  startDb: z.number().max(0).default(-35),
  /** While speaking, a frame below this level counts as silence (≤ `startDb`: hysteresis). */
  endDb: z.number().max(0).default(-45),
  /** Voiced time needed before `speech_start` (filters clicks). */
  minSpeechMs: z.number().int().nonnegative().default(60),
  /** Silence needed before `speech_end`. */
  hangoverMs: z.number().int().nonnegative().default(400),
}).strict().refine((o) => o.endDb <= o.startDb, { message: 'endDb must not exceed startDb', path: ['endDb'] });
export type EnergyVadOptions = z.input<typeof EnergyVadOptions>;
type ResolvedOptions = z.output<typeof EnergyVadOptions>;

/** `atMs` counts from the first sample pushed; `speech_end` carries where its utterance began. */
export type VadEvent =
  | { type: 'speech_start'; atMs: number }
  | { type: 'speech_end'; atMs: number; startMs: number; durationMs: number };

/** RMS level of a frame in dBFS (full scale = 0 dB; digital silence = -Infinity). */
export function frameDb(frame: Int16Array): number {
  if (frame.length === 0) return -Infinity;
  let sum = 0;
  for (let i = 0; i < frame.length; i++) sum += frame[i] * frame[i];
  const rms = Math.sqrt(sum / frame.length);
  return rms === 0 ? -Infinity : 20 * Math.log10(rms / 32768);
}

/**
 * Streaming detector: push PCM16 chunks of any size, get the events they complete.
 *
 * @example
 * const vad = new EnergyVad({ sampleRate: 8000 });
 * for (const chunk of call) for (const e of vad.push(chunk)) if (e.type === 'speech_end') transcribe(e);
 */
export class EnergyVad {
  readonly options: ResolvedOptions;
  private readonly frameSize: number;
  private pending = new Int16Array(0);
  private framesSeen = 0;
  private speaking = false;
  private voicedRun = 0;
  private silentRun = 0;
  private startFrame = 0;
  private lastVoicedFrame = -1;

  constructor(options: EnergyVadOptions = {}) {
    const parsed = EnergyVadOptions.safeParse(options);
    if (!parsed.success) throw new RoomKitValidationError('VAD options', parsed.error.issues);
    this.options = parsed.data;
    this.frameSize = Math.max(1, Math.round((this.options.sampleRate * this.options.frameMs) / 1000));
  }

  get isSpeaking(): boolean {
    return this.speaking;
  }

  /** End (ms) of the last frame at or above `endDb`: speech duration without the hangover. */
  get lastVoicedMs(): number {
    return this.ms(this.lastVoicedFrame + 1);
  }

  push(samples: Int16Array): VadEvent[] {
    const all = new Int16Array(this.pending.length + samples.length);
    all.set(this.pending);
    all.set(samples, this.pending.length);
    const events: VadEvent[] = [];
    let at = 0;
    for (; at + this.frameSize <= all.length; at += this.frameSize) {
      const event = this.frame(all.subarray(at, at + this.frameSize));
      if (event) events.push(event);
    }
    this.pending = all.slice(at);
    return events;
  }

  /** Ends an utterance still open (the call hung up mid-sentence); none ⇒ `[]`. */
  flush(): VadEvent[] {
    if (!this.speaking) return [];
    this.speaking = false;
    return [this.end(this.framesSeen)];
  }

  private frame(frame: Int16Array): VadEvent | undefined {
    const index = this.framesSeen++;
    const db = frameDb(frame);
    const { minSpeechMs, hangoverMs, frameMs, startDb, endDb } = this.options;
    if (db >= endDb) this.lastVoicedFrame = index;
    if (!this.speaking) {
      this.voicedRun = db >= startDb ? this.voicedRun + 1 : 0;
      if (this.voicedRun * frameMs >= Math.max(minSpeechMs, frameMs)) {
        this.speaking = true;
        this.silentRun = 0;
        this.startFrame = index - this.voicedRun + 1;
        return { type: 'speech_start', atMs: this.ms(this.startFrame) };
      }
      return undefined;
    }
    this.silentRun = db < endDb ? this.silentRun + 1 : 0;
    if (this.silentRun * frameMs >= Math.max(hangoverMs, frameMs)) {
      this.speaking = false;
      this.voicedRun = 0;
      return this.end(index - this.silentRun + 1);
    }
    return undefined;
  }

  private end(endFrame: number): VadEvent {
    const startMs = this.ms(this.startFrame);
    const atMs = this.ms(endFrame);
    return { type: 'speech_end', atMs, startMs, durationMs: atMs - startMs };
  }

  private ms(frames: number): number {
    return Math.round((frames * this.frameSize * 1000) / this.options.sampleRate);
  }
}

/** Runs a fresh detector over a whole clip (flushing at the end) and returns every event. */
export function detectSpeech(samples: Int16Array, options: EnergyVadOptions = {}): VadEvent[] {
  const vad = new EnergyVad(options);
  return [...vad.push(samples), ...vad.flush()];
}
