/**
 * A phone call in a room, room side (RoomKit §19.1), through the public API on a real Temporal
 * server: the media plane hands the room an utterance as an `AudioRef` (`kit.sendUtterance`), the
 * room transcribes it in an activity and runs it down the ordinary inbound path, text channels see
 * the transcript and the AI's answer as text, and the answer is synthesised for the voice binding and
 * offered to the call (`VoiceChannel.onPlay`). Barge-in cancels a synthesis and is recorded.
 * The first suite uses the offline engines (espeak-ng, pocketsphinx); the rest use the mocks.
 */
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AIChannel, HookResult, MockAIProvider, MockSMSProvider, RoomKitValidationError, SMSChannel, roomWorkflowId,
  type FrameworkEvent, type RoomEvent, type RoomKit,
} from '../../src/index.js';
import { createEspeakProvider } from '../../src/providers/espeak/index.js';
import { createPocketsphinxProvider } from '../../src/providers/pocketsphinx/index.js';
import { MockSTTProvider } from '../../src/providers/stt/mock.js';
import { MockTTSProvider } from '../../src/providers/tts/mock.js';
import {
  FileAudioStore, InMemoryAudioStore, VoiceChannel, VoiceVendorError, writeWav, type AudioRef, type AudioStore, type VoicePlayRequest,
} from '../../src/voice/index.js';
import { eventually, rejection, roomHooks, roomId, startTestKit } from '../support/kit.js';

const ANSWER = 'Your order ships tomorrow';

/** Channels of every kit here: the call, an SMS participant, an AI agent. */
function channels(kit: RoomKit, sms: MockSMSProvider): VoiceChannel {
  const phone = new VoiceChannel('phone');
  kit.registerChannel(phone);
  kit.registerChannel(new SMSChannel('sms', { provider: sms, fromNumber: '+15550000000' }));
  kit.registerChannel(new AIChannel('ai-bot', { provider: new MockAIProvider({ responses: [ANSWER] }) }));
  return phone;
}

async function callRoom(kit: RoomKit, prefix: string): Promise<string> {
  const id = roomId(prefix);
  await kit.createRoom({ roomId: id });
  await kit.attachChannel(id, 'phone');
  await kit.attachChannel(id, 'sms', { metadata: { phoneNumber: '+15551234567' } });
  await kit.attachChannel(id, 'ai-bot');
  return id;
}

/** Play requests of one room, collected from the call's side. */
async function listen(phone: VoiceChannel, id: string): Promise<{ plays: VoicePlayRequest[]; stop: () => Promise<void> }> {
  const plays: VoicePlayRequest[] = [];
  const stop = await phone.onPlay(id, (p) => void plays.push(p));
  return { plays, stop };
}

const utterance = (audio: AudioRef, extra: Record<string, unknown> = {}) => ({
  channelId: 'phone', sessionId: 'call-1', senderId: '+15557654321', audio,
  speechStartedAt: new Date(Date.now() - 2000).toISOString(), speechEndedAt: Date.now(), ...extra,
});

const smsTexts = (sms: MockSMSProvider): string[] => sms.calls.map((c) => JSON.stringify(c));

