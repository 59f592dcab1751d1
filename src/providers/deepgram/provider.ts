/**
 * Speech-to-text with Deepgram's pre-recorded API through `@deepgram/sdk` (v5):
 * `client.listen.v1.media.transcribeFile({ data, contentType }, { model, language, punctuate,
 * encoding }, { queryParams: { sample_rate, channels }, abortSignal, maxRetries: 0 })`.
 *
 * Keys and configuration: pass `apiKey` (the worker's entry point reads `DEEPGRAM_API_KEY` and
 * parses it with the rest of its config; this provider never reads the environment), `model`
 * (default `nova-3`), `baseUrl` (default `https://api.deepgram.com`; a test fake or self-hosted
 * Deepgram otherwise) and `timeoutMs`. Runs inside an activity: SDK retries are off and every
 * failure leaves as a `VoiceVendorError` whose `permanent` decides Temporal's retry.
 *
 * @example
 * const stt = createDeepgramProvider({ apiKey: config.deepgramApiKey, model: 'nova-2-phonecall' });
 * const { text, words } = await stt.transcribe({ bytes: mulaw, format: { encoding: 'mulaw', sampleRate: 8000 } });
 */
import type { DeepgramClient } from '@deepgram/sdk';
import { decodeAudio } from '../../voice/audio.js';
import { resolveTranscribeOptions, type AudioInput, type STTProvider, type TranscribeOptions, type Transcript } from '../stt/base.js';
import { vendorCall, vendorErrorText, type VendorFacts } from '../voice-vendor.js';
import { deepgramUpload, fromDeepgramResponse } from './client.js';
import { parseDeepgramConfig, type DeepgramConfig, type DeepgramConfigInput } from './config.js';

export class DeepgramSTTProvider implements STTProvider {
  readonly name = 'deepgram';
  readonly config: DeepgramConfig;
  private client?: Promise<DeepgramClient>;
  private sdkModule?: Promise<typeof import('@deepgram/sdk')>;

  constructor(config: DeepgramConfigInput) {
    this.config = parseDeepgramConfig(config);
  }

  async transcribe(audio: AudioInput, options: TranscribeOptions = {}): Promise<Transcript> {
    const opts = resolveTranscribeOptions(options);
    opts.signal?.throwIfAborted();
    // No samples, nothing said: Deepgram would bill a request (or refuse the empty body) for it.
    if (decodeAudio(audio.bytes, audio.format).samples.length === 0) return { text: '' };
    const upload = deepgramUpload(audio.format);
    const timeoutMs = opts.timeoutMs ?? this.config.timeoutMs;
    const sdk = await this.sdk();
    const { DeepgramError, DeepgramTimeoutError } = await this.module();
    const body = await vendorCall({
      vendor: this.name,
      timeoutMs,
      secrets: [this.config.apiKey],
      ...(opts.signal && { signal: opts.signal }),
      factsOf: (error): VendorFacts | undefined => {
        if (error instanceof DeepgramTimeoutError) return { kind: 'timeout' };
        if (!(error instanceof DeepgramError)) return undefined;
        if (error.statusCode === undefined) return { kind: 'connection', vendorMessage: error.message };
        return { kind: 'http', status: error.statusCode, headers: error.rawResponse?.headers, ...vendorErrorText(error.body) };
      },
    }, (signal) => sdk.listen.v1.media.transcribeFile(
      { data: audio.bytes, contentType: upload.contentType },
      {
        model: this.config.model,
        language: opts.language,
        punctuate: this.config.punctuate,
        ...(this.config.smartFormat && { smart_format: true }),
        ...(upload.encoding && { encoding: upload.encoding }),
      },
      { abortSignal: signal, maxRetries: 0, timeoutInSeconds: timeoutMs / 1000, queryParams: upload.extraQuery },
    ));
    return fromDeepgramResponse(body);
  }

  private module(): Promise<typeof import('@deepgram/sdk')> {
    this.sdkModule ??= import('@deepgram/sdk');
    return this.sdkModule;
  }

  /** Loaded on first use so importing RoomKit does not pay for the SDK. */
  private sdk(): Promise<DeepgramClient> {
    this.client ??= this.module().then(({ DeepgramClient: Sdk }) => new Sdk({
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
 * const stt = createDeepgramProvider({ apiKey: config.deepgramApiKey });
 */
export function createDeepgramProvider(config: DeepgramConfigInput): DeepgramSTTProvider {
  return new DeepgramSTTProvider(config);
}
