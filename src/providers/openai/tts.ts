/**
 * Text-to-speech with OpenAI's speech endpoint through the `openai` SDK:
 * `client.audio.speech.create({ model, voice, input, response_format, speed?, instructions? },
 * { signal, maxRetries: 0 })` — `POST /v1/audio/speech`, the audio body read whole. `pcm` (the
 * default) is raw 24 kHz PCM16 LE mono; `wav` the same in a RIFF header.
 *
 * Keys and configuration: pass `apiKey` (the worker's entry point reads `OPENAI_API_KEY`; this
 * provider never reads the environment), `model` (default `gpt-4o-mini-tts`), `voice` (default
 * `alloy`), `responseFormat`, `baseURL` and `timeoutMs`. Runs inside an activity: SDK retries are
 * off and every failure leaves as a `VoiceVendorError` whose `permanent` decides Temporal's retry.
 *
 * @example
 * const tts = createOpenAITTSProvider({ apiKey: config.openaiApiKey, voice: 'coral' });
 * const { bytes, format } = await tts.synthesize('Your order ships today.'); // { encoding: 'pcm16', sampleRate: 24000 }
 */
import type OpenAI from 'openai';
import { wavFormat, type AudioFormat } from '../../voice/audio.js';
import { checkTextToSpeak, resolveSynthesizeOptions, type SynthesizedAudio, type SynthesizeOptions, type TTSProvider } from '../tts/base.js';
import { readAudioBody, speedFactor, vendorCall } from '../voice-vendor.js';
import { parseOpenAISpeechConfig, type OpenAISpeechConfig, type OpenAISpeechConfigInput } from './audio-config.js';
import { openAIAudioFacts } from './audio-errors.js';
import { loadOpenAIClient } from './sdk.js';

/** OpenAI's `pcm`: 24 kHz, 16-bit signed little-endian, mono, no header. */
export const OPENAI_PCM_FORMAT: AudioFormat = { encoding: 'pcm16', sampleRate: 24000 };
/** `speed` accepts 0.25–4.0 (1.0 is the voice's own pace). */
const SPEED_RANGE = { min: 0.25, max: 4 };

export class OpenAITTSProvider implements TTSProvider {
  readonly name = 'openai';
  readonly config: OpenAISpeechConfig;
  private client?: Promise<OpenAI>;

  constructor(config: OpenAISpeechConfigInput) {
    this.config = parseOpenAISpeechConfig(config);
  }

  async synthesize(text: string, options: SynthesizeOptions = {}): Promise<SynthesizedAudio> {
    const opts = resolveSynthesizeOptions(options);
    opts.signal?.throwIfAborted();
    checkTextToSpeak(text, this.config.maxTextLength);
    const timeoutMs = opts.timeoutMs ?? this.config.timeoutMs;
    const sdk = await this.sdk();
    const bytes = await vendorCall({
      vendor: this.name,
      timeoutMs,
      secrets: [this.config.apiKey],
      ...(opts.signal && { signal: opts.signal }),
      factsOf: openAIAudioFacts,
    }, async (signal) => {
      const response = await sdk.audio.speech.create({
        model: this.config.model,
        voice: opts.voice ?? this.config.voice,
        input: text,
        response_format: this.config.responseFormat,
        ...(opts.speed !== undefined && { speed: speedFactor(opts.speed, SPEED_RANGE) }),
        ...(this.config.instructions && { instructions: this.config.instructions }),
      }, { signal, timeout: timeoutMs, maxRetries: 0 });
      return readAudioBody(this.name, await response.arrayBuffer(), response.headers.get('content-type'));
    });
    return { bytes, format: this.config.responseFormat === 'wav' ? wavFormat(bytes) : OPENAI_PCM_FORMAT };
  }

  private sdk(): Promise<OpenAI> {
    this.client ??= loadOpenAIClient(this.config);
    return this.client;
  }
}

/**
 * @example
 * const tts = createOpenAITTSProvider({ apiKey: config.openaiApiKey });
 */
export function createOpenAITTSProvider(config: OpenAISpeechConfigInput): OpenAITTSProvider {
  return new OpenAITTSProvider(config);
}
