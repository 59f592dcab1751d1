/** Zod-free, so workflow code can read it without evaluating the models' schemas (bench/README.md «Heap»). */
import type { AudioFormat } from './voice.js';

/** What a phone call plays when a voice binding names no `audioFormat`: G.711 μ-law at 8 kHz. */
export const PHONE_AUDIO_FORMAT: AudioFormat = { encoding: 'mulaw', sampleRate: 8000 };