describe('voice room with the offline engines (espeak-ng → pocketsphinx)', () => {
  let kit: RoomKit;
  let phone: VoiceChannel;
  let dir: string;
  let audioStore: AudioStore;
  const sms = new MockSMSProvider();
  const tts = createEspeakProvider();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roomkit-voice-'));
    audioStore = new FileAudioStore(dir);
    kit = await startTestKit((k) => { phone = channels(k, sms); }, {
      voice: { stt: createPocketsphinxProvider(), tts, audioStore, language: 'en-US' },
    });
  });
  afterAll(async () => {
    await kit?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('transcribes an utterance into the room, texts it and the AI answer to SMS, and asks the call to play the spoken answer', async () => {
    const id = await callRoom(kit, 'call');
    const { plays, stop } = await listen(phone, id);
    const spoken = await tts.synthesize('where is my order');
    const audio = await audioStore.put(spoken.bytes, spoken.format);

    const result = await kit.sendUtterance(id, utterance(audio));

    expect(result.blocked).toBe(false);
    const transcript = result.event as RoomEvent;
    expect(transcript.content.type === 'text' && transcript.content.body).toMatch(/order/);
    expect(transcript.source).toMatchObject({ channelId: 'phone', channelType: 'voice', participantId: '+15557654321' });
    expect(transcript.metadata).toMatchObject({ audio: { id: audio.id }, sessionId: 'call-1' });
    const stored = await kit.store.listEvents(id);
    expect(stored.find((e) => e.id === transcript.id)?.content).toEqual(transcript.content);
    const answer = stored.find((e) => e.source.channelId === 'ai-bot');
    expect(answer?.content).toEqual({ type: 'text', body: ANSWER });

    const texts = smsTexts(sms);
    expect(texts.some((t) => t.includes('order') && !t.includes(ANSWER))).toBe(true);
    expect(texts.some((t) => t.includes(ANSWER))).toBe(true);

    const play = await eventually(async () => plays.find((p) => p.eventId === answer?.id));
    expect(play).toMatchObject({ type: 'voice.play', roomId: id, channelId: 'phone', text: ANSWER });
    // A phone binding with no audioFormat plays 8 kHz μ-law, one byte per sample.
    expect(play.audio.format).toEqual({ encoding: 'mulaw', sampleRate: 8000 });
    const bytes = await audioStore.get(play.audio);
    expect(bytes.byteLength).toBe(play.audio.bytes);
    expect(play.audio.durationMs).toBeGreaterThan(500);
    // The transcript itself is never spoken back to the caller.
    expect(plays.filter((p) => p.eventId === transcript.id)).toEqual([]);

    // The caller speaks over half of the answer: the interruption is recorded with how much was heard.
    const barged = await kit.bargeIn(id, { channelId: 'phone', sessionId: 'call-1', eventId: play.eventId, playedMs: play.audio.durationMs / 2 });
    expect(barged.cancelled).toBe(false);
    expect(barged.event.content).toMatchObject({ type: 'system', code: 'barge_in', data: { interrupted: true, event_id: play.eventId, played_percentage: 50 } });
    await stop();
  });
});

