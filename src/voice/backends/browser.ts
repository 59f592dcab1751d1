/**
 * A browser call over one WebSocket: binary frames are PCM16 mono little-endian at 16 kHz both
 * ways (caller audio in, answers out), text frames are JSON control messages.
 *
 * Client → server: `{type:'start', roomId?, callerId?, sampleRate?, parameters?}` first (audio
 * before it is refused), `{type:'mark', name}` when the audio before a mark has played (or was
 * dropped by `clear`), `{type:'dtmf', digit}`, `{type:'stop'}` to hang up.
 * Server → client: `{type:'ready', sessionId}`, PCM16 frames to play, `{type:'mark', name}` after
 * each answer, `{type:'clear'}` to drop everything queued (barge-in), `{type:'error', error}`.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { WebSocket } from 'ws';
import { pcm16FromBytes, pcm16ToBytes } from '../audio.js';
import type { VoiceBackend } from '../backend.js';
import { SocketBackend } from './socket-backend.js';

export const BROWSER_SAMPLE_RATE = 16_000;
/** 20 ms of PCM16 at 16 kHz. */
export const BROWSER_FRAME_BYTES = 640;

const Id = z.string().regex(/^[A-Za-z0-9_.:@+-]{1,100}$/, 'letters, digits and _.:@+- only (1-100)');

export const BrowserClientMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    roomId: Id.optional(),
    callerId: Id.optional(),
    sampleRate: z.literal(BROWSER_SAMPLE_RATE).optional(),
    parameters: z.record(z.string().max(100), z.string().max(1000)).optional(),
  }).strict(),
  z.object({ type: z.literal('mark'), name: z.string().min(1).max(200) }).strict(),
  z.object({ type: z.literal('dtmf'), digit: z.string().regex(/^[0-9*#A-D]$/) }).strict(),
  z.object({ type: z.literal('stop') }).strict(),
]);
export type BrowserClientMessage = z.infer<typeof BrowserClientMessage>;

/**
 * @example
 * const ws = new WebSocket('wss://host/voice/browser/voice/stream');
 * ws.onopen = () => ws.send(JSON.stringify({ type: 'start', roomId: 'room-1', callerId: 'web-ann' }));
 */
export class BrowserVoiceBackend extends SocketBackend implements VoiceBackend {
  readonly name = 'browser';
  readonly sampleRate = BROWSER_SAMPLE_RATE;
  private sessionId: string | undefined;

  constructor(socket: WebSocket) {
    super(socket);
    socket.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) this.onAudioFrame(bytes);
      else this.onControl(bytes.toString('utf8'));
    });
  }

  sendAudio(samples: Int16Array): void {
    const bytes = pcm16ToBytes(samples);
    for (let at = 0; at < bytes.length; at += BROWSER_FRAME_BYTES) this.send(bytes.subarray(at, at + BROWSER_FRAME_BYTES));
  }

  sendMark(name: string): void {
    this.send({ type: 'mark', name });
  }

  cancelAudio(): void {
    this.send({ type: 'clear' });
  }

  protected override refuse(detail: string, fatal = false): void {
    this.send({ type: 'error', error: detail });
    super.refuse(detail, fatal);
  }

  private onAudioFrame(bytes: Buffer): void {
    if (!this.sessionId) return void this.refuse('audio before start');
    if (bytes.length % 2 !== 0) return void this.refuse(`audio frame of ${bytes.length} bytes (PCM16 frames have an even length)`);
    this.accepted();
    const samples = pcm16FromBytes(bytes);
    this.emit((h) => h.onAudio(samples));
  }

  private onControl(raw: string): void {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return void this.refuse(`malformed JSON: ${JSON.stringify(raw.slice(0, 40))}`);
    }
    const parsed = BrowserClientMessage.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const fatal = (json as { type?: unknown })?.type === 'start' && issue.path[0] === 'sampleRate';
      return void this.refuse(`invalid message: ${issue.path.join('.') || '(root)'}: ${issue.message}`, fatal);
    }
    const message = parsed.data;
    if (message.type === 'start') return void this.start(message);
    if (!this.sessionId) return void this.refuse(`${message.type} before start`);
    this.accepted();
    switch (message.type) {
      case 'mark':
        return void this.emit((h) => h.onMark(message.name));
      case 'dtmf':
        return void this.emit((h) => h.onDtmf?.(message.digit));
      case 'stop':
        this.close('caller hung up');
        return;
    }
  }

  private start(message: Extract<BrowserClientMessage, { type: 'start' }>): void {
    if (this.sessionId) return void this.refuse('second start');
    this.accepted();
    const sessionId = `web-${randomUUID()}`;
    this.sessionId = sessionId;
    const callerId = message.callerId ?? sessionId;
    const parameters = { ...message.parameters, ...(message.roomId && { roomId: message.roomId }), callerId };
    this.send({ type: 'ready', sessionId });
    this.emit((h) => h.onReady({ sessionId, callerId, parameters }));
  }
}
