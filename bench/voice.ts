/**
 * `npm run bench:voice` (tsx bench/voice.ts): how long a caller waits for an answer (issue 12
 * item 8). See bench/README.md «Voice: end of speech to first audio back».
 *
 * One process: a RoomKit on the embedded Temporal dev server (its worker in process), an HTTP server
 * on 127.0.0.1 with `mountVoice` on `kitVoicePort`, and a fake Twilio Media Streams client that
 * speaks espeak-ng's "where is my order A one zero zero one" as μ-law 8 kHz frames paced at real
 * time (20 ms a frame), then line silence. Each turn: the room transcribes, the agent (a mock model,
 * instant) answers, the answer is synthesised and played back. Two setups:
 * - `offline`: pocketsphinx and espeak-ng (child processes per utterance / answer);
 * - `instant`: mock STT and TTS that answer at once, so what is left is our overhead.
 * Figures, per turn, on one clock:
 * - `endOfSpeechToFirstFrameMs`: the last voiced frame sent → the first `media` frame back (what the
 *   caller hears as the gap; includes the VAD's 400 ms hangover that decides the turn is over);
 * - `utteranceToFirstFrameMs`: the media plane cut the utterance (`VoicePort.utterance` called) →
 *   the first `media` frame back: the room's part (store, Temporal update, STT, AI, TTS, deliver,
 *   play request, load, send), split into `utteranceToCommittedMs` (clip stored, update, STT
 *   activity, transcript committed), `committedToPlayRequestMs` (AI activity, answer committed, TTS
 *   and deliver activities, the play request published) and `playRequestToFirstFrameMs` (clip loaded
 *   and sent).
 * Written to bench/results.json under `voice` (other keys kept).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { Connection } from '@temporalio/client';
import { AIChannel, MockAIProvider, RoomKit, roomWorkflowId, temporalConfigFromEnv } from '../src/index.js';
import { createEspeakProvider } from '../src/providers/espeak/index.js';
import { createPocketsphinxProvider } from '../src/providers/pocketsphinx/index.js';
import type { STTProvider } from '../src/providers/stt/index.js';
import { MockSTTProvider } from '../src/providers/stt/mock.js';
import type { TTSProvider } from '../src/providers/tts/index.js';
import { MockTTSProvider } from '../src/providers/tts/mock.js';
import { InMemoryAudioStore, kitVoicePort, mountVoice, VoiceChannel, type VoicePort } from '../src/voice/index.js';
import { FakeTwilioCall } from '../tests/support/fake-voice-clients.js';
import { phoneSpeech, receivedMs, silence } from '../tests/support/voice-call.js';
import { speechSpan } from '../tests/support/voice-server.js';
import { percentile, round, sleep } from './lib.js';
import { saveSection } from './results-file.js';

const args = new Map(process.argv.slice(2).filter((a) => a.startsWith('--')).map((a) => {
  const [k, ...v] = a.slice(2).split('=');
  return [k, v.length ? v.join('=') : '1'] as const;
}));
const QUICK = args.has('quick') || process.env.BENCH_QUICK === '1';
const TURNS = { offline: Number(args.get('offline-turns') ?? (QUICK ? 4 : 12)), instant: Number(args.get('instant-turns') ?? (QUICK ? 6 : 30)) };
const OUT = args.get('out') ?? fileURLToPath(new URL(QUICK ? './results.quick.json' : './results.json', import.meta.url));
const TARGET = { instantUtteranceToFirstFrameP50Ms: 150 };
const QUESTION = 'where is my order A one zero zero one';
const ANSWER = 'Your order A1001 ships tomorrow';

interface Turn {
  endOfSpeechToFirstFrameMs: number;
  utteranceToFirstFrameMs: number;
  /** The parts of `utteranceToFirstFrameMs`, in order. */
  utteranceToCommittedMs: number;
  committedToPlayRequestMs: number;
  playRequestToFirstFrameMs: number;
}

