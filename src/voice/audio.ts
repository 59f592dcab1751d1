/**
 * Audio formats and conversions as pure functions over bytes. In memory, audio is PCM16 mono as an
 * `Int16Array`; on the wire it is one of three encodings: a RIFF WAV file (PCM16), raw PCM16
 * little-endian, or G.711 μ-law (Twilio Media Streams: 8 kHz, one byte per sample).
 */
import { AudioFormatError } from './errors.js';

// The schemas live with the models (the room workflow reads their types); re-exported here.
import { AudioEncoding, AudioFormat } from '../models/voice.js';

export { AudioEncoding, AudioFormat };

/** Decoded audio: PCM16 mono samples and their rate. */
export interface PcmAudio {
  samples: Int16Array;
  sampleRate: number;
}

// ---- μ-law (ITU-T G.711) ----------------------------------------------------------------------

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

/** One PCM16 sample to one μ-law byte (the classic segment/mantissa encoder, inverted bits). */
export function mulawEncodeSample(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.trunc(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > MULAW_CLIP) s = MULAW_CLIP;
  s += MULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** One μ-law byte to its PCM16 sample. */
export function mulawDecodeSample(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

const MULAW_TABLE = Int16Array.from({ length: 256 }, (_, i) => mulawDecodeSample(i));

export function pcm16ToMulaw(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = mulawEncodeSample(samples[i]);
  return out;
}

export function mulawToPcm16(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = MULAW_TABLE[bytes[i]];
  return out;
}

// ---- raw PCM16 LE -----------------------------------------------------------------------------

/** Little-endian bytes to samples, whatever the host's byte order; an odd trailing byte is dropped. */
export function pcm16FromBytes(bytes: Uint8Array): Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int16Array(bytes.byteLength >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

export function pcm16ToBytes(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i], true);
  return out;
}

// ---- resampling -------------------------------------------------------------------------------

/**
 * Linear-interpolation resampler. Going down (22,050 → 8,000) it first averages each output
 * sample's source window, a crude low-pass that keeps the worst aliasing out of telephone audio.
 */
export function resample(samples: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate <= 0 || toRate <= 0) throw new AudioFormatError(`sample rates must be positive (${fromRate} → ${toRate})`);
  if (fromRate === toRate || samples.length === 0) return samples.slice();
  const ratio = fromRate / toRate;
  const outLength = Math.max(1, Math.round(samples.length / ratio));
  const out = new Int16Array(outLength);
  const half = ratio > 1 ? ratio / 2 : 0;
  const last = samples.length - 1;
  for (let i = 0; i < outLength; i++) {
    const pos = i * ratio;
    if (half > 0) {
      const start = Math.max(0, Math.ceil(pos - half));
      const end = Math.min(last, Math.floor(pos + half));
      let sum = 0;
      for (let j = start; j <= end; j++) sum += samples[j];
      out[i] = Math.round(sum / (end - start + 1));
    } else {
      const j = Math.min(last, Math.floor(pos));
      const frac = pos - j;
      const next = samples[Math.min(last, j + 1)];
      out[i] = Math.round(samples[j] + (next - samples[j]) * frac);
    }
  }
  return out;
}

// ---- WAV (RIFF, PCM16) ------------------------------------------------------------------------

export interface WavInfo extends PcmAudio {
  /** Channels in the file; `samples` is always mono (channels averaged). */
  channels: number;
}

const ascii = (bytes: Uint8Array, at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));

/**
 * Reads a PCM16 WAV file. Sizes written by streaming encoders (`espeak-ng --stdout` writes
 * 0x7ffff000 because it cannot seek back) are clamped to the bytes actually present.
 */
