/**
 * The room side of voice as pure rules and a channel (RoomKit §19.1): what is spoken and in which
 * format, how much of an interrupted answer was heard, fail-closed voice hooks, and the
 * VoiceChannel's play requests on the room's realtime topic (in one process and across Redis).
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import {
  bindingAudioFormat, bindingVoice, playedPercentage, speakableText, textOf, voiceHookEvent,
} from '../../../src/core/voice.js';
import { failsClosed } from '../../../src/core/hooks.js';
import { runSyncChain } from '../../../src/hooks/runner.js';
import { HookRegistry } from '../../../src/hooks/registry.js';
import { HookResult, type ChannelBinding, type RoomEvent } from '../../../src/models/index.js';
import { InMemoryRealtime } from '../../../src/realtime/in-memory.js';
import { RedisRealtime } from '../../../src/realtime/redis.js';
import type { RoomContext } from '../../../src/channels/room-context.js';
import { VoiceChannel, type AudioRef, type VoicePlayRequest } from '../../../src/voice/index.js';
import { voiceOptions } from '../../../src/kit/options.js';
import { InMemoryAudioStore } from '../../../src/voice/audio-store.js';
import { MockTTSProvider } from '../../../src/providers/tts/mock.js';

const stamp = { id: 'e1', roomId: 'room-1', now: '2026-01-01T00:00:00.000Z' };
const answer = (over: Partial<RoomEvent> = {}): RoomEvent => ({
  ...voiceHookEvent(stamp, { channelId: 'ai-bot', direction: 'outbound' }, 'Your order ships tomorrow', {}),
  source: { channelId: 'ai-bot', channelType: 'ai', direction: 'outbound' }, metadata: {}, ...over,
});
const binding = (metadata: Record<string, unknown> = {}): ChannelBinding => ({
  channelId: 'phone', roomId: 'room-1', channelType: 'voice', category: 'transport', direction: 'bidirectional',
  access: 'read_write', muted: false, visibility: 'all', attachedAt: stamp.now, capabilities: { mediaTypes: ['audio', 'text'] }, metadata,
});
const AUDIO: AudioRef = { id: 'a'.repeat(32), format: { encoding: 'mulaw', sampleRate: 8000 }, durationMs: 1200, bytes: 9600 };
const tick = () => new Promise((r) => setTimeout(r, 20));

describe('what a voice binding speaks', () => {
  it('speaks message text, never system or internal events, nor an empty text', () => {
    expect(speakableText(answer())).toBe('Your order ships tomorrow');
    expect(speakableText(answer({ visibility: 'internal' }))).toBeUndefined();
    expect(speakableText(answer({ type: 'system' }))).toBeUndefined();
    expect(speakableText(answer({ content: { type: 'system', body: 'x', code: 'c', data: {} } as RoomEvent['content'] }))).toBeUndefined();
    expect(speakableText(answer({ content: { type: 'text', body: '   ' } }))).toBeUndefined();
  });

  it('plays 8 kHz μ-law unless the binding names a format; the voice comes from the binding', () => {
    expect(bindingAudioFormat(binding())).toEqual({ encoding: 'mulaw', sampleRate: 8000 });
    expect(bindingAudioFormat(binding({ audioFormat: { encoding: 'pcm16', sampleRate: 16000 } }))).toEqual({ encoding: 'pcm16', sampleRate: 16000 });
    expect(bindingVoice(binding({ voice: 'en-us+f3' }))).toBe('en-us+f3');
    expect(bindingVoice(binding())).toBeUndefined();
  });

  it('measures how much of an interrupted clip was heard', () => {
    expect(playedPercentage(300, 1200)).toBe(25);
    expect(playedPercentage(5000, 1200)).toBe(100);
    expect(playedPercentage(300, undefined)).toBeNull();
  });

  it('hook payloads come from the voice channel and carry their data in metadata.voice', () => {
    const e = voiceHookEvent(stamp, { channelId: 'phone', direction: 'inbound', participantId: '+1555' }, 'hi', { session_id: 's' });
    expect(e.source).toEqual({ channelId: 'phone', channelType: 'voice', direction: 'inbound', participantId: '+1555' });
    expect(e.metadata).toEqual({ voice: { session_id: 's' } });
    expect(textOf(e)).toBe('hi');
    expect(textOf({ content: { type: 'media', url: 'https://x/y.png', mimeType: 'image/png' } as RoomEvent['content'] })).toBeUndefined();
  });
});

describe('fail-closed voice hooks (RoomKit §7.2)', () => {
  const ctx = {} as RoomContext;
  const payload = voiceHookEvent(stamp, { channelId: 'phone', direction: 'inbound' }, 'where is my order', {});

  it('ON_TRANSCRIPTION and BEFORE_TTS fail closed; BEFORE_BROADCAST stays open', () => {
    expect(failsClosed('on_transcription')).toBe(true);
    expect(failsClosed('before_tts')).toBe(true);
    expect(failsClosed('before_broadcast')).toBe(false);
  });

  it('a hook that throws, times out or returns garbage blocks the chain with its reason', async () => {
    const hooks = new HookRegistry();
    hooks.add('on_transcription', { name: 'throws' }, () => { throw new Error('kaboom'); });
    hooks.add('on_transcription', { name: 'slow', timeout: 0.05 }, () => new Promise(() => {}));
    hooks.add('on_transcription', { name: 'garbage' }, () => 42 as never);
    for (const [name, reason] of [['throws', 'hook throws failed: kaboom'], ['slow', 'hook slow timed out after 0.05s'], ['garbage', 'hook garbage returned an unusable payload']]) {
      const { outcome } = await runSyncChain(hooks, [name], payload, ctx, undefined, { failClosed: true });
      expect(outcome).toMatchObject({ allowed: false, reason, blockedBy: name });
      const open = await runSyncChain(hooks, [name], payload, ctx);
      expect(open.outcome.allowed).toBe(true);
    }
  });

  it('a modify still rewrites the text when nothing fails', async () => {
    const hooks = new HookRegistry();
    hooks.add('before_tts', { name: 'polite' }, () => HookResult.modify({ content: { type: 'text', body: 'Certainly.' } }));
    const { outcome } = await runSyncChain(hooks, ['polite'], payload, ctx, undefined, { failClosed: true });
    expect(outcome.allowed).toBe(true);
    expect(textOf(outcome.event)).toBe('Certainly.');
  });
});

describe('VoiceChannel', () => {
  const spoken = (roomId: string): RoomEvent => answer({ roomId, metadata: { voice: { audio: AUDIO, text: 'Your order ships tomorrow', eventId: 'e1' } } });

  it('is a voice transport that shows audio and text', () => {
    const phone = new VoiceChannel('phone');
    expect(phone.channelType).toBe('voice');
    expect(phone.category).toBe('transport');
    expect(phone.capabilities().mediaTypes).toEqual(['audio', 'text']);
  });

  it('publishes a voice.play request that onPlay receives in the same process, until unsubscribed', async () => {
    const realtime = new InMemoryRealtime();
    const phone = new VoiceChannel('phone');
    phone.useRealtime(realtime);
    const other = new VoiceChannel('other-line');
    other.useRealtime(realtime);
    const plays: VoicePlayRequest[] = [];
    const stop = await phone.onPlay('room-1', (p) => void plays.push(p));
    const stranger: VoicePlayRequest[] = [];
    await other.onPlay('room-1', (p) => void stranger.push(p));

    const out = await phone.deliver(spoken('room-1'), binding());
    await tick();
    expect(out.providerResult).toMatchObject({ success: true, metadata: { played: true, audio_id: AUDIO.id } });
    expect(plays).toEqual([{ type: 'voice.play', roomId: 'room-1', channelId: 'phone', eventId: 'e1', audio: AUDIO, text: 'Your order ships tomorrow' }]);
    expect(stranger).toEqual([]);

    await stop();
    await phone.deliver(spoken('room-1'), binding());
    await tick();
    expect(plays).toHaveLength(1);
    await realtime.close();
  });

  it('acknowledges an event without a clip and plays nothing', async () => {
    const phone = new VoiceChannel('phone');
    const plays: VoicePlayRequest[] = [];
    await phone.onPlay('room-1', (p) => void plays.push(p));
    const out = await phone.deliver(answer(), binding());
    await tick();
    expect(out.providerResult).toMatchObject({ success: true, metadata: { played: false } });
    expect(plays).toEqual([]);
  });

  describe('across processes (Redis)', () => {
    const prefix = `voice-${randomUUID().slice(0, 8)}:`;
    const backends: RedisRealtime[] = [];
    afterAll(async () => { for (const b of backends) await b.close(); });

    it('a worker delivers, the process holding the call plays', async () => {
      const worker = await RedisRealtime.connect(inject('redisUrl'), { prefix });
      const media = await RedisRealtime.connect(inject('redisUrl'), { prefix });
      backends.push(worker, media);
      const inWorker = new VoiceChannel('phone');
      inWorker.useRealtime(worker);
      const atCall = new VoiceChannel('phone');
      atCall.useRealtime(media);
      const plays: VoicePlayRequest[] = [];
      await atCall.onPlay('room-9', (p) => void plays.push(p));
      await inWorker.deliver(spoken('room-9'), { ...binding(), roomId: 'room-9' });
      const deadline = Date.now() + 5000;
      while (plays.length === 0 && Date.now() < deadline) await tick();
      expect(plays).toEqual([{ type: 'voice.play', roomId: 'room-9', channelId: 'phone', eventId: 'e1', audio: AUDIO, text: 'Your order ships tomorrow' }]);
    });
  });
});

describe('kit voice option', () => {
  it('needs an audio store and at least one engine', () => {
    const audioStore = new InMemoryAudioStore();
    expect(() => voiceOptions({ audioStore } as never)).toThrow(/stt or a tts/);
    expect(() => voiceOptions({ tts: new MockTTSProvider() } as never)).toThrow(/audioStore/);
    expect(() => voiceOptions({ tts: new MockTTSProvider(), audioStore, language: '' })).toThrow(/voice options/);
    expect(voiceOptions({ tts: new MockTTSProvider(), audioStore })).toBeDefined();
    expect(voiceOptions(undefined)).toBeUndefined();
  });
});
