/**
 * The offline engines for real: espeak-ng speaks, the audio takes a phone call's path (8 kHz μ-law
 * and back), pocketsphinx listens. Needs the Debian packages espeak-ng, pocketsphinx and
 * pocketsphinx-en-us.
 */
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createVoiceActivities } from '../../activities/voice.js';
import { InMemoryAudioStore } from '../../src/voice/audio-store.js';
import { convertAudio, decodeAudio, parseWav } from '../../src/voice/audio.js';
import { detectSpeech } from '../../src/voice/vad.js';
import {
  EngineAbortedError, EngineFailedError, EngineNotInstalledError, EngineTimeoutError,
} from '../../src/providers/engine.js';
import { createEspeakProvider } from '../../src/providers/espeak/index.js';
import { createPocketsphinxProvider } from '../../src/providers/pocketsphinx/index.js';
import { RoomKitValidationError } from '../../src/errors.js';

const tts = createEspeakProvider();
const stt = createPocketsphinxProvider();
const PHONE = { encoding: 'mulaw', sampleRate: 8000 } as const;

describe('espeak-ng → phone line → pocketsphinx', () => {
  it('hears "order" in "where is my order" after 8 kHz μ-law and back', async () => {
    const spoken = await tts.synthesize('where is my order');
    expect(spoken.format).toEqual({ encoding: 'wav', sampleRate: 22050 });
    const { samples } = parseWav(spoken.bytes);
    expect(samples.length / 22050).toBeGreaterThan(0.8);

    const phone = convertAudio(spoken.bytes, spoken.format, PHONE);
    const speech = detectSpeech(decodeAudio(phone, PHONE).samples, { sampleRate: 8000 });
    expect(speech.map((e) => e.type)).toEqual(['speech_start', 'speech_end']);

    const transcript = await stt.transcribe({ bytes: phone, format: PHONE });
    console.info(`phone-path transcript: ${JSON.stringify(transcript.text)} (confidence ${transcript.confidence?.toFixed(2)})`);
    expect(transcript.text.split(' ')).toContain('order');
    expect(transcript.words?.find((w) => w.word === 'order')).toMatchObject({ startMs: expect.any(Number), endMs: expect.any(Number) });
  });

  it('transcribes the same phrase at full quality word for word', async () => {
    const spoken = await tts.synthesize('where is my order please');
    const transcript = await stt.transcribe(spoken);
    console.info(`direct transcript: ${JSON.stringify(transcript.text)}`);
    expect(transcript.text).toBe('where is my order please');
  });

  it('returns an empty transcript for silence', async () => {
    const silence = new Uint8Array(16000).fill(0xff); // 2 s of μ-law silence
    expect((await stt.transcribe({ bytes: silence, format: PHONE })).text).toBe('');
  });
});

describe('engine failures', () => {
  it('names the Debian package when a binary is missing', async () => {
    const err = await createEspeakProvider({ command: 'espeak-ng-not-here' }).synthesize('hi').catch((e) => e);
    expect(err).toBeInstanceOf(EngineNotInstalledError);
    expect(err).toMatchObject({ name: 'EngineNotInstalledError', debianPackage: 'espeak-ng' });
    const stt2 = createPocketsphinxProvider({ modelDir: '/nonexistent/model' });
    await expect(stt2.transcribe({ bytes: new Uint8Array(800), format: PHONE })).rejects.toThrow(/pocketsphinx-en-us/);
  });

  it('reports a non-zero exit with the engine\'s last stderr line', async () => {
    const err = await tts.synthesize('hello', { voice: 'xx-nope' }).catch((e) => e);
    expect(err).toBeInstanceOf(EngineFailedError);
    expect(err).toMatchObject({ exitCode: 1 });
    expect(err.message).toMatch(/voice does not exist/);
  });

  it('refuses a voice that looks like an option and blank text, before spawning', async () => {
    await expect(tts.synthesize('hello', { voice: '--stdout' })).rejects.toThrow(RoomKitValidationError);
    await expect(tts.synthesize('   ')).rejects.toThrow(RoomKitValidationError);
  });

  it('reads text from stdin, so option-like text is spoken, not obeyed', async () => {
    const out = await tts.synthesize('-v xx --help');
    expect(parseWav(out.bytes).samples.length).toBeGreaterThan(10_000);
  });

  it('kills the engine on timeout and on abort', async () => {
    const long = 'where is my order '.repeat(1000);
    await expect(tts.synthesize(long, { timeoutMs: 50 })).rejects.toThrow(EngineTimeoutError);
    const controller = new AbortController();
    const pids: number[] = [];
    const espeak = createEspeakProvider();
    espeak.onSpawn = (pid) => { pids.push(pid); setTimeout(() => controller.abort(), 50); };
    await expect(espeak.synthesize(long, { signal: controller.signal })).rejects.toThrow(EngineAbortedError);
    expect(pids).toHaveLength(1);
    expect(() => process.kill(pids[0], 0)).toThrow(/ESRCH/);
  });
});

/** `env.run` types its result as unknown (it infers R from nothing); this keeps the activity's. */
const inActivity = <R>(env: MockActivityEnvironment, fn: () => Promise<R>): Promise<R> => env.run(fn) as Promise<R>;

describe('voice activities over the real engines (MockActivityEnvironment)', () => {
  it('synthesize stores 8 kHz μ-law and transcribe reads it back by ref', async () => {
    const store = new InMemoryAudioStore();
    const acts = createVoiceActivities({ tts: createEspeakProvider(), stt: createPocketsphinxProvider(), audioStore: store });
    const env = new MockActivityEnvironment();
    let beats = 0;
    env.on('heartbeat', () => beats++);
    const ref = await inActivity(env, () => acts.synthesize({ text: 'where is my order', format: PHONE }));
    expect(ref).toMatchObject({ format: PHONE, bytes: expect.any(Number) });
    expect(ref.durationMs).toBeGreaterThan(800);
    expect(JSON.stringify(ref).length).toBeLessThan(200); // what history would hold
    const heard = await inActivity(env, () => acts.transcribe({ audio: ref }));
    expect(heard.text.split(' ')).toContain('order');
    expect(heard.audio).toEqual(ref);
    expect(beats).toBeGreaterThanOrEqual(2);
  });

  it('cancelling a synthesize kills the espeak-ng child and stores nothing', async () => {
    const store = new InMemoryAudioStore();
    const tts = createEspeakProvider();
    const acts = createVoiceActivities({ tts, audioStore: store, heartbeatMs: 100 });
    const env = new MockActivityEnvironment();
    const pids: number[] = [];
    tts.onSpawn = (pid) => pids.push(pid);
    let beatsWhileRunning = 0;
    env.on('heartbeat', () => {
      if (pids.length && ++beatsWhileRunning === 2) env.cancel();
    });
    const started = Date.now();
    const err = await inActivity(env, () => acts.synthesize({ text: 'where is my order '.repeat(1000) })).catch((e) => e);
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(pids).toHaveLength(1);
    expect(() => process.kill(pids[0], 0)).toThrow(/ESRCH/);
    expect(store.size).toBe(0);
  });
});
