/**
 * A fake ElevenLabs text-to-speech API: `POST /v1/text-to-speech/{voice_id}?output_format=…` with
 * `xi-api-key`, a JSON body (`text`, `model_id`, `voice_settings`). Like ElevenLabs it refuses a
 * missing or wrong key (401), an unknown voice or model and a blank text (400), a body without
 * `text` (422, FastAPI's `detail[]`), an unknown output format and a speed outside 0.7–1.2, and
 * answers the audio in the asked raw format (`pcm_<rate>` PCM16 LE, `ulaw_8000` μ-law). Errors
 * use ElevenLabs' `{ detail: { status, message } }` (help center, "API - Error Code 400 or 401":
 * `invalid_api_key`, `voice_not_found`, `max_character_limit_exceeded`); the exact wording of the
 * missing-key, unknown-model and 429 answers is ours, the status codes and envelope are theirs.
 */
import {
  headerOf, mulawBytes, pcm16Bytes, startVoiceFake, toneFor, type Rendered, type VoiceFake, type VoiceWire,
} from './shared.js';

/** George and Rachel, two of the library's premade voices. */
export const ELEVENLABS_VOICES = ['JBFqnCBsd6RMkjVDRZzb', '21m00Tcm4TlvDq8ikWAM'];
const MODELS = new Set(['eleven_flash_v2_5', 'eleven_turbo_v2_5', 'eleven_multilingual_v2', 'eleven_v3', 'eleven_flash_v2', 'eleven_monolingual_v1']);
const RAW = /^(pcm_(8000|16000|22050|24000|44100|48000)|ulaw_8000)$/;

function detail(status: number, code: string, message: string, headers: Record<string, string> = {}): Rendered {
  return { status, headers: { 'request-id': `req${Math.random().toString(36).slice(2, 12)}`, ...headers }, body: { detail: { status: code, message } } };
}

export async function startElevenLabsFake(options: { apiKey?: string } = {}): Promise<VoiceFake> {
  const wire: VoiceWire = {
    refuse(request, apiKey) {
      const m = /^\/v1\/text-to-speech\/([^/]+)$/.exec(request.url.pathname);
      if (request.method !== 'POST' || !m) return { status: 404, body: { detail: 'Not Found' } };
      const key = headerOf(request, 'xi-api-key');
      if (!key) return detail(401, 'needs_authorization', 'Neither authorization header nor xi-api-key received, please provide one.');
      if (key !== apiKey) return detail(401, 'invalid_api_key', 'Invalid API key');
      const body = request.json;
      if (!body || typeof body !== 'object' || typeof body.text !== 'string') {
        return { status: 422, body: { detail: [{ type: 'missing', loc: ['body', 'text'], msg: 'Field required', input: body ?? null }] } };
      }
      const voiceId = decodeURIComponent(m[1]);
      if (!ELEVENLABS_VOICES.includes(voiceId)) return detail(400, 'voice_not_found', `A voice with the voice_id ${voiceId} was not found.`);
      if (body.model_id !== undefined && !MODELS.has(body.model_id)) return detail(400, 'model_not_found', `A model with model ID ${body.model_id} does not exist.`);
      if (!body.text.trim()) return detail(400, 'empty_text', 'Text must not be empty.');
      const format = request.url.searchParams.get('output_format') ?? 'mp3_44100_128';
      if (!RAW.test(format) && !/^(mp3|opus|wav|alaw)_/.test(format)) return detail(400, 'invalid_output_format', `Invalid output format: ${format}`);
      const speed = body.voice_settings?.speed;
      if (speed !== undefined && (typeof speed !== 'number' || speed < 0.7 || speed > 1.2)) {
        return { status: 422, body: { detail: [{ type: 'less_than_equal', loc: ['body', 'voice_settings', 'speed'], msg: 'Input should be between 0.7 and 1.2', input: speed }] } };
      }
      return undefined;
    },
    success(request) {
      const format = request.url.searchParams.get('output_format') ?? 'mp3_44100_128';
      if (!RAW.test(format)) return detail(400, 'unsupported_by_fake', `this fake speaks raw formats only, not ${format}`);
      const [codec, rate] = format.split('_');
      const samples = toneFor(request.json.text, Number(rate));
      const headers = { 'request-id': `req${Math.random().toString(36).slice(2, 12)}`, 'x-character-count': String(request.json.text.length) };
      return codec === 'ulaw'
        ? { status: 200, headers, body: mulawBytes(samples), contentType: 'audio/basic' }
        : { status: 200, headers, body: pcm16Bytes(samples), contentType: 'audio/pcm' };
    },
    error(status, message, headers) {
      if (status === 401) return detail(401, 'invalid_api_key', message ?? 'Invalid API key', headers);
      if (status === 429) return detail(429, 'too_many_concurrent_requests', message ?? 'Too many concurrent requests for your subscription.', headers);
      if (status >= 500) return detail(status, 'internal_server_error', message ?? 'An internal error occurred.', headers);
      return detail(status, 'invalid_request', message ?? `scripted ${status}`, headers);
    },
  };
  return startVoiceFake(wire, options.apiKey ?? 'xi-test-key-0123456789');
}
