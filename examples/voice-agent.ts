/**
 * A support agent you can phone. Run: `npm run example:voice-agent` (or `npx tsx examples/voice-agent.ts`).
 *
 * - A RoomKit on the embedded Temporal dev server (or TEMPORAL_ADDRESS), its worker in this process,
 *   with the `voice` option: speech to text and text to speech run as activities of the room.
 * - An HTTP server (PORT, default 3000) with the media plane mounted (`mountVoice` on `kitVoicePort`):
 *   `POST /voice/twilio/phone/incoming` answers a Twilio call with `<Connect><Stream>`, the stream
 *   comes back on `/voice/twilio/phone/stream`; `/voice/browser/phone/stream` takes a browser's PCM16.
 *   Each call gets a room of its own (the caller's room again when they call back), with the
 *   support agent in it.
 * - Engines: offline by default (pocketsphinx, espeak-ng: `apt-get install espeak-ng pocketsphinx
 *   pocketsphinx-en-us`); Deepgram (DEEPGRAM_API_KEY) or OpenAI (OPENAI_API_KEY) for STT,
 *   ElevenLabs (ELEVENLABS_API_KEY, ELEVENLABS_VOICE_ID) or OpenAI for TTS; Claude for the agent with
 *   ANTHROPIC_API_KEY, else a mock model scripted for "where is my order A1001".
 * - TWILIO_AUTH_TOKEN: check Twilio's signatures; PUBLIC_URL: the https origin Twilio calls.
 *
 * `--call`: also phone the agent once from this process (espeak-ng speaks the question as a Twilio
 * stream would carry it), print the room's timeline and how much audio came back, and exit.
 *
 * This file is a composition root: the only place that reads the environment.
 */
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { WebSocket } from 'ws';
import { RoomKit, temporalConfigFromEnv, type AIProvider } from '../src/index.js';
import { createAnthropicProvider } from '../src/providers/anthropic/index.js';
import { createDeepgramProvider } from '../src/providers/deepgram/index.js';
import { createElevenLabsProvider } from '../src/providers/elevenlabs/index.js';
import { createEspeakProvider } from '../src/providers/espeak/index.js';
import { createOpenAISTTProvider, createOpenAITTSProvider } from '../src/providers/openai/index.js';
import { createPocketsphinxProvider } from '../src/providers/pocketsphinx/index.js';
import type { STTProvider } from '../src/providers/stt/index.js';
import type { TTSProvider } from '../src/providers/tts/index.js';
import { convertAudio, FileAudioStore, kitVoicePort, mountVoice, parseWav, VoiceChannel } from '../src/voice/index.js';
import { buildSupportAgent, mockSupportProvider } from './support-agent-kit.js';

interface Settings {
  port: number;
  stt: STTProvider;
  tts: TTSProvider;
  agent: AIProvider;
  twilio: { authToken?: string; publicUrl?: string };
  call: boolean;
}

/** Everything read from the environment and argv, once. */
function settingsFromEnv(env: NodeJS.ProcessEnv, argv: string[]): Settings {
  const say = (m: string) => console.error(m);
  const stt: STTProvider = env.DEEPGRAM_API_KEY ? createDeepgramProvider({ apiKey: env.DEEPGRAM_API_KEY })
    : env.OPENAI_API_KEY ? createOpenAISTTProvider({ apiKey: env.OPENAI_API_KEY })
    : createPocketsphinxProvider();
  const tts: TTSProvider = env.ELEVENLABS_API_KEY
    ? createElevenLabsProvider({ apiKey: env.ELEVENLABS_API_KEY, voiceId: env.ELEVENLABS_VOICE_ID || '21m00Tcm4TlvDq8ikWAM' })
    : env.OPENAI_API_KEY ? createOpenAITTSProvider({ apiKey: env.OPENAI_API_KEY })
    : createEspeakProvider();
  const agent = env.ANTHROPIC_API_KEY ? createAnthropicProvider({ apiKey: env.ANTHROPIC_API_KEY }) : mockSupportProvider('A1001');
  say(`STT: ${stt.name}, TTS: ${tts.name}, agent: ${env.ANTHROPIC_API_KEY ? 'Claude' : 'a mock model scripted for order A1001'}`);
  return {
    port: Number(env.PORT ?? 3000),
    stt, tts, agent,
    twilio: { ...(env.TWILIO_AUTH_TOKEN && { authToken: env.TWILIO_AUTH_TOKEN }), ...(env.PUBLIC_URL && { publicUrl: env.PUBLIC_URL }) },
    call: argv.includes('--call'),
  };
}

