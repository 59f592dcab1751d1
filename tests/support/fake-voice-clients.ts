/**
 * Fake far ends of a call, speaking the real wire protocols over a real WebSocket:
 * - `FakeTwilioCall`: Twilio Media Streams (JSON `connected`/`start`/`media`/`dtmf`/`mark`/`stop`
 *   in; `media`/`mark`/`clear` out), μ-law 8 kHz in 20 ms frames;
 * - `FakeBrowserCall`: the browser backend (PCM16 16 kHz binary frames, JSON control).
 * Both model the far end's playback as Twilio does: audio received is queued and played one frame
 * per frame of caller audio sent (the call's clock), a mark is echoed when playback reaches it, and
 * `clear` drops the queued audio and echoes the marks still pending.
 */
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';

/** A JSON message from the server, as either protocol shapes it. */
export interface ServerMessage {
  event?: string;
  type?: string;
  streamSid?: string;
  media?: { payload: string };
  mark?: { name: string };
  name?: string;
  [key: string]: unknown;
}

type Queued = { kind: 'audio'; bytes: Uint8Array } | { kind: 'mark'; name: string };

/** What the far end has been sent and has done, in order (`echo:` = a mark it sent back). */
export type WireLog = string[];

class PlaybackModel {
  private queue: Queued[] = [];
  /** Bytes played so far (the far end's playback position). */
  playedBytes = 0;

  constructor(private readonly echo: (name: string) => void) {}

  audio(bytes: Uint8Array): void {
    this.queue.push({ kind: 'audio', bytes });
  }

  mark(name: string): void {
    this.queue.push({ kind: 'mark', name });
    this.advance(0);
  }

  clear(): void {
    const marks = this.queue.flatMap((q) => (q.kind === 'mark' ? [q.name] : []));
    this.queue = [];
    for (const name of marks) this.echo(name);
  }

  /** Plays `bytes` worth of queued audio, echoing the marks reached. */
  advance(bytes: number): void {
    let left = bytes;
    while (this.queue.length) {
      const head = this.queue[0];
      if (head.kind === 'mark') {
        this.queue.shift();
        this.echo(head.name);
        continue;
      }
      if (left <= 0) return;
      const take = Math.min(left, head.bytes.length);
      this.playedBytes += take;
      left -= take;
      if (take === head.bytes.length) this.queue.shift();
      else head.bytes = head.bytes.subarray(take);
    }
  }
}

abstract class FakeCall {
  readonly log: WireLog = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  protected readonly playback: PlaybackModel;

