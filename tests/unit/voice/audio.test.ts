import { describe, expect, it } from 'vitest';
import {
  convertAudio, decodeAudio, mulawDecodeSample, mulawEncodeSample, mulawToPcm16, parseWav, pcm16FromBytes,
  pcm16ToBytes, pcm16ToMulaw, resample, writeWav,
} from '../../../src/voice/audio.js';
import { AudioFormatError } from '../../../src/voice/errors.js';

const tone = (hz: number, rate: number, ms: number, amp = 8000): Int16Array =>
  Int16Array.from({ length: Math.round((rate * ms) / 1000) }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * hz * i) / rate)));

describe('μ-law (G.711)', () => {
  it('matches the reference encoder on known values', () => {
    // Values from the ITU-T G.711 tables: silence is 0xFF, full scale 0x80 / 0x00.
    expect(mulawEncodeSample(0)).toBe(0xff);
    expect(mulawEncodeSample(32767)).toBe(0x80);
    expect(mulawEncodeSample(-32768)).toBe(0x00);
    expect(mulawDecodeSample(0xff)).toBe(0);
    expect(mulawDecodeSample(0x80)).toBe(32124);
    expect(mulawDecodeSample(0x00)).toBe(-32124);
  });

  it('decodes every byte back to itself after re-encoding', () => {
    for (let b = 0; b < 256; b++) {
      if (b === 0x7f) continue; // negative zero: decodes to 0, which encodes as 0xFF
      expect(mulawEncodeSample(mulawDecodeSample(b))).toBe(b);
    }
  });

  it('round-trips PCM16 within the quantisation step (≤ 1/16 of the magnitude + 8)', () => {
    const samples = Int16Array.from({ length: 4001 }, (_, i) => (i - 2000) * 16);
    const back = mulawToPcm16(pcm16ToMulaw(samples));
    for (let i = 0; i < samples.length; i++) {
      expect(Math.abs(back[i] - samples[i])).toBeLessThanOrEqual(Math.abs(samples[i]) / 16 + 8);
    }
  });

  it('takes one byte per sample', () => {
    expect(pcm16ToMulaw(new Int16Array(160)).byteLength).toBe(160); // one 20 ms Twilio frame
  });
});

describe('PCM16 bytes', () => {
  it('is little-endian', () => {
    expect([...pcm16ToBytes(Int16Array.of(0x0102, -2))]).toEqual([0x02, 0x01, 0xfe, 0xff]);
    expect([...pcm16FromBytes(Uint8Array.of(0x02, 0x01, 0xfe, 0xff, 0x7))]).toEqual([0x0102, -2]);
  });
});

describe('resample', () => {
  it('keeps the duration (22,050 → 8,000 → 16,000)', () => {
    const src = tone(440, 22050, 1000);
    const down = resample(src, 22050, 8000);
    expect(down.length).toBe(8000);
    expect(resample(down, 8000, 16000).length).toBe(16000);
  });

  it('keeps a tone below the new Nyquist frequency at about its level', () => {
    const down = resample(tone(300, 16000, 500), 16000, 8000);
    const peak = Math.max(...down.slice(100, -100));
    expect(peak).toBeGreaterThan(7000);
    expect(peak).toBeLessThanOrEqual(8000);
  });

  it('interpolates linearly when going up', () => {
    expect([...resample(Int16Array.of(0, 100, 200), 1, 2)]).toEqual([0, 50, 100, 150, 200, 200]);
  });

  it('returns a copy at the same rate', () => {
    const src = Int16Array.of(1, 2, 3);
    const out = resample(src, 8000, 8000);
    expect(out).toEqual(src);
    expect(out).not.toBe(src);
  });
});

describe('WAV', () => {
  it('writes a 44-byte RIFF header and reads it back', () => {
    const samples = tone(200, 16000, 100);
    const wav = writeWav(samples, 16000);
    expect(wav.byteLength).toBe(44 + samples.length * 2);
    expect(String.fromCharCode(...wav.subarray(0, 4))).toBe('RIFF');
    const parsed = parseWav(wav);
    expect(parsed).toMatchObject({ sampleRate: 16000, channels: 1 });
    expect(parsed.samples).toEqual(samples);
  });

  it('clamps the streaming sizes espeak-ng writes to the bytes present', () => {
    const wav = writeWav(Int16Array.of(1, 2, 3), 22050);
    const view = new DataView(wav.buffer);
    view.setUint32(4, 0x7ffff024, true);
    view.setUint32(40, 0x7ffff000, true);
    expect([...parseWav(wav).samples]).toEqual([1, 2, 3]);
  });

  it('skips unknown chunks and averages stereo to mono', () => {
    const mono = writeWav(Int16Array.of(10, 30, -10, -30), 8000);
    const extra = Uint8Array.of(...new TextEncoder().encode('LIST'), 3, 0, 0, 0, 1, 2, 3, 0);
    const wav = new Uint8Array(mono.byteLength + extra.byteLength);
    wav.set(mono.subarray(0, 36));
    wav.set(extra, 36);
    wav.set(mono.subarray(36), 36 + extra.byteLength);
    new DataView(wav.buffer).setUint16(22, 2, true); // declare two channels
    expect(parseWav(wav)).toMatchObject({ channels: 2, samples: Int16Array.of(20, -20) });
  });

  it('refuses what it cannot read', () => {
    expect(() => parseWav(new TextEncoder().encode('hello world, not audio'))).toThrow(AudioFormatError);
    const wav = writeWav(Int16Array.of(1), 8000);
    new DataView(wav.buffer).setUint16(34, 8, true);
    expect(() => parseWav(wav)).toThrow(/only PCM16/);
  });
});

describe('convertAudio', () => {
  it('takes WAV at 22,050 Hz to 8 kHz μ-law and back to 16 kHz WAV, as a phone call would', () => {
    const wav = writeWav(tone(300, 22050, 1000), 22050);
    const mulaw = convertAudio(wav, { encoding: 'wav', sampleRate: 22050 }, { encoding: 'mulaw', sampleRate: 8000 });
    expect(mulaw.byteLength).toBe(8000);
    const back = convertAudio(mulaw, { encoding: 'mulaw', sampleRate: 8000 }, { encoding: 'wav', sampleRate: 16000 });
    const decoded = decodeAudio(back, { encoding: 'wav', sampleRate: 16000 });
    expect(decoded.sampleRate).toBe(16000);
    expect(decoded.samples.length).toBe(16000);
    expect(Math.max(...decoded.samples)).toBeGreaterThan(7000);
  });
});