async function main(settings: Settings): Promise<void> {
  const audioStore = new FileAudioStore(mkdtempSync(path.join(os.tmpdir(), 'roomkit-voice-agent-')));
  const kit = new RoomKit({ temporal: temporalConfigFromEnv(), voice: { stt: settings.stt, tts: settings.tts, audioStore } });
  const phone = new VoiceChannel('phone');
  kit.registerChannel(phone);
  const agent = buildSupportAgent(kit, { provider: settings.agent });
  await kit.start();

  const app = express();
  const server = http.createServer(app);
  const voice = mountVoice(app, server, {
    port: kitVoicePort(kit, phone, { newRoomChannels: [agent.channelId] }),
    audioStore, channelId: 'phone', twilio: settings.twilio,
  });
  await new Promise<void>((resolve) => server.listen(settings.call ? 0 : settings.port, resolve));
  const { port } = server.address() as AddressInfo;
  console.error(`Listening on :${port}. Point a Twilio number's voice webhook at POST ${settings.twilio.publicUrl ?? `http://localhost:${port}`}/voice/twilio/phone/incoming`);

  const shutdown = async () => {
    await voice.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await kit.close();
  };
  if (!settings.call) {
    process.once('SIGINT', () => void shutdown().then(() => process.exit(0)));
    return;
  }
  const { roomId, answerMs } = await phoneOnce(kit, `ws://127.0.0.1:${port}/voice/twilio/phone/stream`);
  for (const event of await kit.store.listEvents(roomId, { limit: 100 })) {
    if (event.type === 'message' && event.content.type === 'text') console.log(`[${event.source.channelId}] ${event.content.body}`);
  }
  console.log(`(the caller heard ${answerMs} ms of spoken answer)`);
  await shutdown();
}

/**
 * One call the way Twilio makes it: `connected`, `start`, the question as 20 ms μ-law `media`
 * frames, line silence until the answer has played; each `mark` is echoed as the far end does.
 */
async function phoneOnce(kit: RoomKit, url: string): Promise<{ roomId: string; answerMs: number }> {
  const wav = new Uint8Array(await createEspeakProvider({ voice: 'en-us', speed: 150 }).synthesize('where is my order A one zero zero one').then((a) => a.bytes));
  const question = convertAudio(wav, { encoding: 'wav', sampleRate: parseWav(wav).sampleRate }, { encoding: 'mulaw', sampleRate: 8000 });
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const streamSid = 'MZdemo';
  const callerId = '+15557654321';
  let answerBytes = 0;
  let marked = false;
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as { event: string; media?: { payload: string }; mark?: { name: string } };
    if (m.event === 'media' && m.media) answerBytes += Buffer.from(m.media.payload, 'base64').length;
    if (m.event === 'mark' && m.mark) {
      marked = true;
      ws.send(JSON.stringify({ event: 'mark', streamSid, mark: m.mark }));
    }
  });
  const send = (m: Record<string, unknown>) => ws.send(JSON.stringify({ ...m, streamSid }));
  send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
  send({ event: 'start', start: { streamSid, callSid: 'CAdemo', accountSid: 'ACdemo', tracks: ['inbound'], customParameters: { callerId }, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } } });
  const frame = (bytes: Uint8Array) => send({ event: 'media', media: { track: 'inbound', payload: Buffer.from(bytes).toString('base64') } });
  for (let at = 0; at < question.length; at += 160) frame(question.subarray(at, at + 160));
  const silence = new Uint8Array(160).fill(0xff);
  // Line silence, at real time, until the answer was played and its mark came back.
  for (let waited = 0; !marked && waited < 120_000; waited += 20) {
    frame(silence);
    await new Promise((r) => setTimeout(r, 20));
  }
  send({ event: 'stop', stop: { callSid: 'CAdemo' } });
  ws.close();
  // The caller's voice binding is theirs: the kit's router finds their room.
  const roomId = await kit.routeRoom('phone', callerId);
  if (!roomId) throw new Error(`no room for ${callerId}`);
  return { roomId, answerMs: answerBytes / 8 };
}

main(settingsFromEnv(process.env, process.argv.slice(2))).catch((err) => {
  console.error(err);
  process.exit(1);
});
