/**
 * Text-to-speech with ElevenLabs through `@elevenlabs/elevenlabs-js` (v2):
 * `client.textToSpeech.convert(voiceId, { text, modelId, outputFormat, voiceSettings? },
 * { abortSignal, maxRetries: 0 }).withRawResponse()`, the streamed audio read whole (refused when
 * the 200 is JSON, not audio). It asks for a raw format (`pcm_16000` by default, `ulaw_8000` for a
 * phone call) so the clip needs no decoder: the returned `AudioFormat` says how to read it.
 *
 * Keys and configuration: pass `apiKey` (the worker's entry point reads `ELEVENLABS_API_KEY`; this
 * provider never reads the environment), `voiceId`, `modelId` (default `eleven_flash_v2_5`),
 * `outputFormat`, `baseUrl` (default `https://api.elevenlabs.io`; a residency host or a test fake
 * otherwise) and `timeoutMs`. Runs inside an activity: SDK retries are off and every failure
 * leaves as a `VoiceVendorError` whose `permanent` decides Temporal's retry.
 *
 * @example
 * const tts = createElevenLabsProvider({ apiKey: config.elevenLabsApiKey, voiceId: 'JBFqnCBsd6RMkjVDRZzb', outputFormat: 'ulaw_8000' });
 * const { bytes, format } = await tts.synthesize('Your order ships today.'); // format: 8 kHz μ-law
 */
import type { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import { RoomKitValidationError } from '../../errors.js';
import { checkTextToSpeak, resolveSynthesizeOptions, type SynthesizedAudio, type SynthesizeOptions, type TTSProvider } from '../tts/base.js';
import { readAudioBody, speedFactor, vendorCall, vendorErrorText, type VendorFacts } from '../voice-vendor.js';
import { elevenLabsAudioFormat } from './client.js';
import { ElevenLabsConfigSchema, parseElevenLabsConfig, type ElevenLabsConfig, type ElevenLabsConfigInput } from './config.js';

/** `voice_settings.speed` accepts 0.7–1.2 (1.0 is the voice's own pace). */
const SPEED_RANGE = { min: 0.7, max: 1.2 };
const VoiceId = ElevenLabsConfigSchema.shape.voiceId;

export class ElevenLabsTTSProvider implements TTSProvider {
  readonly name = 'elevenlabs';
  readonly config: ElevenLabsConfig;
  private client?: Promise<ElevenLabsClient>;
  private sdkModule?: Promise<typeof import('@elevenlabs/elevenlabs-js')>;

  constructor(config: ElevenLabsConfigInput) {
    this.config = parseElevenLabsConfig(config);
  }

  async synthesize(text: string, options: SynthesizeOptions = {}): Promise<SynthesizedAudio> {
    const opts = resolveSynthesizeOptions(options);
    opts.signal?.throwIfAborted();
    checkTextToSpeak(text, this.config.maxTextLength);
    const voice = VoiceId.safeParse(opts.voice ?? this.config.voiceId);
    if (!voice.success) throw new RoomKitValidationError('ElevenLabs voice id', voice.error.issues, ['voice']);
    const timeoutMs = opts.timeoutMs ?? this.config.timeoutMs;
    const sdk = await this.sdk();
    const { ElevenLabsError, ElevenLabsTimeoutError } = await this.module();
    const bytes = await vendorCall({
      vendor: this.name,
      timeoutMs,
      secrets: [this.config.apiKey],
      ...(opts.signal && { signal: opts.signal }),
      factsOf: (error): VendorFacts | undefined => {
        if (error instanceof ElevenLabsTimeoutError) return { kind: 'timeout' };
        if (!(error instanceof ElevenLabsError)) return undefined;
        if (error.statusCode === undefined) return { kind: 'connection', vendorMessage: error.message };
        return { kind: 'http', status: error.statusCode, headers: error.rawResponse?.headers, ...vendorErrorText(error.body) };
      },
    }, async (signal) => {
      const { data, rawResponse } = await sdk.textToSpeech.convert(voice.data, {
        text,
        modelId: this.config.modelId,
        outputFormat: this.config.outputFormat,
        ...(opts.speed !== undefined && { voiceSettings: { speed: speedFactor(opts.speed, SPEED_RANGE) } }),
      }, { abortSignal: signal, maxRetries: 0, timeoutInSeconds: timeoutMs / 1000 }).withRawResponse();
      return readAudioBody(this.name, data, rawResponse.headers.get('content-type'));
    });
    return { bytes, format: elevenLabsAudioFormat(this.config.outputFormat) };
  }

  private module(): Promise<typeof import('@elevenlabs/elevenlabs-js')> {
    this.sdkModule ??= import('@elevenlabs/elevenlabs-js');
    return this.sdkModule;
  }

  /** Loaded on first use so importing RoomKit does not pay for the SDK. */
  private sdk(): Promise<ElevenLabsClient> {
    this.client ??= this.module().then(({ ElevenLabsClient: Sdk }) => new Sdk({
      apiKey: this.config.apiKey,
      baseUrl: this.config.baseUrl,
      maxRetries: 0,
      timeoutInSeconds: this.config.timeoutMs / 1000,
    }));
    return this.client;
  }
}

/**
 * @example
 * const tts = createElevenLabsProvider({ apiKey: config.elevenLabsApiKey, voiceId: 'JBFqnCBsd6RMkjVDRZzb' });
 */
export function createElevenLabsProvider(config: ElevenLabsConfigInput): ElevenLabsTTSProvider {
  return new ElevenLabsTTSProvider(config);
}
