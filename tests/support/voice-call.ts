/**
 * One process's half of a phone call to a room: an HTTP server on loopback with the media plane
 * mounted (`mountVoice`) on a `kitVoicePort`, and helpers to speak into it as Twilio would.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { RoomEvent, RoomKit } from '../../src/index.js';
import {
  kitVoicePort, mountVoice, type AudioStore, type KitVoicePortOptions, type VoiceChannel, type VoiceStreams,
} from '../../src/voice/index.js';
import { FakeTwilioCall } from './fake-voice-clients.js';
import { runEspeak } from '../../src/providers/espeak/client.js';
import { wavAs } from './voice-server.js';

export interface CallServer {
  wsOrigin: string;
  voice: VoiceStreams;
  close(): Promise<void>;
}

export async function startCallServer(
  kit: RoomKit, phone: VoiceChannel, audioStore: AudioStore, options: KitVoicePortOptions = {},
): Promise<CallServer> {
  const app = express();
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const voice = mountVoice(app, server, {
    port: kitVoicePort(kit, phone, options), audioStore, channelId: phone.channelId, onError: () => {},
  });
  const { port } = server.address() as AddressInfo;
  return {
    wsOrigin: `ws://127.0.0.1:${port}`,
    voice,
    async close() {
      await voice.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A Twilio call connected to the room's stream, `start` sent with `customParameters`. */
export async function dial(server: CallServer, channelId: string, customParameters: Record<string, string>): Promise<FakeTwilioCall> {
  const call = await FakeTwilioCall.connect(`${server.wsOrigin}/voice/twilio/${channelId}/stream`);
  call.connected();
  call.start({ customParameters });
  return call;
}

/**
 * espeak-ng's speech as a phone line carries it: μ-law 8 kHz, then `silenceMs` of line silence.
 * The American voice at 150 words a minute: through 8 kHz μ-law pocketsphinx hears "where is my order
 * A one zero zero one" as "we're with my order on what they wrote a row one" (the default `en`
 * voice at 170 loses "order" altogether).
 */
export async function phoneSpeech(text: string, silenceMs = 1000): Promise<Uint8Array> {
  const wav = new Uint8Array(await runEspeak('espeak-ng', text, { voice: 'en-us', speed: 150, timeoutMs: 20_000 }));
  const mulaw = wavAs(wav, { encoding: 'mulaw', sampleRate: 8000 });
  return concat(mulaw, silence(silenceMs));
}

/** μ-law silence (0xFF is a zero sample). */
export function silence(ms: number): Uint8Array {
  return new Uint8Array(ms * 8).fill(0xff);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Milliseconds of μ-law (8 bytes a millisecond) the call received in `media` frames. */
export function receivedMs(call: FakeTwilioCall): number {
  return call.mediaFrames.reduce((n, f) => n + f.length, 0) / 8;
}

export const textOf = (e: RoomEvent | undefined): string => (e?.content.type === 'text' ? e.content.body : '');
