import { describe, expect, it } from 'vitest';
import { RoomKitValidationError } from '../../../src/errors.js';
import { parseEspeakConfig } from '../../../src/providers/espeak/index.js';
import { parsePocketsphinxConfig, parsePocketsphinxOutput } from '../../../src/providers/pocketsphinx/index.js';
import { MockSTTProvider } from '../../../src/providers/stt/index.js';
import { MockTTSProvider } from '../../../src/providers/tts/index.js';
import { parseWav } from '../../../src/voice/audio.js';

describe('pocketsphinx output', () => {
  it('reads words, timings and posteriors, dropping markers and folding alternate pronunciations', () => {
    // Real `-time yes` output of pocketsphinx_continuous 5prealpha (Debian 0.8+5prealpha+1-15).
    const stdout = [
      'where is my order please',
      '<s> 0.000 0.020 0.999800',
      'where 0.030 0.250 0.693681',
      'is 0.260 0.370 0.026304',
      '<sil> 0.380 0.400 1.000000',
      'my 0.410 0.500 0.008669',
      'order(2) 0.510 0.870 0.993918',
      'please 0.880 1.350 0.908272',
      '</s> 1.360 1.820 1.000000',
      '',
    ].join('\n');
    const t = parsePocketsphinxOutput(stdout);
    expect(t.text).toBe('where is my order please');
    expect(t.words?.[3]).toEqual({ word: 'order', startMs: 510, endMs: 870, confidence: 0.993918 });
    expect(t.confidence).toBeCloseTo((0.693681 + 0.026304 + 0.008669 + 0.993918 + 0.908272) / 5, 6);
  });

  it('gives empty text for no utterance and falls back to hypothesis lines without timings', () => {
    expect(parsePocketsphinxOutput('')).toEqual({ text: '' });
    expect(parsePocketsphinxOutput('hello world\n')).toEqual({ text: 'hello world' });
  });
});

describe('engine configs', () => {
  it('defaults to the Debian model paths', () => {
    expect(parsePocketsphinxConfig()).toMatchObject({
      command: 'pocketsphinx_continuous',
      hmm: '/usr/share/pocketsphinx/model/en-us/en-us',
      lm: '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin',
      dict: '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict',
    });
    expect(parseEspeakConfig()).toMatchObject({ command: 'espeak-ng', voice: 'en-us', speed: 150 });
  });

  it('refuses option-like voices and unknown keys, naming the field', () => {
    expect(() => parseEspeakConfig({ voice: '-w/tmp/x' })).toThrow(RoomKitValidationError);
    expect(() => parseEspeakConfig({ voice: 'en-us+f3' })).not.toThrow();
    expect(() => parsePocketsphinxConfig({ model: 'x' } as never)).toThrow(/model/);
  });
});

describe('mock providers', () => {
  it('MockTTSProvider returns a WAV as long as the text takes to say and records the call', async () => {
    const tts = new MockTTSProvider();
    const out = await tts.synthesize('hello', { voice: 'x' });
    expect(out.format).toEqual({ encoding: 'wav', sampleRate: 16000 });
    expect(parseWav(out.bytes).samples.length).toBe(16000 * 0.3);
    expect(tts.calls).toEqual([{ text: 'hello', options: { voice: 'x' } }]);
  });

  it('MockSTTProvider answers its transcript and honours abort while delayed', async () => {
    const stt = new MockSTTProvider({ transcript: { text: 'where is my order' }, delayMs: 10_000 });
    const controller = new AbortController();
    const pending = stt.transcribe({ bytes: new Uint8Array(8), format: { encoding: 'mulaw', sampleRate: 8000 } }, { signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await expect(pending).rejects.toThrow('cancelled');
    stt.delayMs = 0;
    expect(await stt.transcribe({ bytes: new Uint8Array(8), format: { encoding: 'mulaw', sampleRate: 8000 } })).toEqual({ text: 'where is my order' });
  });
});