export function parseWav(bytes: Uint8Array): WavInfo {
  if (bytes.byteLength < 12 || ascii(bytes, 0) !== 'RIFF' || ascii(bytes, 8) !== 'WAVE') {
    throw new AudioFormatError('not a RIFF/WAVE file');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: { channels: number; sampleRate: number; bits: number; tag: number } | undefined;
  let at = 12;
  while (at + 8 <= bytes.byteLength) {
    const id = ascii(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.byteLength) throw new AudioFormatError('truncated fmt chunk');
      fmt = {
        tag: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw new AudioFormatError('data chunk before fmt chunk');
      // 1 = PCM; 0xFFFE = WAVE_FORMAT_EXTENSIBLE, accepted when the sample width is 16 bits.
      if ((fmt.tag !== 1 && fmt.tag !== 0xfffe) || fmt.bits !== 16) {
        throw new AudioFormatError(`only PCM16 WAV is supported (format ${fmt.tag}, ${fmt.bits} bits)`);
      }
      if (fmt.channels < 1) throw new AudioFormatError('WAV declares no channels');
      const end = Math.min(bytes.byteLength, body + size);
      const interleaved = pcm16FromBytes(bytes.subarray(body, end));
      return { samples: downmix(interleaved, fmt.channels), sampleRate: fmt.sampleRate, channels: fmt.channels };
    }
    at = body + size + (size & 1);
  }
  throw new AudioFormatError(fmt ? 'no data chunk' : 'no fmt chunk');
}

function downmix(interleaved: Int16Array, channels: number): Int16Array {
  if (channels === 1) return interleaved;
  const out = new Int16Array(Math.floor(interleaved.length / channels));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += interleaved[i * channels + c];
    out[i] = Math.round(sum / channels);
  }
  return out;
}

/** A 44-byte-header RIFF WAV file, PCM16 mono. */
export function writeWav(samples: Int16Array, sampleRate: number): Uint8Array {
  const dataBytes = samples.length * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const put = (at: number, text: string) => { for (let i = 0; i < 4; i++) out[at + i] = text.charCodeAt(i); };
  put(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true);
  put(36, 'data');
  view.setUint32(40, dataBytes, true);
  out.set(pcm16ToBytes(samples), 44);
  return out;
}

// ---- any format ↔ PCM -------------------------------------------------------------------------

/** Bytes in `format` to PCM16 mono (a WAV file's own header decides its rate). */
export function decodeAudio(bytes: Uint8Array, format: AudioFormat): PcmAudio {
  switch (format.encoding) {
    case 'wav': {
      const { samples, sampleRate } = parseWav(bytes);
      return { samples, sampleRate };
    }
    case 'pcm16':
      return { samples: pcm16FromBytes(bytes), sampleRate: format.sampleRate };
    case 'mulaw':
      return { samples: mulawToPcm16(bytes), sampleRate: format.sampleRate };
  }
}

/** PCM16 mono to bytes in `format`, resampled to `format.sampleRate` first. */
export function encodeAudio(audio: PcmAudio, format: AudioFormat): Uint8Array {
  const samples = resample(audio.samples, audio.sampleRate, format.sampleRate);
  switch (format.encoding) {
    case 'wav':
      return writeWav(samples, format.sampleRate);
    case 'pcm16':
      return pcm16ToBytes(samples);
    case 'mulaw':
      return pcm16ToMulaw(samples);
  }
}

/**
 * Converts between any two formats.
 *
 * @example
 * // espeak-ng's 22,050 Hz WAV as a Twilio Media Stream payload
 * const mulaw = convertAudio(wav, { encoding: 'wav', sampleRate: 22050 }, { encoding: 'mulaw', sampleRate: 8000 });
 */
export function convertAudio(bytes: Uint8Array, from: AudioFormat, to: AudioFormat): Uint8Array {
  return encodeAudio(decodeAudio(bytes, from), to);
}

/** The format a WAV file declares (its header's rate), for callers that hold only bytes. */
export function wavFormat(bytes: Uint8Array): AudioFormat {
  return { encoding: 'wav', sampleRate: parseWav(bytes).sampleRate };
}

/** Length of the audio in milliseconds (rounded). */
export function audioDurationMs(bytes: Uint8Array, format: AudioFormat): number {
  const { samples, sampleRate } = decodeAudio(bytes, format);
  return Math.round((samples.length * 1000) / sampleRate);
}
