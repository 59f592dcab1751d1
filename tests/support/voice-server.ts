/** A real Express app and HTTP server on loopback with the voice routes mounted, for wire tests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { runEspeak } from '../../src/providers/espeak/client.js';
import { InMemoryAudioStore } from '../../src/voice/audio-store.js';
import { convertAudio, decodeAudio, parseWav, type AudioFormat } from '../../src/voice/audio.js';
import type { VoiceError } from '../../src/voice/errors.js';
import { mountVoice, type MountVoiceOptions, type VoiceStreams } from '../../src/voice/mount.js';
import type { VoiceSession } from '../../src/voice/session.js';
import { detectSpeech } from '../../src/voice/vad.js';
import { TestVoicePort } from './voice.js';

export interface VoiceServer {
  port: TestVoicePort;
  audioStore: InMemoryAudioStore;
  sessions: VoiceSession[];
  errors: VoiceError[];
  voice: VoiceStreams;
  origin: string;
  wsOrigin: string;
  close(): Promise<void>;
}

export async function startVoiceServer(options: Partial<MountVoiceOptions> = {}): Promise<VoiceServer> {
  const port = new TestVoicePort();
  const audioStore = new InMemoryAudioStore();
  const sessions: VoiceSession[] = [];
  const errors: VoiceError[] = [];
  const app = express();
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: tcp } = server.address() as AddressInfo;
  const voice = mountVoice(app, server, {
    port, audioStore, channelId: 'voice',
    onSession: (s) => sessions.push(s),
    onError: (e) => errors.push(e),
    ...options,
  });
  return {
    port, audioStore, sessions, errors, voice,
    origin: `http://127.0.0.1:${tcp}`,
    wsOrigin: `ws://127.0.0.1:${tcp}`,
    async close() {
      await voice.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Real speech: espeak-ng's WAV (22,050 Hz PCM16). */
export async function speak(text: string): Promise<Uint8Array> {
  return new Uint8Array(await runEspeak('espeak-ng', text, { voice: 'en', speed: 170, timeoutMs: 20_000 }));
}

export function wavAs(wav: Uint8Array, to: AudioFormat): Uint8Array {
  return convertAudio(wav, { encoding: 'wav', sampleRate: parseWav(wav).sampleRate }, to);
}

/** Where the energy VAD hears speech in `bytes` (first start to last end, with silence after), in ms. */
export function speechSpan(bytes: Uint8Array, format: AudioFormat): { startMs: number; endMs: number } {
  const { samples, sampleRate } = decodeAudio(bytes, format);
  const padded = new Int16Array(samples.length + sampleRate);
  padded.set(samples);
  const events = detectSpeech(padded, { sampleRate });
  const starts = events.filter((e) => e.type === 'speech_start');
  const ends = events.filter((e) => e.type === 'speech_end');
  return { startMs: starts[0]?.atMs ?? 0, endMs: ends.at(-1)?.atMs ?? 0 };
}