async function runSetup(name: string, stt: STTProvider, tts: TTSProvider, turns: number): Promise<Turn[]> {
  const audioStore = new InMemoryAudioStore();
  const kit = new RoomKit({ temporal: temporalConfigFromEnv(), voice: { stt, tts, audioStore }, log: () => {} });
  const phone = new VoiceChannel('phone');
  kit.registerChannel(phone);
  kit.registerChannel(new AIChannel('agent', { provider: new MockAIProvider({ responses: [ANSWER] }) }));
  await kit.start();
  // The moment the media plane hands each utterance to the room.
  // When the media plane hands each utterance to the room, when the room has stored it (the port
  // waits for `committed`), and when the play request of its answer reaches the media plane.
  const cuts: number[] = [];
  const committed: number[] = [];
  const plays: number[] = [];
  const inner = kitVoicePort(kit, phone);
  const port: VoicePort = {
    ...inner,
    utterance: async (input) => {
      cuts.push(performance.now());
      await inner.utterance(input);
      committed.push(performance.now());
    },
    onPlay: (roomId, channelId, cb) => inner.onPlay(roomId, channelId, (request) => {
      plays.push(performance.now());
      cb(request);
    }),
  };
  const app = express();
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const voice = mountVoice(app, server, { port, audioStore, channelId: 'phone', onError: (e) => console.error(`[${name}] ${e.message}`) });
  const roomId = `bench-voice-${name}-${Date.now()}`;
  await kit.createRoom({ roomId });
  await kit.attachChannel(roomId, 'agent');

  const speech = await phoneSpeech(QUESTION, 0);
  const { endMs } = speechSpan(speech, { encoding: 'mulaw', sampleRate: 8000 });
  const voicedBytes = Math.min(speech.length, Math.ceil(endMs / 20) * 160);
  const call = await FakeTwilioCall.connect(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/voice/twilio/phone/stream`);
  call.connected();
  call.start({ customParameters: { roomId, callerId: '+15557654321' } });

  const results: Turn[] = [];
  for (let turn = 0; turn <= turns; turn++) {
    const framesBefore = call.mediaFrames.length;
    const marksBefore = call.received.filter((m) => m.event === 'mark').length;
    const cutsBefore = cuts.length;
    let firstFrameAt: number | undefined;
    const onMessage = () => {
      if (firstFrameAt === undefined && call.mediaFrames.length > framesBefore) firstFrameAt = performance.now();
    };
    call.ws.on('message', onMessage);
    const clock = { next: performance.now() };
    await paced(call, speech.subarray(0, voicedBytes), clock);
    const endOfSpeech = performance.now();
    // Line silence at real time until the answer starts (the VAD decides the turn on the call's clock).
    const deadline = endOfSpeech + 60_000;
    while (firstFrameAt === undefined && performance.now() < deadline) await paced(call, silence(20), clock);
    call.ws.off('message', onMessage);
    if (firstFrameAt === undefined || cuts.length <= cutsBefore) throw new Error(`[${name}] turn ${turn}: no answer within 60 s`);
    // Turn 0 warms up (bundle, first activity of each kind, engines' caches); not counted.
    if (turn > 0) {
      const [cut, stored, play] = [cuts[cutsBefore], committed[cutsBefore], plays[cutsBefore]];
      results.push({
        endOfSpeechToFirstFrameMs: firstFrameAt - endOfSpeech, utteranceToFirstFrameMs: firstFrameAt - cut,
        utteranceToCommittedMs: stored - cut, committedToPlayRequestMs: play - stored, playRequestToFirstFrameMs: firstFrameAt - play,
      });
    }
    // Listen to the end (faster than real time): the mark comes back before the next question.
    await sleep(200);
    await call.stream(silence(Math.max(0, receivedMs(call) - (framesBefore * 20)) + 600));
    while (call.received.filter((m) => m.event === 'mark').length === marksBefore) await call.stream(silence(200));
    console.error(`[${name}] turn ${turn}: ${round(firstFrameAt - endOfSpeech)} ms from end of speech, ${round(firstFrameAt - cuts[cutsBefore])} ms from the cut`);
  }
  call.stop();
  if (args.has('timeline')) await printTimeline(kit, roomId, cuts.at(-1)!);
  await voice.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await kit.close();
  return results;
}

/**
 * `--timeline`: the room's history from the last turn's cut, one line per event with its server time
 * relative to the first event of that turn: where a turn's time goes, round trip by round trip.
 */
async function printTimeline(kit: RoomKit, roomId: string, cutAt: number): Promise<void> {
  const connection = await Connection.connect({ address: kit.temporalAddress! });
  try {
    const { WorkflowClient } = await import('@temporalio/client');
    const client = new WorkflowClient({ connection });
    const events = (await client.getHandle(roomWorkflowId(roomId)).fetchHistory()).events ?? [];
    const cutWall = Date.now() - (performance.now() - cutAt);
    const ms = (e: (typeof events)[number]) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
    const names = new Map<string, string>();
    for (const e of events) {
      const a = e.activityTaskScheduledEventAttributes;
      if (a) names.set(String(e.eventId), a.activityType?.name ?? '?');
    }
    for (const e of events.filter((x) => ms(x) >= cutWall - 5)) {
      const type = String(e.eventType).replace('EVENT_TYPE_', '');
      const scheduled = e.activityTaskStartedEventAttributes?.scheduledEventId ?? e.activityTaskCompletedEventAttributes?.scheduledEventId;
      const name = e.activityTaskScheduledEventAttributes?.activityType?.name ?? (scheduled ? names.get(String(scheduled)) : '') ?? '';
      console.error(`  +${String(ms(e) - cutWall).padStart(4)} ms  ${type} ${name}`);
    }
  } finally {
    await connection.close();
  }
}

/** Sends μ-law in 20 ms frames on a real-time schedule (`clock.next`: when the next frame is due). */
async function paced(call: FakeTwilioCall, mulaw: Uint8Array, clock: { next: number }): Promise<void> {
  for (let at = 0; at < mulaw.length; at += 160) {
    const wait = clock.next - performance.now();
    if (wait > 0) await sleep(wait);
    await call.stream(mulaw.subarray(at, at + 160));
    clock.next += 20;
  }
}

function summary(samples: number[]) {
  return { p50: round(percentile(samples, 50)), p95: round(percentile(samples, 95)), max: round(Math.max(...samples)), count: samples.length };
}

function figures(turns: Turn[]) {
  const keys = ['endOfSpeechToFirstFrameMs', 'utteranceToFirstFrameMs', 'utteranceToCommittedMs', 'committedToPlayRequestMs', 'playRequestToFirstFrameMs'] as const;
  return Object.fromEntries(keys.map((k) => [k, summary(turns.map((t) => t[k]))])) as Record<(typeof keys)[number], ReturnType<typeof summary>>;
}

const loadAtStart = os.loadavg().map((n) => round(n, 2));
// `--offline-turns=0` skips the offline engines (a quick look at the overhead alone; not for results.json).
const offline = TURNS.offline > 0 ? figures(await runSetup('offline', createPocketsphinxProvider(), createEspeakProvider(), TURNS.offline)) : undefined;
const instant = figures(await runSetup('instant', new MockSTTProvider({ transcript: { text: QUESTION, confidence: 0.9 } }), new MockTTSProvider({ msPerChar: 60 }), TURNS.instant));
const result = {
  machine: { cpus: os.cpus().length, node: process.version, loadAverageAtStart: loadAtStart, loadAverageAtEnd: os.loadavg().map((n) => round(n, 2)) },
  date: new Date().toISOString(),
  config: {
    quick: QUICK, turns: TURNS, question: QUESTION, answer: ANSWER,
    call: 'fake Twilio Media Streams client, μ-law 8 kHz, 20 ms frames paced at real time; VAD defaults (hangover 400 ms)',
    temporal: 'embedded dev server, worker in process', store: 'in memory', realtime: 'in memory',
  },
  results: { offline, instant },
  targets: TARGET,
  checks: { instantOverheadP50: instant.utteranceToFirstFrameMs.p50 <= TARGET.instantUtteranceToFirstFrameP50Ms ? 'met' : 'missed' },
};
console.log(JSON.stringify(result.results, null, 2));
if (offline || args.has('out')) {
  const written = await saveSection(OUT, 'voice', result, (m) => console.error(m));
  console.error(`written to ${written}`);
} else {
  console.error('offline setup skipped: results not saved (pass --out=FILE to save them)');
}
