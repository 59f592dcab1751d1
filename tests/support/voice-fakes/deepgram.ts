/**
 * A fake Deepgram pre-recorded API: `POST /v1/listen` with `Authorization: Token <key>`, the audio
 * as the raw body. Like Deepgram it reads a container (WAV) by itself, wants `encoding` and
 * `sample_rate` for headerless audio, refuses an unknown model, and answers the documented body
 * (`metadata` + `results.channels[].alternatives[]` with `transcript`, `confidence` and `words`
 * in seconds, `punctuated_word` with `punctuate=true`). Errors use Deepgram's envelope
 * `{ err_code, err_msg, request_id }` (developers.deepgram.com/docs/errors; the 400 "corrupt or
 * unsupported data" wording is theirs, the missing-`sample_rate` wording ours).
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  headerOf, isSilent, readMulaw, readPcm16, readWav, round3, startVoiceFake, wordsOver,
  type HeardAudio, type RecordedRequest, type Rendered, type VoiceFake, type VoiceWire,
} from './shared.js';

/** Models this fake knows (a subset of Deepgram's; enough to catch a typo). */
const MODELS = new Set(['nova-3', 'nova-3-general', 'nova-2', 'nova-2-general', 'nova-2-phonecall', 'nova-2-meeting', 'base', 'enhanced']);
const RAW_ENCODINGS = new Set(['linear16', 'mulaw', 'alaw', 'flac', 'opus', 'amr-nb', 'amr-wb', 'speex', 'g729']);

export interface DeepgramFake extends VoiceFake {
  /** What the fake "hears" in any non-silent clip (lower case, unpunctuated; `punctuate` adds the rest). */
  phrase: string;
}

function error(status: number, errCode: string, errMsg: string, headers: Record<string, string> = {}): Rendered {
  return { status, headers: { 'dg-request-id': randomUUID(), ...headers }, body: { err_code: errCode, err_msg: errMsg, request_id: randomUUID() } };
}

const CORRUPT = 'Bad Request: failed to process audio: corrupt or unsupported data';

/** The request's audio as Deepgram would decode it, or the 400 it would answer. */
function hear(request: RecordedRequest): HeardAudio | Rendered {
  const encoding = request.url.searchParams.get('encoding');
  const rate = Number(request.url.searchParams.get('sample_rate'));
  if (request.rawBody.length === 0) return error(400, 'Bad Request', CORRUPT);
  if (!encoding) {
    const wav = readWav(request.rawBody);
    return wav ?? error(400, 'Bad Request', CORRUPT);
  }
  if (!RAW_ENCODINGS.has(encoding)) return error(400, 'Bad Request', `Bad Request: unsupported encoding '${encoding}'`);
  if (!Number.isInteger(rate) || rate <= 0) return error(400, 'Bad Request', 'Bad Request: sample_rate must be specified for raw audio (encoding is set)');
  if (encoding === 'linear16') return { samples: readPcm16(request.rawBody), sampleRate: rate };
  if (encoding === 'mulaw') return { samples: readMulaw(request.rawBody), sampleRate: rate };
  return error(400, 'Bad Request', CORRUPT);
}

function punctuated(phrase: string): string[] {
  const words = phrase.split(/\s+/).filter(Boolean);
  return words.map((w, i) => {
    let out = i === 0 ? w[0].toUpperCase() + w.slice(1) : w;
    if (i === words.length - 1) out += phrase.trim().startsWith('where') ? '?' : '.';
    return out;
  });
}

export async function startDeepgramFake(options: { apiKey?: string; phrase?: string } = {}): Promise<DeepgramFake> {
  let fake: DeepgramFake;
  const wire: VoiceWire = {
    refuse(request, apiKey) {
      if (request.method !== 'POST' || request.url.pathname !== '/v1/listen') return error(404, 'NOT_FOUND', `Unknown path ${request.url.pathname}`);
      if (headerOf(request, 'authorization') !== `Token ${apiKey}`) return error(401, 'INVALID_AUTH', 'Invalid credentials.');
      const model = request.url.searchParams.get('model') ?? 'base';
      if (!MODELS.has(model)) return error(400, 'Bad Request', 'Bad Request: No such model/language/tier combination found.');
      // A JSON body means "transcribe this URL"; audio must come as audio.
      if ((headerOf(request, 'content-type') ?? '').includes('json')) return error(400, 'Bad Request', 'Bad Request: expected a JSON body with a `url`');
      const heard = hear(request);
      return 'status' in heard ? heard : undefined;
    },
    success(request) {
      const heard = hear(request) as HeardAudio;
      const duration = heard.samples.length / heard.sampleRate;
      const silent = isSilent(heard.samples);
      const punctuate = request.url.searchParams.get('punctuate') === 'true' || request.url.searchParams.get('smart_format') === 'true';
      const timed = silent ? [] : wordsOver(fake.phrase, duration);
      const shown = punctuate ? punctuated(fake.phrase) : fake.phrase.split(/\s+/);
      const words = timed.map((w, i) => ({ ...w, confidence: 0.98 - i * 0.01, ...(punctuate && { punctuated_word: shown[i] }) }));
      const model = request.url.searchParams.get('model') ?? 'base';
      const modelUuid = randomUUID();
      return {
        status: 200,
        headers: { 'dg-request-id': randomUUID() },
        body: {
          metadata: {
            transaction_key: 'deprecated',
            request_id: randomUUID(),
            sha256: createHash('sha256').update(request.rawBody).digest('hex'),
            created: new Date().toISOString(),
            duration: round3(duration),
            channels: 1,
            models: [modelUuid],
            model_info: { [modelUuid]: { name: `general-${model}`, version: '2025-01-01.0', arch: model.split('-').slice(0, 2).join('-') } },
          },
          results: {
            channels: [{
              alternatives: [{
                transcript: silent ? '' : (punctuate ? shown.join(' ') : fake.phrase),
                confidence: silent ? 0 : 0.97,
                words,
              }],
            }],
          },
        },
      };
    },
    error(status, message, headers) {
      if (status === 401) return error(401, 'INVALID_AUTH', message ?? 'Invalid credentials.', headers);
      if (status === 429) return error(429, 'TOO_MANY_REQUESTS', message ?? 'Too many requests. Please try again later', headers);
      if (status >= 500) return error(status, 'INTERNAL_SERVER_ERROR', message ?? 'An internal server error occurred.', headers);
      return error(status, 'Bad Request', message ?? CORRUPT, headers);
    },
  };
  const server = await startVoiceFake(wire, options.apiKey ?? 'dg-test-key-0123456789');
  fake = Object.assign(server, { phrase: options.phrase ?? 'where is my order please' });
  return fake;
}
