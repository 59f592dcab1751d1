/**
 * A phone call end to end, offline (issue 12 item 7), through the public API: a fake Twilio Media
 * Streams client speaks espeak-ng's speech as μ-law 8 kHz `media` frames into a real HTTP server on
 * loopback (`mountVoice` on `kitVoicePort`), pocketsphinx transcribes it in the room's worker on a
 * real Temporal server, the support agent answers, espeak-ng speaks the answer, and the call gets it
 * back as `media` frames and a `mark`. Barge-in goes the other way: speech over the answer gets a
 * `clear`, and the room records it. The durability case (a worker killed mid-synthesis) is in
 * voice-call-crash.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AIChannel, MockAIProvider, MockSMSProvider, SMSChannel, type FrameworkEvent, type RoomEvent, type RoomKit,
} from '../../src/index.js';
import { createEspeakProvider } from '../../src/providers/espeak/index.js';
import { createPocketsphinxProvider } from '../../src/providers/pocketsphinx/index.js';
import { decodeAudio, detectSpeech, FileAudioStore, kitVoicePort, VoiceChannel, type AudioStore } from '../../src/voice/index.js';
import { eventually, roomHooks, roomId, startTestKit } from '../support/kit.js';
import { concat, dial, phoneSpeech, receivedMs, silence, startCallServer, textOf, type CallServer } from '../support/voice-call.js';

const ANSWER = 'Your order A1001 ships tomorrow';
const CALLER = '+15557654321';

describe('a phone call to a room (offline engines, fake Twilio, real Temporal)', () => {
  let kit: RoomKit;
  let phone: VoiceChannel;
  let dir: string;
  let audioStore: AudioStore;
  let server: CallServer;
  let question: Uint8Array;
  const sms = new MockSMSProvider();
  const hooks = roomHooks(() => kit);
  const ended: FrameworkEvent[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roomkit-call-'));
    audioStore = new FileAudioStore(dir);
    kit = await startTestKit((k) => {
      phone = new VoiceChannel('phone');
      k.registerChannel(phone);
      k.registerChannel(new SMSChannel('sms', { provider: sms, fromNumber: '+15550000000' }));
      k.registerChannel(new AIChannel('agent', { provider: new MockAIProvider({ responses: [ANSWER] }) }));
      k.on('voice_session_ended', (e) => void ended.push(e));
    }, { voice: { stt: createPocketsphinxProvider(), tts: createEspeakProvider(), audioStore, language: 'en-US' } });
    server = await startCallServer(kit, phone, audioStore);
    question = await phoneSpeech('where is my order A one zero zero one');
  }, 60_000);
  afterAll(async () => {
    hooks.clear();
    await server?.close();
    await kit?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function supportRoom(prefix: string): Promise<string> {
    const id = roomId(prefix);
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'sms', { metadata: { phoneNumber: '+15551234567' } });
    await kit.attachChannel(id, 'agent');
    return id;
  }

  const events = (id: string) => kit.store.listEvents(id, { limit: 200 });
  const answerOf = async (id: string): Promise<RoomEvent | undefined> => (await events(id)).find((e) => e.source.channelId === 'agent');

  it('hears the question, answers it in the room and speaks the answer back as media frames and a mark', async () => {
    const id = await supportRoom('call');
    const call = await dial(server, 'phone', { roomId: id, callerId: CALLER });
    await call.stream(question);

    // The transcript is stored as the caller's message on the voice binding, bound for that caller.
    const transcript = await eventually(async () => (await events(id)).find((e) => e.source.channelId === 'phone' && e.type === 'message'), 60_000);
    expect(textOf(transcript)).toMatch(/order/);
    expect(transcript.source).toMatchObject({ channelType: 'voice', participantId: CALLER });
    const binding = await kit.getBinding(id, 'phone');
    expect(binding).toMatchObject({ participantId: CALLER, metadata: { audioFormat: { encoding: 'mulaw', sampleRate: 8000 } } });
    const answer = await eventually(() => answerOf(id), 30_000);
    expect(textOf(answer)).toBe(ANSWER);
    // The SMS participant reads the conversation as text: the caller's words and the agent's answer.
    await eventually(async () => sms.calls.some((c) => JSON.stringify(c).includes(ANSWER)), 30_000);
    expect(sms.calls.some((c) => JSON.stringify(c).includes(textOf(transcript)))).toBe(true);

    // The spoken answer: 20 ms μ-law frames, then a mark named after the answer.
    const mark = await eventually(async () => call.received.find((m) => m.event === 'mark'), 60_000);
    expect(mark.mark?.name.startsWith(`${answer?.id}#`)).toBe(true);
    const frames = call.mediaFrames.length;
    expect(frames).toBeGreaterThan(25);
    expect(call.mediaFrames.every((f) => f.length <= 160)).toBe(true);
    const mediaBeforeMark = call.log.indexOf(`mark:${mark.mark?.name}`);
    expect(call.log.slice(0, mediaBeforeMark).filter((l) => l === 'media')).toHaveLength(frames);
    // Plausible speech: espeak says the 31-character answer in one to six seconds, and it is voiced.
    expect(receivedMs(call)).toBeGreaterThan(1000);
    expect(receivedMs(call)).toBeLessThan(6000);
    const played = decodeAudio(concat(...call.mediaFrames), { encoding: 'mulaw', sampleRate: 8000 });
    expect(detectSpeech(played.samples, { sampleRate: 8000 }).some((e) => e.type === 'speech_start')).toBe(true);

    // The caller listens to the end: the mark comes back and nothing else is played.
    await call.stream(silence(receivedMs(call) + 500));
    expect(call.log).toContain(`echo:${mark.mark?.name}`);
    expect(call.received.filter((m) => m.event === 'mark')).toHaveLength(1);
    // Hanging up ends the session; the kit tells its listeners.
    call.stop();
    await call.closed;
    const end = await eventually(async () => ended.find((e) => e.roomId === id));
    expect(end).toMatchObject({ channelId: 'phone', data: { session_id: call.streamSid } });
  });

  it('barge-in: speech over the answer gets a clear, and the room records the interruption and fires ON_BARGE_IN', async () => {
    const id = await supportRoom('barge');
    const fired: RoomEvent[] = [];
    hooks.add(id, 'on_barge_in', { execution: 'async' }, (e) => void fired.push(e));
    const call = await dial(server, 'phone', { roomId: id, callerId: CALLER });
    await call.stream(question);
    await eventually(async () => call.mediaFrames.length > 0, 90_000);
    const answer = await answerOf(id);

    // The caller speaks again while the answer plays (the far end plays as the call's clock runs).
    await call.stream(question.subarray(0, 8 * 1500));
    await eventually(async () => call.log.includes('clear'), 10_000);
    const barged = await eventually(async () => (await events(id)).find((e) => e.content.type === 'system' && e.content.code === 'barge_in'), 30_000);
    expect(barged.visibility).toBe('internal');
    const data = (barged.content as { data: Record<string, unknown> }).data;
    expect(data).toMatchObject({ interrupted: true, event_id: answer?.id });
    expect(data.played_ms).toBeGreaterThan(0);
    await eventually(async () => fired.length > 0, 10_000);
    expect(fired[0]?.roomId).toBe(id);
    call.stop();
    await call.closed;
  });

  it('routes a call without a roomId by caller id: a new room first, the same room on the next call', async () => {
    const port = kitVoicePort(kit, phone, { newRoomChannels: ['agent'] });
    const caller = `+1555${Date.now() % 10_000_000}`;
    const first = await port.openSession({ channelId: 'phone', sessionId: 'MZ1', callerId: caller, parameters: { callSid: 'CA1' } });
    expect((await kit.listBindings(first.roomId)).map((b) => b.channelId).sort()).toEqual(['agent', 'phone']);
    // The voice binding belongs to the caller, so the kit's router finds their room again.
    const again = await port.openSession({ channelId: 'phone', sessionId: 'MZ2', callerId: caller, parameters: { callSid: 'CA2' } });
    expect(again.roomId).toBe(first.roomId);
    // A browser call is bound in PCM16 16 kHz.
    const browser = await port.openSession({ channelId: 'phone', sessionId: 'web-1', callerId: `web-${caller}`, parameters: {} });
    expect((await kit.getBinding(browser.roomId, 'phone')).metadata).toMatchObject({ audioFormat: { encoding: 'pcm16', sampleRate: 16000 } });
  });
});
