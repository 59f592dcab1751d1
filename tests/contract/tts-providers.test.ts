/**
 * Every TTS provider against the shared contract — ElevenLabs and OpenAI through their real SDKs
 * against loopback fakes of their wires, espeak-ng for real, the mock — plus what is particular
 * to each vendor's wire (path, auth header, body fields, output format).
 */
import { describe, expect, it } from 'vitest';
import { createElevenLabsProvider } from '../../src/providers/elevenlabs/index.js';
import { createEspeakProvider } from '../../src/providers/espeak/index.js';
import { createOpenAITTSProvider } from '../../src/providers/openai/index.js';
import { MockTTSProvider, type TTSProvider } from '../../src/providers/tts/index.js';
import { audioDurationMs } from '../../src/voice/audio.js';
import { ELEVENLABS_VOICES, startElevenLabsFake } from '../support/voice-fakes/elevenlabs.js';
import { startOpenAIAudioFake } from '../support/voice-fakes/openai-audio.js';
import type { VoiceFake } from '../support/voice-fakes/shared.js';
import { useFake } from './speech-contract.js';
import { ttsProviderContract, type TTSFixture } from './tts-provider-contract.js';

type Overrides = { apiKey?: string; origin?: string; timeoutMs?: number };

function wireFixture(fake: VoiceFake, format: TTSFixture['format'], make: (o: Overrides) => TTSProvider): TTSFixture {
  return {
    provider: make({}),
    format,
    abortRejects: 'reason',
    slowNext() {
      fake.script({ kind: 'hang' });
      return { started: fake.waitForRequest(fake.requests.length + 1).then(() => undefined) };
    },
    reset: () => fake.reset(),
    wire: { requestCount: () => fake.requests.length, script: (...r) => fake.script(...r), build: make },
    close: () => fake.close(),
  };
}

const elevenlabs = (outputFormat: 'pcm_16000' | 'ulaw_8000') => async (): Promise<TTSFixture> => {
  const fake = await startElevenLabsFake();
  const format = outputFormat === 'pcm_16000' ? { encoding: 'pcm16', sampleRate: 16000 } as const : { encoding: 'mulaw', sampleRate: 8000 } as const;
  return wireFixture(fake, format, (o) => createElevenLabsProvider({
    apiKey: o.apiKey ?? fake.apiKey, baseUrl: o.origin ?? fake.origin, voiceId: ELEVENLABS_VOICES[0], outputFormat,
    ...(o.timeoutMs && { timeoutMs: o.timeoutMs }),
  }));
};

const openai = (responseFormat: 'pcm' | 'wav') => async (): Promise<TTSFixture> => {
  const fake = await startOpenAIAudioFake();
  const format = responseFormat === 'pcm' ? { encoding: 'pcm16', sampleRate: 24000 } as const : { encoding: 'wav', sampleRate: 24000 } as const;
  return wireFixture(fake, format, (o) => createOpenAITTSProvider({
    apiKey: o.apiKey ?? fake.apiKey, baseURL: `${o.origin ?? fake.origin}/v1`, responseFormat, ...(o.timeoutMs && { timeoutMs: o.timeoutMs }),
  }));
};

async function espeak(): Promise<TTSFixture> {
  const provider = createEspeakProvider();
  return {
    provider,
    format: { encoding: 'wav', sampleRate: 22050 },
    abortRejects: 'engine',
    slowNext() {
      const started = new Promise<void>((resolve) => {
        provider.onSpawn = () => { provider.onSpawn = undefined; resolve(); };
      });
      return { started, text: 'where is my order '.repeat(1000) };
    },
    reset: () => { provider.onSpawn = undefined; },
    close: async () => {},
  };
}

async function mock(): Promise<TTSFixture> {
  const provider = new MockTTSProvider();
  return {
    provider,
    format: { encoding: 'wav', sampleRate: 16000 },
    abortRejects: 'reason',
    slowNext() {
      provider.delayMs = 10_000;
      return { started: Promise.resolve() };
    },
    reset: () => { provider.delayMs = 0; },
    close: async () => {},
  };
}

ttsProviderContract('elevenlabs (pcm_16000)', elevenlabs('pcm_16000'), { wire: true });
ttsProviderContract('elevenlabs (ulaw_8000)', elevenlabs('ulaw_8000'), { wire: true });
ttsProviderContract('openai (pcm)', openai('pcm'), { wire: true });
ttsProviderContract('openai (wav)', openai('wav'), { wire: true });
ttsProviderContract('espeak-ng (offline)', espeak, { wire: false });
ttsProviderContract('mock', mock, { wire: false });

describe('ElevenLabs wire', () => {
  const fake = useFake(() => startElevenLabsFake());
  const provider = (extra: { voiceId?: string; modelId?: string } = {}) => createElevenLabsProvider({
    apiKey: fake().apiKey, baseUrl: fake().origin, voiceId: ELEVENLABS_VOICES[0], ...extra,
  });

  it('posts the text and model to /v1/text-to-speech/{voice} with xi-api-key and output_format', async () => {
    await provider({ modelId: 'eleven_multilingual_v2' }).synthesize('Hello there.');
    const sent = fake().requests[0];
    expect(sent.url.pathname).toBe(`/v1/text-to-speech/${ELEVENLABS_VOICES[0]}`);
    expect(sent.url.searchParams.get('output_format')).toBe('pcm_16000');
    expect(sent.headers['xi-api-key']).toBe(fake().apiKey);
    expect(sent.json).toEqual({ text: 'Hello there.', model_id: 'eleven_multilingual_v2' });
  });

  it('a call\'s voice overrides the configured one, and its speed goes as voice_settings.speed', async () => {
    await provider().synthesize('Hello there.', { voice: ELEVENLABS_VOICES[1], speed: 200 });
    const sent = fake().requests[0];
    expect(sent.url.pathname).toBe(`/v1/text-to-speech/${ELEVENLABS_VOICES[1]}`);
    expect(sent.json.voice_settings).toEqual({ speed: 1.2 });
  });

  it('an unknown voice is the vendor\'s permanent 400 voice_not_found', async () => {
    await expect(provider({ voiceId: 'NoSuchVoice000000000' }).synthesize('Hello.')).rejects.toMatchObject({
      status: 400, permanent: true, vendorCode: 'voice_not_found',
    });
  });
});

describe('OpenAI speech wire', () => {
  const fake = useFake(() => startOpenAIAudioFake());

  it('posts model, voice, input and response_format with Bearer auth; pcm is 24 kHz PCM16', async () => {
    const tts = createOpenAITTSProvider({ apiKey: fake().apiKey, baseURL: `${fake().origin}/v1`, voice: 'coral' });
    const out = await tts.synthesize('Hello there.', { speed: 240 });
    const sent = fake().requests[0];
    expect(sent.url.pathname).toBe('/v1/audio/speech');
    expect(sent.headers.authorization).toBe(`Bearer ${fake().apiKey}`);
    expect(sent.json).toEqual({ model: 'gpt-4o-mini-tts', voice: 'coral', input: 'Hello there.', response_format: 'pcm', speed: 1.5 });
    // The fake speaks ~65 ms a character: 12 characters ≈ 780 ms at 24 kHz.
    expect(audioDurationMs(out.bytes, out.format)).toBe(780);
  });

  it('an unknown voice is the vendor\'s permanent 400', async () => {
    const tts = createOpenAITTSProvider({ apiKey: fake().apiKey, baseURL: `${fake().origin}/v1` });
    await expect(tts.synthesize('Hello.', { voice: 'nobody' })).rejects.toMatchObject({ status: 400, permanent: true, vendorCode: 'invalid_value' });
  });
});
