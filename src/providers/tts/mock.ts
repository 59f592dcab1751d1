import { writeWav } from '../../voice/audio.js';
import { abortableDelay } from '../stt/mock.js';
import { checkTextToSpeak, type SynthesizeOptions, type SynthesizedAudio, type TTSProvider } from './base.js';

export interface MockTTSCall {
  text: string;
  options: SynthesizeOptions;
}

export interface MockTTSProviderOptions {
  /** Rate of the WAV it returns; default 16,000. */
  sampleRate?: number;
  /** Milliseconds of audio per character of text; default 60 (about a speaker's pace). */
  msPerChar?: number;
  /** Wait this long before answering (aborted by the signal). */
  delayMs?: number;
}

/**
 * Records every call and answers with a quiet 440 Hz tone as long as the text would take to say.
 *
 * @example
 * const tts = new MockTTSProvider();
 * const { bytes, format } = await tts.synthesize('hello'); // 300 ms of 16 kHz WAV
 */
export class MockTTSProvider implements TTSProvider {
  readonly name = 'mock';
  readonly calls: MockTTSCall[] = [];
  readonly sampleRate: number;
  readonly msPerChar: number;
  delayMs: number;

  constructor(options: MockTTSProviderOptions = {}) {
    this.sampleRate = options.sampleRate ?? 16000;
    this.msPerChar = options.msPerChar ?? 60;
    this.delayMs = options.delayMs ?? 0;
  }

  async synthesize(text: string, options: SynthesizeOptions = {}): Promise<SynthesizedAudio> {
    this.calls.push({ text, options });
    // Refuses what every real engine refuses, so code tested against the mock meets the same contract.
    checkTextToSpeak(text, 100_000);
    options.signal?.throwIfAborted();
    if (this.delayMs) await abortableDelay(this.delayMs, options.signal);
    const length = Math.round((text.length * this.msPerChar * this.sampleRate) / 1000);
    const samples = Int16Array.from({ length }, (_, i) => Math.round(2000 * Math.sin((2 * Math.PI * 440 * i) / this.sampleRate)));
    return { bytes: writeWav(samples, this.sampleRate), format: { encoding: 'wav', sampleRate: this.sampleRate } };
  }
}
