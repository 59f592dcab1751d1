/**
 * One call on the media plane: CONNECTING (transport up, room not yet known) → ACTIVE (room known,
 * play requests subscribed) → ENDED, with no way out of ENDED. It owns the turn-taking (VAD →
 * utterances in the `AudioStore` → `port.utterance`), plays the room's answers in order through its
 * backend, and detects barge-in: caller speech lasting `thresholdMs` while an answer plays cuts the
 * playback at once (`backend.cancelAudio`, Twilio's `clear`) and tells the room how much was heard.
 *
 * Time is the media clock (caller audio received; a phone leg streams it every 20 ms, silence
 * included), not the wall clock: playback started at clock T has played `clock − T` ms.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../errors.js';
import { decodeAudio, pcm16ToBytes, resample } from './audio.js';
import type { AudioStore } from './audio-store.js';
import type { VoiceBackend, VoiceCallInfo } from './backend.js';
import { InvalidSessionTransitionError, VoiceError } from './errors.js';
import type { PlayRequest, VoicePort } from './port.js';
import { type TurnOptions, UtteranceCutter } from './utterance-cutter.js';
import type { EnergyVadOptions } from './vad.js';

export const VoiceSessionState = { CONNECTING: 'connecting', ACTIVE: 'active', ENDED: 'ended' } as const;
export type VoiceSessionState = (typeof VoiceSessionState)[keyof typeof VoiceSessionState];

const NEXT: Record<VoiceSessionState, readonly VoiceSessionState[]> = {
  connecting: ['active', 'ended'],
  active: ['ended'],
  ended: [],
};

/** The state after `from → to`; `InvalidSessionTransitionError` where the machine does not go. */
export function nextSessionState(sessionId: string, from: VoiceSessionState, to: VoiceSessionState): VoiceSessionState {
  if (!NEXT[from].includes(to)) throw new InvalidSessionTransitionError(sessionId, from, to);
  return to;
}

export const BargeInOptions = z.object({
  enabled: z.boolean().default(true),
  /** Caller speech during playback at least this long interrupts it. */
  thresholdMs: z.number().int().nonnegative().default(200),
  /** Drop the answers queued behind the interrupted one (they answer a turn the caller cut short). */
  flushQueue: z.boolean().default(true),
}).strict();
export type BargeInOptions = z.input<typeof BargeInOptions>;

export interface VoiceSessionOptions {
  channelId: string;
  port: VoicePort;
  audioStore: AudioStore;
  backend: VoiceBackend;
  /** Energy VAD; its rate defaults to the backend's (utterances are stored at this rate). */
  vad?: Partial<EnergyVadOptions>;
  turn?: TurnOptions;
  /** `false` ⇒ the caller never interrupts. */
  bargeIn?: BargeInOptions | false;
  /** A playback whose mark has not come back this long after its end is taken as played. */
  markGraceMs?: number;
  onDtmf?: (digit: string, session: VoiceSession) => void;
  /** Protocol and port errors; the call goes on unless the error says otherwise. */
  onError?: (error: VoiceError, session: VoiceSession) => void;
  onStateChange?: (state: VoiceSessionState, session: VoiceSession) => void;
  /** Wall clock for the utterances' ISO times (tests pin it). */
  now?: () => Date;
}

interface Playback {
  request: PlayRequest;
  mark: string;
  /** Media clock when the audio went out; undefined while the clip is loading. */
  startMs?: number;
  durationMs: number;
}

/**
 * @example
 * const session = new VoiceSession({ channelId: 'voice', port, audioStore, backend });
 * await session.ended;
 */
export class VoiceSession {
  private stateValue: VoiceSessionState = VoiceSessionState.CONNECTING;
  private readonly cutter: UtteranceCutter;
  private readonly bargeIn: z.output<typeof BargeInOptions>;
  private readonly now: () => Date;
  private info: VoiceCallInfo | undefined;
  private room: string | undefined;
  private clockOrigin: number | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;
  private readonly queue: PlayRequest[] = [];
  private current: Playback | undefined;
  private marks = 0;
  /** Port calls in the order their causes happened (a barge-in before the utterance that made it). */
  private portChain: Promise<void> = Promise.resolve();
  private resolveEnded!: () => void;
  private resolveRoom!: (roomId: string | undefined) => void;
  private readonly roomKnown = new Promise<string | undefined>((resolve) => (this.resolveRoom = resolve));
  /** Settles once the session is ENDED and every port call it made has settled. */
  readonly ended: Promise<void>;
  endReason: string | undefined;

