import type { AudioInput, STTProvider, TranscribeOptions, Transcript } from './base.js';

export interface MockSTTCall {
  audio: AudioInput;
  options: TranscribeOptions;
}

export interface MockSTTProviderOptions {
  /** The answer to every call, or a function of the audio. Default `{ text: '' }`. */
  transcript?: Transcript | ((audio: AudioInput) => Transcript);
  /** Wait this long before answering (aborted by the signal). */
  delayMs?: number;
}

/**
 * Records every call and answers with a fixed transcript.
 *
 * @example
 * const stt = new MockSTTProvider({ transcript: { text: 'where is my order' } });
 */
export class MockSTTProvider implements STTProvider {
  readonly name = 'mock';
  readonly calls: MockSTTCall[] = [];
  transcript: Transcript | ((audio: AudioInput) => Transcript);
  delayMs: number;

  constructor(options: MockSTTProviderOptions = {}) {
    this.transcript = options.transcript ?? { text: '' };
    this.delayMs = options.delayMs ?? 0;
  }

  async transcribe(audio: AudioInput, options: TranscribeOptions = {}): Promise<Transcript> {
    this.calls.push({ audio, options });
    options.signal?.throwIfAborted();
    if (this.delayMs) await abortableDelay(this.delayMs, options.signal);
    return typeof this.transcript === 'function' ? this.transcript(audio) : this.transcript;
  }
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(signal?.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
