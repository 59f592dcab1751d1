/**
 * Twilio Media Streams, bidirectional (`<Connect><Stream>`): one WebSocket per call carrying JSON
 * text frames. From Twilio: `connected`, `start` (streamSid, callSid, customParameters, mediaFormat
 * `audio/x-mulaw` 8000 Hz mono), `media` (base64 μ-law, 20 ms a frame, silence included), `dtmf`,
 * `mark` (echoed once the audio before it has played, or was dropped by `clear`), `stop`. To
 * Twilio: `media` {streamSid, media:{payload}}, `mark` {streamSid, mark:{name}}, `clear` {streamSid}.
 * (twilio.com/docs/voice/media-streams/websocket-messages.)
 *
 * Every message is validated; a bad one is reported through `onError` and skipped, and the call
 * goes on. A stream in a format we cannot read is closed (1008) with the reason.
 */
import { z } from 'zod';
import type { WebSocket } from 'ws';
import { mulawToPcm16, pcm16ToMulaw } from '../audio.js';
import type { VoiceBackend } from '../backend.js';
import { SocketBackend } from './socket-backend.js';

export const TWILIO_SAMPLE_RATE = 8000;
/** 20 ms of μ-law at 8 kHz: the frame size Twilio itself sends. */
export const TWILIO_FRAME_BYTES = 160;

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');
const Sid = z.string().min(1).max(64);

export const TwilioStreamMessage = z.discriminatedUnion('event', [
  z.object({ event: z.literal('connected'), protocol: z.string().optional(), version: z.string().optional() }),
  z.object({
    event: z.literal('start'),
    sequenceNumber: z.string().optional(),
    streamSid: Sid.optional(),
    start: z.object({
      streamSid: Sid,
      accountSid: z.string().optional(),
      callSid: z.string().min(1),
      tracks: z.array(z.string()).optional(),
      customParameters: z.record(z.string(), z.string()).default({}),
      mediaFormat: z.object({ encoding: z.string(), sampleRate: z.number(), channels: z.number() }),
    }),
  }),
  z.object({
    event: z.literal('media'),
    sequenceNumber: z.string().optional(),
    streamSid: Sid,
    media: z.object({ track: z.string().optional(), chunk: z.string().optional(), timestamp: z.string().optional(), payload: Base64 }),
  }),
  z.object({ event: z.literal('mark'), sequenceNumber: z.string().optional(), streamSid: Sid, mark: z.object({ name: z.string() }) }),
  z.object({ event: z.literal('dtmf'), sequenceNumber: z.string().optional(), streamSid: Sid, dtmf: z.object({ track: z.string().optional(), digit: z.string().min(1) }) }),
  z.object({ event: z.literal('stop'), sequenceNumber: z.string().optional(), streamSid: Sid, stop: z.object({ accountSid: z.string().optional(), callSid: z.string().optional() }).optional() }),
]);
export type TwilioStreamMessage = z.infer<typeof TwilioStreamMessage>;

const EVENTS = new Set(['connected', 'start', 'media', 'mark', 'dtmf', 'stop']);

/**
 * One Twilio call's stream. `start.customParameters` become the call's parameters; the caller is
 * the `callerId` parameter, else `From`, else the call sid.
 *
 * @example
 * wss.on('connection', (socket) => new VoiceSession({ channelId, port, audioStore, backend: new TwilioMediaStreamBackend(socket) }));
 */
export class TwilioMediaStreamBackend extends SocketBackend implements VoiceBackend {
  readonly name = 'twilio-media-streams';
  readonly sampleRate = TWILIO_SAMPLE_RATE;
  private streamSid: string | undefined;

  constructor(socket: WebSocket) {
    super(socket);
    socket.on('message', (data, isBinary) => this.onMessage(isBinary ? undefined : data.toString()));
  }

  /** The stream's id once `start` has arrived. */
  get stream(): string | undefined {
    return this.streamSid;
  }

  sendAudio(samples: Int16Array): void {
    if (!this.streamSid) return;
    const mulaw = pcm16ToMulaw(samples);
    for (let at = 0; at < mulaw.length; at += TWILIO_FRAME_BYTES) {
      const payload = Buffer.from(mulaw.subarray(at, at + TWILIO_FRAME_BYTES)).toString('base64');
      this.send({ event: 'media', streamSid: this.streamSid, media: { payload } });
    }
  }

  sendMark(name: string): void {
    if (this.streamSid) this.send({ event: 'mark', streamSid: this.streamSid, mark: { name } });
  }

  cancelAudio(): void {
    if (this.streamSid) this.send({ event: 'clear', streamSid: this.streamSid });
  }

  private onMessage(raw: string | undefined): void {
    if (raw === undefined) return void this.refuse('binary frame (Media Streams messages are JSON text)');
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return void this.refuse(`malformed JSON: ${JSON.stringify(raw.slice(0, 40))}`);
    }
    const event = (json as { event?: unknown } | null)?.event;
    if (typeof event !== 'string' || !EVENTS.has(event)) return void this.refuse(`unknown event: ${JSON.stringify(event)}`);
    const parsed = TwilioStreamMessage.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return void this.refuse(`invalid ${event} message: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    this.handle(parsed.data);
  }

  private handle(message: TwilioStreamMessage): void {
    if (message.event === 'connected') return void this.accepted();
    if (message.event === 'start') return void this.start(message.start);
    if (!this.streamSid) return void this.refuse(`${message.event} before start`);
    if (message.streamSid !== this.streamSid) return void this.refuse(`unknown streamSid ${message.streamSid} (this stream is ${this.streamSid})`);
    this.accepted();
    switch (message.event) {
      case 'media': {
        // both_tracks streams also carry what the caller hears; only the caller's side is speech.
        if (message.media.track && message.media.track !== 'inbound') return;
        const samples = mulawToPcm16(Buffer.from(message.media.payload, 'base64'));
        return void this.emit((h) => h.onAudio(samples));
      }
      case 'mark':
        return void this.emit((h) => h.onMark(message.mark.name));
      case 'dtmf':
        return void this.emit((h) => h.onDtmf?.(message.dtmf.digit));
      case 'stop':
        this.close('stream stopped');
        return;
    }
  }

  private start(start: Extract<TwilioStreamMessage, { event: 'start' }>['start']): void {
    if (this.streamSid) return void this.refuse(`second start (stream ${start.streamSid}; this stream is ${this.streamSid})`);
    const { encoding, sampleRate, channels } = start.mediaFormat;
    if (encoding !== 'audio/x-mulaw' || sampleRate !== TWILIO_SAMPLE_RATE || channels !== 1) {
      return void this.refuse(`unsupported mediaFormat ${encoding}/${sampleRate}/${channels} (expected audio/x-mulaw/8000/1)`, true);
    }
    this.accepted();
    this.streamSid = start.streamSid;
    const parameters = { ...start.customParameters, callSid: start.callSid };
    const callerId = start.customParameters.callerId || start.customParameters.From || start.callSid;
    this.emit((h) => h.onReady({ sessionId: start.streamSid, callerId, parameters }));
  }
}
