import { RoomKitValidationError } from '../../errors.js';
import { parseWav } from '../../voice/audio.js';
import { resolveSynthesizeOptions, type SynthesizedAudio, type SynthesizeOptions, type TTSProvider } from '../tts/base.js';
import { runEspeak } from './client.js';
import { EspeakVoice, parseEspeakConfig, type EspeakConfig, type EspeakConfigInput } from './config.js';

/**
 * Offline text-to-speech with the Debian `espeak-ng` binary: robotic, instant, no network, no model
 * download. Returns espeak-ng's WAV as is (PCM16 mono, 22,050 Hz).
 *
 * @example
 * const tts = createEspeakProvider({ voice: 'en-us', speed: 150 });
 * const { bytes, format } = await tts.synthesize('where is my order');
 */
export class EspeakTTSProvider implements TTSProvider {
  readonly name = 'espeak-ng';
  readonly config: EspeakConfig;
  /** Pids of running children (tests check that cancellation kills them). */
  onSpawn: ((pid: number) => void) | undefined;

  constructor(config: EspeakConfigInput = {}) {
    this.config = parseEspeakConfig(config);
  }

  async synthesize(text: string, options: SynthesizeOptions = {}): Promise<SynthesizedAudio> {
    const opts = resolveSynthesizeOptions(options);
    const voice = EspeakVoice.safeParse(opts.voice ?? this.config.voice);
    if (!voice.success) throw new RoomKitValidationError('espeak-ng voice', voice.error.issues, ['voice']);
    if (!text.trim()) throw new RoomKitValidationError('text to speak', [{ code: 'custom', path: [], message: 'must not be blank', input: text }]);
    if (text.length > this.config.maxTextLength) {
      throw new RoomKitValidationError('text to speak', [{ code: 'custom', path: [], message: `longer than ${this.config.maxTextLength} characters`, input: text.length }]);
    }
    const wav = await runEspeak(this.config.command, text, {
      voice: voice.data,
      speed: opts.speed ?? this.config.speed,
      timeoutMs: opts.timeoutMs ?? this.config.timeoutMs,
      ...(opts.signal && { signal: opts.signal }),
      ...(this.onSpawn && { onSpawn: this.onSpawn }),
    });
    const bytes = new Uint8Array(wav.buffer, wav.byteOffset, wav.byteLength);
    return { bytes, format: { encoding: 'wav', sampleRate: parseWav(bytes).sampleRate } };
  }
}

export function createEspeakProvider(config: EspeakConfigInput = {}): EspeakTTSProvider {
  return new EspeakTTSProvider(config);
}
