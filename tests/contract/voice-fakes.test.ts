/**
 * The voice vendor fakes refuse what the vendors refuse: if a fake accepted a request the vendor
 * would not (a missing key, the wrong auth scheme, headerless audio without its encoding), a
 * provider bug would pass the contract suites. Raw `fetch`, no SDK.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeepgramFake, type DeepgramFake } from '../support/voice-fakes/deepgram.js';
import { ELEVENLABS_VOICES, startElevenLabsFake } from '../support/voice-fakes/elevenlabs.js';
import { startOpenAIAudioFake, type OpenAIAudioFake } from '../support/voice-fakes/openai-audio.js';
import { wavBytes, type VoiceFake } from '../support/voice-fakes/shared.js';

const post = async (url: string, init: RequestInit) => {
  const res = await fetch(url, { method: 'POST', ...init });
  return { status: res.status, body: (await res.json()) as unknown };
};

describe('Deepgram fake', () => {
  let fake: DeepgramFake;
  beforeAll(async () => { fake = await startDeepgramFake(); });
  afterAll(() => fake.close());
  const listen = (query: string, headers: Record<string, string>, body: Uint8Array) => post(`${fake.origin}/v1/listen?${query}`, { headers, body });
  const wav = wavBytes(new Int16Array(1600), 16000);

  it('refuses a missing key and a Bearer key with INVALID_AUTH', async () => {
    expect(await listen('model=nova-3', {}, wav)).toMatchObject({ status: 401, body: { err_code: 'INVALID_AUTH' } });
    expect(await listen('model=nova-3', { authorization: `Bearer ${fake.apiKey}` }, wav)).toMatchObject({ status: 401 });
  });

  it('refuses headerless audio without encoding, and an encoding without sample_rate', async () => {
    const auth = { authorization: `Token ${fake.apiKey}` };
    expect(await listen('model=nova-3', auth, new Uint8Array(3200))).toMatchObject({ status: 400, body: { err_msg: expect.stringMatching(/corrupt or unsupported/) } });
    expect(await listen('model=nova-3&encoding=linear16', auth, new Uint8Array(3200))).toMatchObject({ status: 400 });
    expect(await listen('model=nova-3', auth, wav)).toMatchObject({ status: 200, body: { results: { channels: [{ alternatives: [{ transcript: '' }] }] } } });
  });
});

describe('OpenAI audio fake', () => {
  let fake: OpenAIAudioFake;
  beforeAll(async () => { fake = await startOpenAIAudioFake(); });
  afterAll(() => fake.close());

  it('refuses a missing key, a JSON transcription body and over-long speech input', async () => {
    expect(await post(`${fake.origin}/v1/audio/speech`, { headers: { 'content-type': 'application/json' }, body: '{}' })).toMatchObject({ status: 401 });
    const auth = { authorization: `Bearer ${fake.apiKey}`, 'content-type': 'application/json' };
    expect(await post(`${fake.origin}/v1/audio/transcriptions`, { headers: auth, body: JSON.stringify({ model: 'whisper-1' }) }))
      .toMatchObject({ status: 400, body: { error: { message: 'Could not parse multipart form' } } });
    expect(await post(`${fake.origin}/v1/audio/speech`, { headers: auth, body: JSON.stringify({ model: 'tts-1', voice: 'alloy', input: 'x'.repeat(4097) }) }))
      .toMatchObject({ status: 400, body: { error: { code: 'string_above_max_length' } } });
  });

  it('refuses audio shorter than 0.1 s and files of an unsupported type', async () => {
    const form = (name: string, bytes: Uint8Array) => {
      const f = new FormData();
      f.set('file', new File([bytes], name));
      f.set('model', 'gpt-4o-mini-transcribe');
      return f;
    };
    const headers = { authorization: `Bearer ${fake.apiKey}` };
    expect(await post(`${fake.origin}/v1/audio/transcriptions`, { headers, body: form('a.wav', wavBytes(new Int16Array(800), 16000)) }))
      .toMatchObject({ status: 400, body: { error: { code: 'audio_too_short' } } });
    expect(await post(`${fake.origin}/v1/audio/transcriptions`, { headers, body: form('a.raw', new Uint8Array(32000)) }))
      .toMatchObject({ status: 400, body: { error: { code: 'invalid_value' } } });
  });
});

describe('ElevenLabs fake', () => {
  let fake: VoiceFake;
  beforeAll(async () => { fake = await startElevenLabsFake(); });
  afterAll(() => fake.close());
  const tts = (headers: Record<string, string>, body: unknown) =>
    post(`${fake.origin}/v1/text-to-speech/${ELEVENLABS_VOICES[0]}?output_format=pcm_16000`, { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('refuses a missing xi-api-key, a Bearer key and a body without text', async () => {
    expect(await tts({}, { text: 'hi' })).toMatchObject({ status: 401, body: { detail: { status: 'needs_authorization' } } });
    expect(await tts({ authorization: `Bearer ${fake.apiKey}` }, { text: 'hi' })).toMatchObject({ status: 401 });
    expect(await tts({ 'xi-api-key': fake.apiKey }, { model_id: 'eleven_flash_v2_5' })).toMatchObject({ status: 422, body: { detail: [{ loc: ['body', 'text'] }] } });
  });
});
