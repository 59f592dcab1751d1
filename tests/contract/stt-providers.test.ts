/**
 * Every STT provider against the shared contract — Deepgram and OpenAI through their real SDKs
 * against loopback fakes of their wires, pocketsphinx for real, the mock — plus what is particular
 * to each vendor's wire (query parameters, multipart fields, auth header).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createDeepgramProvider, DeepgramSTTProvider } from '../../src/providers/deepgram/index.js';
import { createOpenAISTTProvider } from '../../src/providers/openai/index.js';
import { createPocketsphinxProvider } from '../../src/providers/pocketsphinx/index.js';
import { MockSTTProvider, type AudioInput, type STTProvider } from '../../src/providers/stt/index.js';
import { convertAudio, decodeAudio, encodeAudio } from '../../src/voice/audio.js';
import { startDeepgramFake } from '../support/voice-fakes/deepgram.js';
import { startOpenAIAudioFake } from '../support/voice-fakes/openai-audio.js';
import type { VoiceFake } from '../support/voice-fakes/shared.js';
import { useFake } from './speech-contract.js';
import { speechClip, sttProviderContract, type STTFixture } from './stt-provider-contract.js';

type Overrides = { apiKey?: string; origin?: string; timeoutMs?: number };

async function wireFixture(fake: VoiceFake, make: (o: Overrides) => STTProvider): Promise<STTFixture> {
  return {
    provider: make({}),
    abortRejects: 'reason',
    slowNext() {
      fake.script({ kind: 'hang' });
      return { started: fake.waitForRequest(fake.requests.length + 1).then(() => undefined) };
    },
    reset: () => fake.reset(),
    wire: {
      requestCount: () => fake.requests.length,
      script: (...replies) => fake.script(...replies),
      build: make,
    },
    close: () => fake.close(),
  };
}

const deepgram = async (): Promise<STTFixture> => {
  const fake = await startDeepgramFake();
  return wireFixture(fake, (o) => createDeepgramProvider({
    apiKey: o.apiKey ?? fake.apiKey, baseUrl: o.origin ?? fake.origin, ...(o.timeoutMs && { timeoutMs: o.timeoutMs }),
  }));
};

const openai = (model: string) => async (): Promise<STTFixture> => {
  const fake = await startOpenAIAudioFake();
  return wireFixture(fake, (o) => createOpenAISTTProvider({
    apiKey: o.apiKey ?? fake.apiKey, baseURL: `${o.origin ?? fake.origin}/v1`, model, ...(o.timeoutMs && { timeoutMs: o.timeoutMs }),
  }));
};

async function pocketsphinx(): Promise<STTFixture> {
  const provider = createPocketsphinxProvider();
  const speech = await speechClip();
  // ~25 s of speech: pocketsphinx needs seconds for it, time enough to be killed mid-run.
  const pcm = decodeAudio(speech.bytes, speech.format);
  const long = new Int16Array(pcm.samples.length * 20);
  for (let i = 0; i < 20; i++) long.set(pcm.samples, i * pcm.samples.length);
  const longClip: AudioInput = { bytes: encodeAudio({ samples: long, sampleRate: pcm.sampleRate }, { encoding: 'pcm16', sampleRate: 16000 }), format: { encoding: 'pcm16', sampleRate: 16000 } };
  return {
    provider,
    abortRejects: 'engine',
    slowNext() {
      const started = new Promise<void>((resolve) => {
        provider.onSpawn = () => { provider.onSpawn = undefined; resolve(); };
      });
      return { started, audio: longClip };
    },
    reset: () => { provider.onSpawn = undefined; },
    close: async () => {},
  };
}

async function mock(): Promise<STTFixture> {
  const provider = new MockSTTProvider({
    // Hears a phrase in anything louder than a whisper, nothing in silence.
    transcript: (audio) => {
      const { samples } = decodeAudio(audio.bytes, audio.format);
      const loud = samples.some((s) => Math.abs(s) > 328);
      return loud ? { text: 'where is my order please', confidence: 0.9 } : { text: '' };
    },
  });
  return {
    provider,
    abortRejects: 'reason',
    slowNext() {
      provider.delayMs = 10_000;
      return { started: Promise.resolve() };
    },
    reset: () => { provider.delayMs = 0; },
    close: async () => {},
  };
}

sttProviderContract('deepgram', deepgram, { wire: true });
sttProviderContract('openai (gpt-4o-mini-transcribe, json)', openai('gpt-4o-mini-transcribe'), { wire: true });
sttProviderContract('openai (whisper-1, verbose_json words)', openai('whisper-1'), { wire: true });
sttProviderContract('pocketsphinx (offline)', pocketsphinx, { wire: false });
sttProviderContract('mock', mock, { wire: false });

describe('Deepgram wire', () => {
  const fake = useFake(() => startDeepgramFake());
  let speech: AudioInput;
  beforeAll(async () => { speech = await speechClip(); });
  const provider = () => new DeepgramSTTProvider({ apiKey: fake().apiKey, baseUrl: fake().origin, model: 'nova-2-phonecall' });

  it('authenticates with `Token <key>` and sends model, language and punctuate as query parameters', async () => {
    await provider().transcribe(speech, { language: 'en-GB' });
    const sent = fake().requests[0];
    expect(sent.headers.authorization).toBe(`Token ${fake().apiKey}`);
    expect(Object.fromEntries(sent.url.searchParams)).toMatchObject({ model: 'nova-2-phonecall', language: 'en-GB', punctuate: 'true' });
  });

  it('sends a WAV as is, with no encoding, and raw μ-law with encoding and sample_rate', async () => {
    await provider().transcribe(speech);
    const wav = fake().requests[0];
    expect(wav.headers['content-type']).toBe('audio/wav');
    expect(wav.url.searchParams.has('encoding')).toBe(false);
    expect(Buffer.compare(wav.rawBody, Buffer.from(speech.bytes))).toBe(0);

    const phone = convertAudio(speech.bytes, speech.format, { encoding: 'mulaw', sampleRate: 8000 });
    await provider().transcribe({ bytes: phone, format: { encoding: 'mulaw', sampleRate: 8000 } });
    const raw = fake().requests[1];
    expect(Object.fromEntries(raw.url.searchParams)).toMatchObject({ encoding: 'mulaw', sample_rate: '8000', channels: '1' });
    expect(raw.rawBody.length).toBe(phone.length);
  });

  it('maps the punctuated transcript, confidence and words (seconds → ms)', async () => {
    const t = await provider().transcribe(speech);
    expect(t.text).toBe('Where is my order please?');
    expect(t.confidence).toBeCloseTo(0.97);
    expect(t.words?.map((w) => w.word)).toEqual(['Where', 'is', 'my', 'order', 'please?']);
    expect(t.words?.[0]).toMatchObject({ startMs: 0, confidence: 0.98 });
  });

  it('an unknown model is the vendor\'s permanent 400', async () => {
    const wrong = new DeepgramSTTProvider({ apiKey: fake().apiKey, baseUrl: fake().origin, model: 'nova-9' });
    await expect(wrong.transcribe(speech)).rejects.toMatchObject({ status: 400, permanent: true, vendorCode: 'Bad Request' });
  });
});

describe('OpenAI transcription wire', () => {
  const fake = useFake(() => startOpenAIAudioFake());
  let speech: AudioInput;
  beforeAll(async () => { speech = await speechClip(); });

  it('uploads a multipart WAV with model and the ISO-639-1 language, Bearer auth', async () => {
    const stt = createOpenAISTTProvider({ apiKey: fake().apiKey, baseURL: `${fake().origin}/v1` });
    const phone = convertAudio(speech.bytes, speech.format, { encoding: 'mulaw', sampleRate: 8000 });
    await stt.transcribe({ bytes: phone, format: { encoding: 'mulaw', sampleRate: 8000 } }, { language: 'en-US' });
    const sent = fake().requests[0];
    expect(sent.headers.authorization).toBe(`Bearer ${fake().apiKey}`);
    expect(sent.form?.get('model')).toBe('gpt-4o-mini-transcribe');
    expect(sent.form?.get('language')).toBe('en');
    expect(sent.form?.get('response_format')).toBe('json');
    const file = sent.form?.get('file') as File;
    expect(file.name).toBe('audio.wav');
    // μ-law went up as a WAV at its own 8 kHz: 44-byte header + 2 bytes a sample.
    expect(file.size).toBe(44 + phone.length * 2);
  });

  it('asks whisper-1 for verbose_json word timings', async () => {
    const stt = createOpenAISTTProvider({ apiKey: fake().apiKey, baseURL: `${fake().origin}/v1`, model: 'whisper-1' });
    const t = await stt.transcribe(speech);
    const sent = fake().requests[0];
    expect(sent.form?.get('response_format')).toBe('verbose_json');
    expect(sent.form?.getAll('timestamp_granularities[]')).toEqual(['word']);
    expect(t.words?.map((w) => w.word)).toEqual(['where', 'is', 'my', 'order', 'please']);
  });

  it('verbose_json on a gpt-4o model is the vendor\'s permanent 400', async () => {
    const stt = createOpenAISTTProvider({ apiKey: fake().apiKey, baseURL: `${fake().origin}/v1`, responseFormat: 'verbose_json' });
    await expect(stt.transcribe(speech)).rejects.toMatchObject({ status: 400, permanent: true, vendorCode: 'unsupported_value' });
  });
});
