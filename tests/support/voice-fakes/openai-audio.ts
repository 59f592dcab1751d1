/**
 * A fake OpenAI audio API, `Authorization: Bearer <key>`:
 * - `POST /v1/audio/transcriptions`, multipart (`file`, `model`, `language`, `response_format`,
 *   `timestamp_granularities[]`): refuses a non-multipart body, a missing file or model, a file
 *   type outside the documented list, audio it cannot decode or shorter than 0.1 s, and
 *   `verbose_json` on a model other than whisper; answers `{ text, usage }` (json) or
 *   `{ task, language, duration, text, words, usage }` (verbose_json).
 * - `POST /v1/audio/speech`, JSON (`model`, `input` ≤ 4,096 chars, `voice`, `response_format`,
 *   `speed` 0.25–4): answers the audio (`pcm` = raw 24 kHz PCM16 LE mono; `wav`).
 * Errors use OpenAI's envelope `{ error: { message, type, param, code } }`.
 */
import {
  headerOf, isSilent, readWav, round3, startVoiceFake, toneFor, pcm16Bytes, wavBytes, wordsOver,
  type RecordedRequest, type Rendered, type VoiceFake, type VoiceWire,
} from './shared.js';

const TRANSCRIBE_MODELS = new Set(['whisper-1', 'gpt-4o-transcribe', 'gpt-4o-mini-transcribe', 'gpt-4o-transcribe-diarize']);
const SPEECH_MODELS = new Set(['tts-1', 'tts-1-hd', 'gpt-4o-mini-tts', 'gpt-4o-mini-tts-2025-12-15']);
const VOICES = new Set(['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer', 'verse', 'marin', 'cedar']);
const FILE_TYPES = ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm'];
const SPEECH_FORMATS = new Set(['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm']);

const TYPES: Record<number, string> = { 400: 'invalid_request_error', 401: 'invalid_request_error', 404: 'invalid_request_error', 429: 'requests' };

export function openAIError(status: number, message: string, param: string | null = null, code: string | null = null, headers: Record<string, string> = {}): Rendered {
  return {
    status,
    headers: { 'x-request-id': `req_${Math.random().toString(36).slice(2, 14)}`, ...headers },
    body: { error: { message, type: TYPES[status] ?? 'server_error', param, code } },
  };
}

export interface OpenAIAudioFake extends VoiceFake {
  /** What the fake "hears" in any non-silent clip. */
  phrase: string;
}