  constructor(private readonly options: VoiceSessionOptions) {
    const bargeIn = BargeInOptions.safeParse(options.bargeIn === false ? { enabled: false } : options.bargeIn ?? {});
    if (!bargeIn.success) throw new RoomKitValidationError('barge-in options', bargeIn.error.issues);
    this.bargeIn = bargeIn.data;
    this.cutter = new UtteranceCutter({ ...options.vad, sampleRate: options.vad?.sampleRate ?? options.backend.sampleRate }, options.turn);
    this.now = options.now ?? (() => new Date());
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    options.backend.connect({
      onReady: (info) => this.onReady(info),
      onAudio: (samples) => this.onAudio(samples),
      onMark: (name) => this.onMark(name),
      onDtmf: (digit) => options.onDtmf?.(digit, this),
      onError: (error) => this.report(error),
      onDisconnect: (reason) => void this.end(reason),
    });
  }

  get state(): VoiceSessionState {
    return this.stateValue;
  }

  get sessionId(): string | undefined {
    return this.info?.sessionId;
  }

  get roomId(): string | undefined {
    return this.room;
  }

  /** The event being played, if any. */
  get playing(): string | undefined {
    return this.current?.request.eventId;
  }

  /** Queues an answer; played after those before it. */
  play(request: PlayRequest): void {
    if (this.stateValue === VoiceSessionState.ENDED) return;
    this.queue.push(request);
    this.playNext();
  }

  /** Ends the call from this side (hangs up the transport). */
  async close(reason = 'closed'): Promise<void> {
    this.options.backend.close(reason);
    await this.end(reason);
  }

  private transition(to: VoiceSessionState): void {
    this.stateValue = nextSessionState(this.sessionId ?? '(unknown)', this.stateValue, to);
    this.options.onStateChange?.(to, this);
  }

  private onReady(info: VoiceCallInfo): void {
    if (this.info) return void this.report(new VoiceError(`session ${info.sessionId}: ready twice`));
    this.info = info;
    void this.open(info);
  }

  private async open(info: VoiceCallInfo): Promise<void> {
    const { port, channelId } = this.options;
    try {
      const { roomId } = await port.openSession({ channelId, sessionId: info.sessionId, callerId: info.callerId, parameters: info.parameters });
      if (this.isEnded()) return;
      // Known from here on, so an end during the subscription still closes the room's session.
      this.room = roomId;
      const unsubscribe = await port.onPlay(roomId, channelId, (request) => this.play(request));
      if (this.isEnded()) return void (await unsubscribe().catch(() => undefined));
      this.unsubscribe = unsubscribe;
      this.transition(VoiceSessionState.ACTIVE);
      this.resolveRoom(roomId);
      this.playNext();
    } catch (err) {
      this.report(new VoiceError(`session ${info.sessionId}: could not open: ${message(err)}`, { cause: err }));
      await this.close('could not open the session');
    }
  }

  private onAudio(samples: Int16Array): void {
    if (this.stateValue === VoiceSessionState.ENDED) return;
    this.clockOrigin ??= this.now().getTime();
    const rate = this.cutter.sampleRate;
    const input = rate === this.options.backend.sampleRate ? samples : resample(samples, this.options.backend.sampleRate, rate);
    for (const event of this.cutter.push(input)) {
      if (event.type === 'utterance') this.utterance(event.samples, event.startMs, event.endMs);
    }
    this.checkPlayback();
  }

  /** Barge-in, or a playback whose mark never came back. */
  private checkPlayback(): void {
    const playback = this.current;
    if (playback?.startMs === undefined) return;
    const clock = this.cutter.clockMs;
    const end = playback.startMs + playback.durationMs;
    const speechStart = this.cutter.speechStartMs;
    // Speech heard during playback, up to its last voiced frame (the VAD's hangover is silence).
    const spokenMs = speechStart === undefined ? 0 : Math.min(clock, this.cutter.lastVoicedMs) - Math.max(speechStart, playback.startMs);
    if (this.bargeIn.enabled && clock < end && spokenMs >= this.bargeIn.thresholdMs) {
      return void this.interrupt(playback, clock - playback.startMs);
    }
    if (clock >= end + (this.options.markGraceMs ?? 2000)) this.finish(playback);
  }

