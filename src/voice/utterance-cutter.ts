/**
 * Turn-taking on the caller's side: cuts a stream of PCM16 into utterances with the energy VAD.
 * Speech starts and ends with the VAD's hysteresis and hangover; an utterance shorter than
 * `minUtteranceMs` is dropped (a cough, a click), one longer than `maxUtteranceMs` is cut there and
 * continues as the next one. Pure: time is the count of samples pushed, so it is the call's media
 * clock, not the wall clock.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../errors.js';
import { EnergyVad, type EnergyVadOptions } from './vad.js';

export const TurnOptions = z.object({
  /** Shorter speech is not an utterance. */
  minUtteranceMs: z.number().int().nonnegative().default(200),
  /** Longer speech is cut into utterances of at most this length. */
  maxUtteranceMs: z.number().int().positive().default(30_000),
  /** Audio kept on each side of the detected speech (the VAD reports speech a frame or two late). */
  paddingMs: z.number().int().nonnegative().max(1000).default(100),
}).strict();
export type TurnOptions = z.input<typeof TurnOptions>;

export type CutterEvent =
  | { type: 'speech_start'; atMs: number }
  | { type: 'utterance'; startMs: number; endMs: number; samples: Int16Array; truncated: boolean };

interface Chunk { start: number; samples: Int16Array }

/**
 * @example
 * const cutter = new UtteranceCutter({ sampleRate: 8000 });
 * for (const e of cutter.push(frame)) if (e.type === 'utterance') store(e.samples);
 */
export class UtteranceCutter {
  readonly sampleRate: number;
  private readonly turn: z.output<typeof TurnOptions>;
  private readonly vad: EnergyVad;
  private chunks: Chunk[] = [];
  private samplesSeen = 0;
  /** Start (ms) of the utterance being spoken; undefined in silence. */
  private segmentStart: number | undefined;
  private continuation = false;

  constructor(vad: EnergyVadOptions & { sampleRate: number }, turn: TurnOptions = {}) {
    const parsed = TurnOptions.safeParse(turn);
    if (!parsed.success) throw new RoomKitValidationError('turn options', parsed.error.issues);
    this.turn = parsed.data;
    this.vad = new EnergyVad(vad);
    this.sampleRate = this.vad.options.sampleRate;
  }

  /** Media clock: milliseconds of audio pushed so far. */
  get clockMs(): number {
    return this.toMs(this.samplesSeen);
  }

  /** When the speech under way started (ms on the media clock); undefined in silence. */
  get speechStartMs(): number | undefined {
    return this.segmentStart;
  }

  /** End (ms) of the last voiced frame: how long the current speech has lasted, hangover excluded. */
  get lastVoicedMs(): number {
    return this.vad.lastVoicedMs;
  }

  push(samples: Int16Array): CutterEvent[] {
    this.chunks.push({ start: this.samplesSeen, samples });
    this.samplesSeen += samples.length;
    const out: CutterEvent[] = [];
    for (const e of this.vad.push(samples)) {
      if (e.type === 'speech_start') {
        this.segmentStart = e.atMs;
        this.continuation = false;
        out.push({ type: 'speech_start', atMs: e.atMs });
      } else {
        this.cut(e.atMs, false, out);
        this.segmentStart = undefined;
      }
    }
    if (this.segmentStart !== undefined && this.clockMs - this.segmentStart >= this.turn.maxUtteranceMs) {
      this.cut(this.clockMs, true, out);
      this.segmentStart = this.clockMs;
      this.continuation = true;
    }
    this.trim();
    return out;
  }

  /** Ends speech still under way (the call ended mid-sentence). */
  flush(): CutterEvent[] {
    const out: CutterEvent[] = [];
    if (this.segmentStart !== undefined) {
      this.vad.flush();
      this.cut(this.clockMs, false, out);
      this.segmentStart = undefined;
    }
    return out;
  }

  private cut(endMs: number, truncated: boolean, out: CutterEvent[]): void {
    const startMs = this.segmentStart ?? endMs;
    if (endMs - startMs < this.turn.minUtteranceMs && !this.continuation) return;
    const from = this.continuation ? startMs : Math.max(0, startMs - this.turn.paddingMs);
    const to = truncated ? endMs : Math.min(this.clockMs, endMs + this.turn.paddingMs);
    out.push({ type: 'utterance', startMs, endMs, samples: this.slice(this.toSamples(from), this.toSamples(to)), truncated });
  }

  private slice(from: number, to: number): Int16Array {
    const out = new Int16Array(Math.max(0, to - from));
    for (const { start, samples } of this.chunks) {
      const a = Math.max(from, start);
      const b = Math.min(to, start + samples.length);
      if (a < b) out.set(samples.subarray(a - start, b - start), a - from);
    }
    return out;
  }

  /** Keeps what a future utterance may still need: its padding before the VAD's late start. */
  private trim(): void {
    const keepMs = this.segmentStart ?? this.clockMs - 2 * (this.vad.options.minSpeechMs + this.vad.options.frameMs);
    const keepFrom = this.toSamples(Math.max(0, keepMs - this.turn.paddingMs - this.vad.options.frameMs));
    while (this.chunks.length > 1 && this.chunks[0].start + this.chunks[0].samples.length <= keepFrom) this.chunks.shift();
  }

  private toMs(samples: number): number {
    return Math.round((samples * 1000) / this.sampleRate);
  }

  private toSamples(ms: number): number {
    return Math.round((ms * this.sampleRate) / 1000);
  }
}