function refuseTranscription(request: RecordedRequest): Rendered | undefined {
  const form = request.form;
  if (!form) return openAIError(400, 'Could not parse multipart form');
  const file = form.get('file');
  const model = form.get('model');
  if (!(file instanceof File)) return openAIError(400, "Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
  if (typeof model !== 'string' || !model) return openAIError(400, 'you must provide a model parameter', null, null);
  if (!TRANSCRIBE_MODELS.has(model)) return openAIError(400, `Invalid model ${model}. The model must be one of ${[...TRANSCRIBE_MODELS].join(', ')}.`, 'model', 'invalid_model');
  const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
  if (!FILE_TYPES.includes(ext)) {
    return openAIError(400, `Invalid file format. Supported formats: ${JSON.stringify(FILE_TYPES)}`, 'file', 'invalid_value');
  }
  const format = form.get('response_format') ?? 'json';
  if (!['json', 'text', 'srt', 'verbose_json', 'vtt', 'diarized_json'].includes(String(format))) {
    return openAIError(400, `Invalid value for 'response_format': '${String(format)}'.`, 'response_format', 'invalid_value');
  }
  if (format === 'verbose_json' && model !== 'whisper-1') {
    return openAIError(400, `response_format 'verbose_json' is not compatible with model '${model}'. Use 'json' or 'text' instead.`, 'response_format', 'unsupported_value');
  }
  const granularities = form.getAll('timestamp_granularities[]');
  if (granularities.length && format !== 'verbose_json') {
    return openAIError(400, "timestamp_granularities is only supported with response_format 'verbose_json'.", 'timestamp_granularities', 'invalid_value');
  }
  const language = form.get('language');
  if (language !== null && !/^[a-z]{2,3}$/.test(String(language))) {
    return openAIError(400, `Invalid language '${String(language)}'. Language parameter must be specified in ISO-639-1 format.`, 'language', 'invalid_language_format');
  }
  return undefined;
}

async function heardFile(request: RecordedRequest) {
  const file = request.form!.get('file') as File;
  return readWav(Buffer.from(await file.arrayBuffer()));
}

function refuseSpeech(request: RecordedRequest): Rendered | undefined {
  const body = request.json;
  if (!body || typeof body !== 'object') return openAIError(400, 'We could not parse the JSON body of your request.');
  if (typeof body.model !== 'string' || !SPEECH_MODELS.has(body.model)) return openAIError(400, `Invalid model '${String(body.model)}'.`, 'model', 'invalid_model');
  if (typeof body.input !== 'string' || body.input.length === 0) return openAIError(400, "Invalid 'input': empty string. Expected a string with minimum length 1.", 'input', 'empty_string');
  if (body.input.length > 4096) {
    return openAIError(400, `Invalid 'input': string too long. Expected a string with maximum length 4096, but got a string with length ${body.input.length} instead.`, 'input', 'string_above_max_length');
  }
  if (typeof body.voice !== 'string' || !VOICES.has(body.voice)) return openAIError(400, `Invalid value for 'voice': '${String(body.voice)}'.`, 'voice', 'invalid_value');
  if (body.response_format !== undefined && !SPEECH_FORMATS.has(body.response_format)) {
    return openAIError(400, `Invalid value for 'response_format': '${String(body.response_format)}'.`, 'response_format', 'invalid_value');
  }
  if (body.speed !== undefined && (typeof body.speed !== 'number' || body.speed < 0.25 || body.speed > 4)) {
    return openAIError(400, `Invalid 'speed': ${String(body.speed)}. Expected a value between 0.25 and 4.0.`, 'speed', 'decimal_out_of_range');
  }
  return undefined;
}

export async function startOpenAIAudioFake(options: { apiKey?: string; phrase?: string } = {}): Promise<OpenAIAudioFake> {
  let fake: OpenAIAudioFake;
  const wire: VoiceWire = {
    async refuse(request, apiKey) {
      const path = request.url.pathname;
      if (request.method !== 'POST' || (path !== '/v1/audio/transcriptions' && path !== '/v1/audio/speech')) {
        return openAIError(404, `Invalid URL (${request.method} ${path})`);
      }
      const key = headerOf(request, 'authorization')?.replace(/^Bearer /, '');
      if (key !== apiKey) {
        // Echoes the whole key (OpenAI masks the middle): lets a test prove the provider scrubs it.
        return key
          ? openAIError(401, `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`, null, 'invalid_api_key')
          : openAIError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
      }
      if (path === '/v1/audio/speech') return refuseSpeech(request);
      const refused = refuseTranscription(request);
      if (refused) return refused;
      const heard = await heardFile(request);
      if (!heard) return openAIError(400, 'The audio file could not be decoded or its format is not supported.', 'file', null);
      if (heard.samples.length / heard.sampleRate < 0.1) return openAIError(400, 'Audio file is too short. Minimum audio length is 0.1 seconds.', 'file', 'audio_too_short');
      return undefined;
    },
    async success(request) {
      if (request.url.pathname === '/v1/audio/speech') {
        const format = request.json.response_format ?? 'mp3';
        const samples = toneFor(request.json.input, 24000);
        if (format === 'pcm') return { status: 200, body: pcm16Bytes(samples), contentType: 'audio/pcm' };
        if (format === 'wav') return { status: 200, body: wavBytes(samples, 24000), contentType: 'audio/wav' };
        return openAIError(400, `this fake speaks pcm and wav only, not ${format}`);
      }
      const form = request.form!;
      const heard = (await heardFile(request))!;
      const duration = heard.samples.length / heard.sampleRate;
      const model = String(form.get('model'));
      const text = isSilent(heard.samples) ? '' : `${fake.phrase[0].toUpperCase()}${fake.phrase.slice(1)}?`;
      const usage = model === 'whisper-1'
        ? { type: 'duration', seconds: Math.ceil(duration) }
        : {
          type: 'tokens', input_tokens: Math.ceil(duration * 10), input_token_details: { text_tokens: 0, audio_tokens: Math.ceil(duration * 10) },
          output_tokens: 6, total_tokens: Math.ceil(duration * 10) + 6,
        };
      const verbose = form.get('response_format') === 'verbose_json';
      return {
        status: 200,
        body: verbose
          ? {
            task: 'transcribe', language: 'english', duration: round3(duration), text, usage,
            // Word timings only when asked for (`timestamp_granularities[]=word`), as the API does.
            ...(form.getAll('timestamp_granularities[]').includes('word') && { words: text ? wordsOver(fake.phrase, duration) : [] }),
          }
          : { text, usage },
      };
    },
    error(status, message, headers) {
      const code = status === 429 ? 'rate_limit_exceeded' : status === 401 ? 'invalid_api_key' : null;
      return openAIError(status, message ?? (status >= 500 ? 'The server had an error while processing your request. Sorry about that!' : `scripted ${status}`), null, code, headers);
    },
  };
  const server = await startVoiceFake(wire, options.apiKey ?? 'sk-test-audio-0123456789');
  fake = Object.assign(server, { phrase: options.phrase ?? 'where is my order please' });
  return fake;
}
