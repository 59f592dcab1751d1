/**
 * The ElevenLabs text-to-speech wire (`POST /v1/text-to-speech/{voice_id}?output_format=…`,
 * `xi-api-key`): which {@link AudioFormat} each raw output format is.
 */
import type { AudioFormat } from '../../voice/audio.js';
import type { ElevenLabsOutputFormat } from './config.js';

/** `pcm_<rate>` is headerless PCM16 LE mono; `ulaw_8000` is headerless G.711 μ-law. */
export function elevenLabsAudioFormat(outputFormat: ElevenLabsOutputFormat): AudioFormat {
  const [codec, rate] = outputFormat.split('_');
  return { encoding: codec === 'ulaw' ? 'mulaw' : 'pcm16', sampleRate: Number(rate) };
}