  private interrupt(playback: Playback, playedMs: number): void {
    this.current = undefined;
    if (this.bargeIn.flushQueue) this.queue.length = 0;
    this.options.backend.cancelAudio();
    const { eventId } = playback.request;
    this.viaPort('barge-in', (roomId, base) => this.options.port.bargeIn({ ...base, roomId, eventId, playedMs: Math.min(playedMs, playback.durationMs) }));
    this.playNext();
  }

  private onMark(name: string): void {
    if (this.current?.mark === name) this.finish(this.current);
  }

  private finish(playback: Playback): void {
    if (this.current !== playback) return;
    this.current = undefined;
    this.playNext();
  }

  private playNext(): void {
    if (this.current || this.stateValue !== VoiceSessionState.ACTIVE) return;
    const request = this.queue.shift();
    if (!request) return;
    const playback: Playback = { request, mark: `${request.eventId}#${++this.marks}`, durationMs: 0 };
    this.current = playback;
    void this.load(request).then(
      (samples) => {
        if (this.current !== playback || this.stateValue !== VoiceSessionState.ACTIVE) return;
        playback.startMs = this.cutter.clockMs;
        playback.durationMs = Math.round((samples.length * 1000) / this.options.backend.sampleRate);
        this.options.backend.sendAudio(samples);
        this.options.backend.sendMark(playback.mark);
      },
      (err) => {
        this.report(new VoiceError(`could not play ${request.eventId}: ${message(err)}`, { cause: err }));
        this.finish(playback);
      },
    );
  }

  private async load(request: PlayRequest): Promise<Int16Array> {
    const bytes = await this.options.audioStore.get(request.audio);
    const { samples, sampleRate } = decodeAudio(bytes, request.audio.format);
    return resample(samples, sampleRate, this.options.backend.sampleRate);
  }

  private utterance(samples: Int16Array, startMs: number, endMs: number): void {
    const rate = this.cutter.sampleRate;
    const at = (ms: number) => new Date((this.clockOrigin ?? 0) + ms).toISOString();
    const senderId = this.info?.callerId ?? 'unknown';
    this.viaPort('utterance', async (roomId, base) => {
      const audio = await this.options.audioStore.put(pcm16ToBytes(samples), { encoding: 'pcm16', sampleRate: rate });
      await this.options.port.utterance({ ...base, roomId, senderId, audio, speechStartedAt: at(startMs), speechEndedAt: at(endMs) });
    });
  }

  /** Runs a port call after those before it, once the room is known; failures are reported, never thrown. */
  private viaPort(what: string, call: (roomId: string, base: { channelId: string; sessionId: string }) => Promise<void>): void {
    this.portChain = this.portChain.then(async () => {
      // Audio may come before `openSession` answers; undefined if the call ended first.
      const roomId = await this.roomKnown;
      if (!roomId || !this.info) return;
      try {
        await call(roomId, { channelId: this.options.channelId, sessionId: this.info.sessionId });
      } catch (err) {
        this.report(new VoiceError(`${what} failed: ${message(err)}`, { cause: err }));
      }
    });
  }

  private async end(reason: string): Promise<void> {
    if (this.stateValue === VoiceSessionState.ENDED) return this.ended;
    // Speech cut off by the hang-up is still what the caller said.
    const tail = this.stateValue === VoiceSessionState.ACTIVE ? this.cutter.flush() : [];
    for (const event of tail) if (event.type === 'utterance') this.utterance(event.samples, event.startMs, event.endMs);
    this.endReason = reason;
    this.current = undefined;
    this.queue.length = 0;
    this.transition(VoiceSessionState.ENDED);
    this.resolveRoom(undefined);
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    const { port, channelId } = this.options;
    this.portChain = this.portChain.then(async () => {
      await unsubscribe?.().catch((err) => this.report(new VoiceError(`unsubscribe failed: ${message(err)}`, { cause: err })));
      if (this.room && this.info && port.closeSession) {
        await port.closeSession({ roomId: this.room, channelId, sessionId: this.info.sessionId, reason })
          .catch((err) => this.report(new VoiceError(`closeSession failed: ${message(err)}`, { cause: err })));
      }
    });
    await this.portChain;
    this.resolveEnded();
  }

  private isEnded(): boolean {
    return this.stateValue === VoiceSessionState.ENDED;
  }

  private report(error: VoiceError): void {
    this.options.onError?.(error, this);
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