  constructor(readonly ws: WebSocket) {
    this.playback = new PlaybackModel((name) => this.echoMark(name));
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  protected static open(url: string, headers?: Record<string, string>): Promise<WebSocket> {
    const ws = new WebSocket(url, { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  protected abstract echoMark(name: string): void;

  close(): void {
    this.ws.close();
  }
}

export interface TwilioStartOptions {
  customParameters?: Record<string, string>;
  mediaFormat?: { encoding: string; sampleRate: number; channels: number };
}

export class FakeTwilioCall extends FakeCall {
  readonly streamSid = `MZ${randomBytes(16).toString('hex')}`;
  readonly callSid = `CA${randomBytes(16).toString('hex')}`;
  readonly accountSid = `AC${randomBytes(16).toString('hex')}`;
  /** JSON messages from the server, in order. */
  readonly received: ServerMessage[] = [];
  /** The μ-law bytes of every outbound `media` frame, in order. */
  readonly mediaFrames: Uint8Array[] = [];
  private sequence = 0;
  private chunk = 0;

  /** `headers`: e.g. the `X-Twilio-Signature` Twilio sends with the handshake. */
  static async connect(url: string, headers?: Record<string, string>): Promise<FakeTwilioCall> {
    return new FakeTwilioCall(await FakeCall.open(url, headers));
  }

  constructor(ws: WebSocket) {
    super(ws);
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      this.received.push(message);
      if (message.event === 'media' && message.media) {
        const bytes = new Uint8Array(Buffer.from(message.media.payload, 'base64'));
        this.mediaFrames.push(bytes);
        this.log.push('media');
        this.playback.audio(bytes);
      } else if (message.event === 'mark' && message.mark) {
        this.log.push(`mark:${message.mark.name}`);
        this.playback.mark(message.mark.name);
      } else if (message.event === 'clear') {
        this.log.push('clear');
        this.playback.clear();
      }
    });
  }

  send(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  connected(): void {
    this.send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
  }

  start(options: TwilioStartOptions = {}): void {
    this.send({
      event: 'start',
      sequenceNumber: String(++this.sequence),
      start: {
        accountSid: this.accountSid,
        streamSid: this.streamSid,
        callSid: this.callSid,
        tracks: ['inbound'],
        mediaFormat: options.mediaFormat ?? { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        customParameters: options.customParameters ?? {},
      },
      streamSid: this.streamSid,
    });
  }

  /** One `media` message per 20 ms of μ-law; the far end's playback advances with each. */
  async stream(mulaw: Uint8Array, streamSid = this.streamSid): Promise<void> {
    for (let at = 0; at < mulaw.length; at += 160) {
      const frame = mulaw.subarray(at, at + 160);
      this.chunk++;
      this.send({
        event: 'media',
        sequenceNumber: String(++this.sequence),
        media: { track: 'inbound', chunk: String(this.chunk), timestamp: String((this.chunk - 1) * 20), payload: Buffer.from(frame).toString('base64') },
        streamSid,
      });
      this.playback.advance(frame.length);
      // Faster than real time, but let the server's answers (clear, marks) in between frames.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  dtmf(digit: string): void {
    this.send({ event: 'dtmf', streamSid: this.streamSid, sequenceNumber: String(++this.sequence), dtmf: { track: 'inbound_track', digit } });
  }

  stop(): void {
    this.send({ event: 'stop', sequenceNumber: String(++this.sequence), streamSid: this.streamSid, stop: { accountSid: this.accountSid, callSid: this.callSid } });
  }

  get playedMs(): number {
    return this.playback.playedBytes / 8;
  }

  protected echoMark(name: string): void {
    this.log.push(`echo:${name}`);
    this.send({ event: 'mark', sequenceNumber: String(++this.sequence), streamSid: this.streamSid, mark: { name } });
  }
}

export class FakeBrowserCall extends FakeCall {
  /** JSON control messages from the server, in order. */
  readonly received: ServerMessage[] = [];
  /** PCM16 bytes of every binary frame from the server, in order. */
  readonly audioFrames: Uint8Array[] = [];

  static async connect(url: string): Promise<FakeBrowserCall> {
    return new FakeBrowserCall(await FakeCall.open(url));
  }

  constructor(ws: WebSocket) {
    super(ws);
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const bytes = new Uint8Array(data as Buffer);
        this.audioFrames.push(bytes);
        this.log.push('audio');
        this.playback.audio(bytes);
        return;
      }
      const message = JSON.parse(data.toString()) as ServerMessage;
      this.received.push(message);
      if (message.type === 'mark' && message.name) {
        this.log.push(`mark:${message.name}`);
        this.playback.mark(message.name);
      } else if (message.type === 'clear') {
        this.log.push('clear');
        this.playback.clear();
      }
    });
  }

  send(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  sendBinary(bytes: Uint8Array): void {
    this.ws.send(bytes, { binary: true });
  }

  /** 20 ms binary frames of PCM16 LE; the playback advances with each. */
  async stream(pcm16le: Uint8Array): Promise<void> {
    for (let at = 0; at < pcm16le.length; at += 640) {
      const frame = pcm16le.subarray(at, at + 640);
      this.sendBinary(frame);
      this.playback.advance(frame.length);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  get playedMs(): number {
    return this.playback.playedBytes / 32;
  }

  protected echoMark(name: string): void {
    this.log.push(`echo:${name}`);
    this.send({ type: 'mark', name });
  }
}
