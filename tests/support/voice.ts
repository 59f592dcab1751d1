/**
 * Voice test kit: an in-memory `VoicePort` that records what the media plane told it, a fake
 * backend driven by hand, and synthetic audio (tones as speech, zeros as silence).
 */
import type { AudioRef } from '../../src/voice/audio-store.js';
import type { VoiceBackend, VoiceBackendHandlers, VoiceCallInfo } from '../../src/voice/backend.js';
import type { PlayRequest, VoicePort } from '../../src/voice/port.js';

type UtteranceInput = Parameters<VoicePort['utterance']>[0];
type BargeInInput = Parameters<VoicePort['bargeIn']>[0];
type OpenInput = Parameters<VoicePort['openSession']>[0];
type CloseInput = NonNullable<Parameters<NonNullable<VoicePort['closeSession']>>[0]>;

/** Routes by the `roomId` parameter, else to `room-1`. */
export class TestVoicePort implements VoicePort {
  readonly opened: OpenInput[] = [];
  readonly utterances: UtteranceInput[] = [];
  readonly bargeIns: BargeInInput[] = [];
  readonly closed: CloseInput[] = [];
  private readonly players = new Map<string, (req: PlayRequest) => void>();
  /** Set to make `openSession` wait (resolve it by hand) or fail. */
  openGate: Promise<void> | undefined;

  async openSession(input: OpenInput): Promise<{ roomId: string }> {
    this.opened.push(input);
    await this.openGate;
    return { roomId: input.parameters.roomId ?? 'room-1' };
  }

  async utterance(input: UtteranceInput): Promise<void> {
    this.utterances.push(input);
  }

  async bargeIn(input: BargeInInput): Promise<void> {
    this.bargeIns.push(input);
  }

  async onPlay(roomId: string, channelId: string, cb: (req: PlayRequest) => void): Promise<() => Promise<void>> {
    const key = `${roomId}/${channelId}`;
    this.players.set(key, cb);
    return async () => void this.players.delete(key);
  }

  async closeSession(input: CloseInput): Promise<void> {
    this.closed.push(input);
  }

  subscribed(roomId: string, channelId: string): boolean {
    return this.players.has(`${roomId}/${channelId}`);
  }

  /** What the room would do: ask the channel to play an answer. */
  play(roomId: string, channelId: string, req: { eventId: string; audio: AudioRef; text?: string }): void {
    const cb = this.players.get(`${roomId}/${channelId}`);
    if (!cb) throw new Error(`no player subscribed for ${roomId}/${channelId}`);
    cb({ text: '', ...req });
  }
}

/** A backend driven by the test: push caller audio, marks, readiness; inspect what was sent. */
export class FakeBackend implements VoiceBackend {
  readonly name = 'fake';
  handlers!: VoiceBackendHandlers;
  /** Everything the session did, in order. */
  readonly log: Array<{ type: 'audio'; samples: Int16Array } | { type: 'mark'; name: string } | { type: 'cancel' } | { type: 'close'; reason: string }> = [];

  constructor(readonly sampleRate = 8000) {}

  connect(handlers: VoiceBackendHandlers): void {
    this.handlers = handlers;
  }

  sendAudio(samples: Int16Array): void {
    this.log.push({ type: 'audio', samples });
  }

  sendMark(name: string): void {
    this.log.push({ type: 'mark', name });
  }

  cancelAudio(): void {
    this.log.push({ type: 'cancel' });
  }

  close(reason: string): void {
    this.log.push({ type: 'close', reason });
    this.handlers.onDisconnect(reason);
  }

  ready(info: Partial<VoiceCallInfo> = {}): void {
    this.handlers.onReady({ sessionId: 'S1', callerId: '+15550001111', parameters: {}, ...info });
  }

  /** Pushes audio in 20 ms frames, as a phone leg does. */
  push(samples: Int16Array): void {
    const frame = Math.round(this.sampleRate / 50);
    for (let at = 0; at < samples.length; at += frame) this.handlers.onAudio(samples.subarray(at, at + frame));
  }

  marks(): string[] {
    return this.log.flatMap((e) => (e.type === 'mark' ? [e.name] : []));
  }
}

/** A 440 Hz tone at about -9 dBFS: loud enough for the energy VAD to call it speech. */
export function tone(ms: number, sampleRate = 8000): Int16Array {
  const out = new Int16Array(Math.round((ms * sampleRate) / 1000));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(12_000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate));
  return out;
}

export function silence(ms: number, sampleRate = 8000): Int16Array {
  return new Int16Array(Math.round((ms * sampleRate) / 1000));
}

export function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
