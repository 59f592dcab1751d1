import { decodeAudio, encodeAudio } from '../../voice/audio.js';
import { resolveTranscribeOptions, type AudioInput, type STTProvider, type TranscribeOptions, type Transcript } from '../stt/base.js';
import { parsePocketsphinxOutput, POCKETSPHINX_SAMPLE_RATE, runPocketsphinx } from './client.js';
import { parsePocketsphinxConfig, type PocketsphinxConfig, type PocketsphinxConfigInput } from './config.js';

/**
 * Offline speech-to-text with Debian's `pocketsphinx_continuous` and its US English model. Weak
 * (it was state of the art in 2010) but needs no network and no download: good for tests, demos and
 * keyword-level intents. Any input format is converted to 16 kHz PCM16 WAV first; telephone audio
 * (8 kHz μ-law) is upsampled, which cannot restore the missing high band, so expect more errors.
 *
 * @example
 * const stt = createPocketsphinxProvider();
 * const { text } = await stt.transcribe({ bytes: mulaw, format: { encoding: 'mulaw', sampleRate: 8000 } });
 */
export class PocketsphinxSTTProvider implements STTProvider {
  readonly name = 'pocketsphinx';
  readonly config: PocketsphinxConfig;
  onSpawn: ((pid: number) => void) | undefined;

  constructor(config: PocketsphinxConfigInput = {}) {
    this.config = parsePocketsphinxConfig(config);
  }

  async transcribe(audio: AudioInput, options: TranscribeOptions = {}): Promise<Transcript> {
    const opts = resolveTranscribeOptions(options);
    const wav16k = encodeAudio(decodeAudio(audio.bytes, audio.format), { encoding: 'wav', sampleRate: POCKETSPHINX_SAMPLE_RATE });
    const stdout = await runPocketsphinx(this.config, wav16k, {
      timeoutMs: opts.timeoutMs ?? this.config.timeoutMs,
      ...(opts.signal && { signal: opts.signal }),
      ...(this.onSpawn && { onSpawn: this.onSpawn }),
    });
    return parsePocketsphinxOutput(stdout);
  }
}

export function createPocketsphinxProvider(config: PocketsphinxConfigInput = {}): PocketsphinxSTTProvider {
  return new PocketsphinxSTTProvider(config);
}
