import { describe, expect, it } from 'vitest';
import { RoomKitValidationError } from '../../../src/errors.js';
import { detectSpeech, EnergyVad, frameDb } from '../../../src/voice/vad.js';

const RATE = 8000;
const tone = (ms: number, amp = 6000): Int16Array =>
  Int16Array.from({ length: (RATE * ms) / 1000 }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * 300 * i) / RATE)));
const silence = (ms: number): Int16Array => new Int16Array((RATE * ms) / 1000);
const concat = (...parts: Int16Array[]): Int16Array => {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};

describe('energy VAD', () => {
  it('measures frames in dBFS', () => {
    expect(frameDb(new Int16Array(160))).toBe(-Infinity);
    expect(frameDb(new Int16Array(160).fill(16384))).toBeCloseTo(-6.02, 1);
  });

  it('reports one utterance with its start and end', () => {
    const events = detectSpeech(concat(silence(500), tone(1000), silence(1000)), { sampleRate: RATE });
    expect(events).toEqual([
      { type: 'speech_start', atMs: 500 },
      { type: 'speech_end', atMs: 1500, startMs: 500, durationMs: 1000 },
    ]);
  });

  it('bridges a gap shorter than the hangover and splits at a longer one', () => {
    const short = detectSpeech(concat(tone(300), silence(200), tone(300), silence(600)), { sampleRate: RATE, hangoverMs: 300 });
    expect(short.map((e) => e.type)).toEqual(['speech_start', 'speech_end']);
    const long = detectSpeech(concat(tone(300), silence(500), tone(300), silence(600)), { sampleRate: RATE, hangoverMs: 300 });
    expect(long.map((e) => e.type)).toEqual(['speech_start', 'speech_end', 'speech_start', 'speech_end']);
  });

  it('ignores clicks shorter than minSpeechMs and sound below startDb', () => {
    expect(detectSpeech(concat(silence(100), tone(40), silence(500)), { sampleRate: RATE, minSpeechMs: 100 })).toEqual([]);
    expect(detectSpeech(tone(1000, 200), { sampleRate: RATE, startDb: -35 })).toEqual([]); // ≈ -47 dBFS
  });

  it('keeps speaking between endDb and startDb (hysteresis)', () => {
    // -41 dBFS: too quiet to start, loud enough not to end.
    const events = detectSpeech(concat(tone(200), tone(1000, 400), silence(600)), { sampleRate: RATE, startDb: -35, endDb: -45 });
    expect(events).toEqual([
      { type: 'speech_start', atMs: 0 },
      { type: 'speech_end', atMs: 1200, startMs: 0, durationMs: 1200 },
    ]);
  });

  it('gives the same events whatever the chunk size', () => {
    const clip = concat(silence(330), tone(710), silence(900), tone(250), silence(50));
    const whole = detectSpeech(clip, { sampleRate: RATE });
    const vad = new EnergyVad({ sampleRate: RATE });
    const chunked = [];
    for (let at = 0; at < clip.length; at += 37) chunked.push(...vad.push(clip.subarray(at, at + 37)));
    chunked.push(...vad.flush());
    expect(chunked).toEqual(whole);
    expect(whole.at(-1)).toMatchObject({ type: 'speech_end', atMs: 2240 }); // flushed at the end of the clip
  });

  it('refuses inconsistent thresholds', () => {
    expect(() => new EnergyVad({ startDb: -50, endDb: -40 })).toThrow(RoomKitValidationError);
  });
});