describe('voice room (mock STT/TTS)', () => {
  let kit: RoomKit;
  let phone: VoiceChannel;
  const sms = new MockSMSProvider();
  const stt = new MockSTTProvider({ transcript: { text: 'where is my order', confidence: 0.9 } });
  const tts = new MockTTSProvider({ msPerChar: 20 });
  const audioStore = new InMemoryAudioStore();
  const hooks = roomHooks(() => kit);
  const framework: FrameworkEvent[] = [];

  const clip = () => audioStore.put(writeWav(new Int16Array(8000), 16000), { encoding: 'wav', sampleRate: 16000 });

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      phone = channels(k, sms);
      k.on('transcription_empty', (e) => void framework.push(e));
      k.on('event_blocked', (e) => void framework.push(e));
    }, { voice: { stt, tts, audioStore } });
  });
  afterEach(() => {
    hooks.clear();
    stt.transcript = { text: 'where is my order', confidence: 0.9 };
    stt.delayMs = 0;
    tts.delayMs = 0;
  });
  afterAll(async () => {
    await kit?.close();
  });

  it('fires the speech hooks in RoomKit order and stores the transcript with its audio ref and confidence', async () => {
    const id = await callRoom(kit, 'order');
    const seen: string[] = [];
    for (const trigger of ['on_speech_start', 'on_speech_end', 'on_transcription', 'before_broadcast'] as const) {
      hooks.add(id, trigger, {}, () => { seen.push(trigger); return HookResult.allow(); });
    }
    const audio = await clip();
    const result = await kit.sendUtterance(id, utterance(audio));
    // (then the AI's answer passes BEFORE_BROADCAST too)
    expect(seen.slice(0, 4)).toEqual(['on_speech_start', 'on_speech_end', 'on_transcription', 'before_broadcast']);
    expect(result.event?.metadata).toMatchObject({ audio, sessionId: 'call-1', confidence: 0.9 });
    expect(stt.calls.at(-1)?.audio.format).toEqual(audio.format);
  });

  it('a retried utterance (same clip) is stored once and not transcribed again; wait: committed returns at the commit', async () => {
    const id = await callRoom(kit, 'retry');
    const audio = await clip();
    const first = await kit.sendUtterance(id, utterance(audio), { wait: 'committed' });
    expect(first.event?.index).toBeGreaterThanOrEqual(0);
    const heard = stt.calls.length;
    const again = await kit.sendUtterance(id, utterance(audio));
    expect(again).toMatchObject({ blocked: false, event: { id: first.event?.id } });
    expect(stt.calls.length).toBe(heard);
    const fromCaller = (await kit.store.listEvents(id)).filter((e) => e.source.channelId === 'phone');
    expect(fromCaller).toHaveLength(1);
  });

  it('transcribes off the room lock: a message from another channel is committed while the engine listens', async () => {
    const id = await callRoom(kit, 'off-lock');
    stt.delayMs = 4000;
    const calls = stt.calls.length;
    const spoken = kit.sendUtterance(id, utterance(await clip()));
    await eventually(async () => stt.calls.length > calls, 20_000);
    const texted = await kit.processInbound(
      { channelId: 'sms', senderId: '+15551234567', content: { type: 'text', body: 'meanwhile on SMS' } }, { roomId: id, wait: 'committed' },
    );
    // The SMS is stored while the transcription still runs: no transcript in the room yet.
    expect((await kit.store.listEvents(id)).filter((e) => e.source.channelId === 'phone')).toEqual([]);
    const result = await spoken;
    expect(result.blocked).toBe(false);
    expect(result.event?.index).toBeGreaterThan(texted.event?.index ?? Number.POSITIVE_INFINITY);
    expect(result.event?.content).toEqual({ type: 'text', body: 'where is my order' });
  });

  it('transcripts enter the room in the order the caller spoke, whichever transcription returns first', async () => {
    const id = await callRoom(kit, 'spoken-order');
    stt.delayMs = 3000;
    const calls = stt.calls.length;
    const [first, second] = [await clip(), await clip()];
    const slow = kit.sendUtterance(id, utterance(first), { wait: 'committed' });
    await eventually(async () => stt.calls.length > calls, 20_000);
    stt.delayMs = 0;
    const fast = kit.sendUtterance(id, utterance(second), { wait: 'committed' });
    const [a, b] = await Promise.all([slow, fast]);
    expect(a.event?.metadata.audio).toMatchObject({ id: first.id });
    expect(b.event?.metadata.audio).toMatchObject({ id: second.id });
    expect(a.event?.index).toBeLessThan(b.event?.index ?? Number.NEGATIVE_INFINITY);
  });

  it('a muted voice binding is not even transcribed (RoomKit binding gate)', async () => {
    const id = await callRoom(kit, 'muted');
    await kit.mute(id, 'phone');
    const heard = stt.calls.length;
    const result = await kit.sendUtterance(id, utterance(await clip()));
    expect(result).toMatchObject({ blocked: true, reason: 'source_muted' });
    expect(stt.calls.length).toBe(heard);
    expect((await kit.store.listEvents(id)).filter((e) => e.type === 'message')).toEqual([]);
  });

  it('a binding muted while its utterance is transcribed (off the lock) drops the transcript', async () => {
    const id = await callRoom(kit, 'muted-meanwhile');
    stt.delayMs = 2000;
    const calls = stt.calls.length;
    const pending = kit.sendUtterance(id, utterance(await clip()));
    await eventually(async () => stt.calls.length > calls, 20_000);
    await kit.mute(id, 'phone');
    expect(await pending).toMatchObject({ blocked: true, reason: 'source_muted' });
    expect((await kit.store.listEvents(id)).filter((e) => e.type === 'message')).toEqual([]);
  });

  it('ON_TRANSCRIPTION block drops the utterance: nothing stored, nothing sent', async () => {
    const id = await callRoom(kit, 'block');
    hooks.add(id, 'on_transcription', { name: 'no-orders' }, () => HookResult.block('not on this line'));
    const before = (await kit.store.listEvents(id)).length;
    const sent = sms.calls.length;
    const result = await kit.sendUtterance(id, utterance(await clip()));
    expect(result).toMatchObject({ blocked: true, reason: 'not on this line' });
    expect(result.event).toBeUndefined();
    expect((await kit.store.listEvents(id)).length).toBe(before);
    expect(sms.calls.length).toBe(sent);
  });

  it('ON_TRANSCRIPTION modify rewrites the text that enters the room', async () => {
    const id = await callRoom(kit, 'modify');
    hooks.add(id, 'on_transcription', {}, (e) =>
      HookResult.modify({ content: { type: 'text', body: (e.content.type === 'text' ? e.content.body : '').replace('order', 'parcel') } }));
    const result = await kit.sendUtterance(id, utterance(await clip()));
    expect(result.event?.content).toEqual({ type: 'text', body: 'where is my parcel' });
    const stored = await kit.store.listEvents(id);
    expect(stored.some((e) => e.content.type === 'text' && e.content.body === 'where is my parcel')).toBe(true);
  });

  it('ON_TRANSCRIPTION fails closed: a hook that throws drops the utterance', async () => {
    const id = await callRoom(kit, 'closed');
    hooks.add(id, 'on_transcription', { name: 'broken' }, () => { throw new Error('kaboom'); });
    const result = await kit.sendUtterance(id, utterance(await clip()));
    expect(result).toMatchObject({ blocked: true, reason: 'hook broken failed: kaboom' });
    expect((await kit.store.listEvents(id)).filter((e) => e.source.channelId === 'phone')).toEqual([]);
  });

  it('an empty transcript stores no event and says so', async () => {
    const id = await callRoom(kit, 'empty');
    stt.transcript = { text: '  ' };
    const result = await kit.sendUtterance(id, utterance(await clip()));
    expect(result).toMatchObject({ blocked: true, reason: 'empty_transcript' });
    expect((await kit.store.listEvents(id)).filter((e) => e.type === 'message')).toEqual([]);
    await eventually(async () => framework.find((e) => e.type === 'transcription_empty' && e.roomId === id));
  });

  it('a vendor 4xx from STT is not retried: the utterance is dropped, ON_ERROR observes it, the room goes on', async () => {
    const id = await callRoom(kit, 'stt401');
    const errors: RoomEvent[] = [];
    hooks.add(id, 'on_error', { execution: 'async' }, (e) => void errors.push(e));
    const before = stt.calls.length;
    stt.transcript = () => {
      throw new VoiceVendorError('deepgram: 401 Invalid credentials', { vendor: 'deepgram', kind: 'http', status: 401, permanent: true });
    };
    const result = await kit.sendUtterance(id, utterance(await clip()));
    expect(result).toMatchObject({ blocked: true, reason: 'stt_failed' });
    expect(stt.calls.length - before).toBe(1);
    await eventually(async () => errors.length === 1);
    expect(errors[0].metadata).toMatchObject({
      error: 'deepgram: 401 Invalid credentials', error_type: 'VoiceVendorError', error_category: 'stt',
    });
    stt.transcript = { text: 'where is my order', confidence: 0.9 };
    const next = await kit.sendUtterance(id, utterance(await clip()));
    expect(next.blocked).toBe(false);
  });

  it('BEFORE_TTS block is silence: the SMS still gets the answer, the call gets nothing to play', async () => {
    const id = await callRoom(kit, 'silence');
    const { plays, stop } = await listen(phone, id);
    const ttsCalls = tts.calls.length;
    const afterTts: RoomEvent[] = [];
    hooks.add(id, 'before_tts', { name: 'quiet' }, () => HookResult.block('quiet hours'));
    hooks.add(id, 'after_tts', { execution: 'async' }, (e) => void afterTts.push(e));
    await kit.sendUtterance(id, utterance(await clip()));
    expect(smsTexts(sms).some((t) => t.includes(ANSWER))).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(plays).toEqual([]);
    expect(tts.calls.length).toBe(ttsCalls);
    expect(afterTts).toEqual([]);
    await stop();
  });

  it('BEFORE_TTS modify changes what is spoken, and AFTER_TTS sees the clip', async () => {
    const id = await callRoom(kit, 'say');
    const { plays, stop } = await listen(phone, id);
    const afterTts: RoomEvent[] = [];
    hooks.add(id, 'before_tts', {}, () => HookResult.modify({ content: { type: 'text', body: 'It ships tomorrow.' } }));
    hooks.add(id, 'after_tts', { execution: 'async' }, (e) => void afterTts.push(e));
    await kit.sendUtterance(id, utterance(await clip()));
    const play = await eventually(async () => plays[0]);
    expect(play.text).toBe('It ships tomorrow.');
    expect(tts.calls.at(-1)?.text).toBe('It ships tomorrow.');
    expect(afterTts[0]?.metadata.voice).toMatchObject({ audio: { id: play.audio.id } });
    expect(plays).toHaveLength(1);
    await stop();
  });

  it('speaks an answer while its commit is written, and plays it once the commit is durable', async () => {
    const id = await callRoom(kit, 'early');
    const stored: boolean[] = [];
    const plays: VoicePlayRequest[] = [];
    const stop = await phone.onPlay(id, async (p) => {
      stored.push((await kit.store.listEvents(id)).some((e) => e.id === p.eventId));
      plays.push(p);
    });
    await kit.sendUtterance(id, utterance(await clip()));
    const play = await eventually(async () => plays[0]);
    expect(plays).toHaveLength(1);
    expect(stored).toEqual([true]);

    // In the room's history: the answer's synthesis was scheduled before the persist that wrote the
    // answer completed (before early speech it waited for it: one round trip more for the caller).
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const events = (await new Client({ connection }).workflow.getHandle(roomWorkflowId(id)).fetchHistory()).events ?? [];
      const scheduled = (name: string) => events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === name);
      const input = (e: (typeof events)[number]) => new TextDecoder().decode(e.activityTaskScheduledEventAttributes?.input?.payloads?.[0]?.data ?? new Uint8Array());
      const writesAnswer = scheduled('persist').concat(scheduled('persistBatch')).find((e) => input(e).includes(play.eventId));
      const synthesis = scheduled('synthesize').find((e) => input(e).includes(ANSWER));
      const written = events.find((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(writesAnswer?.eventId));
      expect(writesAnswer && synthesis && written).toBeTruthy();
      expect(Number(synthesis?.eventId)).toBeLessThan(Number(written?.eventId));
    } finally {
      await connection.close();
      await stop();
    }
  });

  it('bargeIn cancels the synthesis in flight, fires ON_BARGE_IN and ON_TTS_CANCELLED, and stores an internal event', async () => {
    const id = await callRoom(kit, 'barge');
    const { plays, stop } = await listen(phone, id);
    const fired: { trigger: string; event: RoomEvent }[] = [];
    for (const trigger of ['on_barge_in', 'on_tts_cancelled'] as const) {
      hooks.add(id, trigger, { execution: 'async' }, (e) => void fired.push({ trigger, event: e }));
    }
    tts.delayMs = 30_000;
    const calls = tts.calls.length;
    const pending = kit.sendUtterance(id, utterance(await clip()));
    await eventually(async () => tts.calls.length > calls, 20_000);
    const answer = await eventually(async () => (await kit.store.listEvents(id)).find((e) => e.source.channelId === 'ai-bot'));

    const barged = await kit.bargeIn(id, { channelId: 'phone', sessionId: 'call-1', eventId: answer.id, playedMs: 400, durationMs: 1600 });

    expect(barged.cancelled).toBe(true);
    expect(barged.event).toMatchObject({
      visibility: 'internal',
      content: { type: 'system', code: 'barge_in', data: { interrupted: true, event_id: answer.id, played_ms: 400, played_percentage: 25 } },
    });
    const result = await pending;
    expect(result.blocked).toBe(false);
    expect(fired.map((f) => f.trigger).sort()).toEqual(['on_barge_in', 'on_tts_cancelled']);
    expect(fired.find((f) => f.trigger === 'on_tts_cancelled')?.event.metadata.voice).toMatchObject({ reason: 'barge_in', event_id: answer.id });
    const stored = await kit.store.listEvents(id);
    expect(stored.find((e) => e.id === barged.event.id)?.visibility).toBe('internal');
    expect(plays).toEqual([]);
    await stop();
  });

  it('validates at the boundary: a malformed audio ref never reaches the room', async () => {
    const id = await callRoom(kit, 'bad');
    const err = await rejection(kit.sendUtterance(id, utterance({ id: 'x', format: { encoding: 'ogg', sampleRate: 8000 }, durationMs: 1, bytes: 1 } as never)));
    expect(err).toBeInstanceOf(RoomKitValidationError);
    expect(await rejection(kit.bargeIn(id, { channelId: 'phone', sessionId: 's', eventId: 'e', playedMs: -1 }))).toBeInstanceOf(RoomKitValidationError);
  });
});

describe('voice.retention: the worker sweeps old clips', () => {
  let kit: RoomKit | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'roomkit-retention-'));
  afterAll(async () => {
    await kit?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deletes clips older than maxAgeMs from the FileAudioStore while the worker runs, and keeps the rest', async () => {
    const audioStore = new FileAudioStore(join(dir, 'clips'));
    const pcm = new Uint8Array(320);
    const [old, fresh] = [await audioStore.put(pcm, { encoding: 'pcm16', sampleRate: 16000 }), await audioStore.put(pcm, { encoding: 'pcm16', sampleRate: 16000 })];
    const dayAgo = new Date(Date.now() - 24 * 60 * 60_000);
    utimesSync(join(dir, 'clips', `${old.id}.audio`), dayAgo, dayAgo);
    kit = await startTestKit((k) => { channels(k, new MockSMSProvider()); }, {
      voice: { tts: new MockTTSProvider(), audioStore, retention: { maxAgeMs: 60 * 60_000, everyMs: 1_000 } },
    });
    await eventually(() => audioStore.get(old).then(() => false, () => true), 20_000);
    await expect(audioStore.get(old)).rejects.toThrow(/not found/i);
    expect(await audioStore.get(fresh)).toEqual(pcm);
  });
});
