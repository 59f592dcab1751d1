/**
 * The plumbing shared by the fake speech vendors: a real `node:http` server on 127.0.0.1:0 that
 * records every request (raw bytes kept: audio goes up as binary or multipart) and answers either
 * as the vendor would for that request, or from a per-request script (errors, hangs, bad bodies).
 * Each vendor file supplies its wire: which path and key it accepts, what it validates, its error
 * envelope and its success body.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Parsed when the content type is JSON; read loosely, as the vendor's server would. */
  // biome-ignore lint/suspicious/noExplicitAny: vendor JSON of any shape, validated field by field by each wire
  json?: any;
  /** Parsed when the content type is multipart/form-data (or undefined if it does not parse). */
  form?: FormData;
}

/** An answer: objects go out as JSON, a Buffer as the bytes with `contentType`, a string as is. */
export interface Rendered {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
  contentType?: string;
}

/** One scripted answer, vendor-neutral; each wire renders it in its own envelope. */
export type VoiceFakeReply =
  /** What the vendor answers this request (the default). */
  | { kind: 'ok' }
  | { kind: 'error'; status: number; message?: string; retryAfter?: string }
  /** A 200 whose body is not the documented one (`''` ⇒ empty). */
  | { kind: 'malformed'; body: string }
  /** Never answer (until the client goes away or the server closes). */
  | { kind: 'hang' };

export interface VoiceWire {
  /** An answer that pre-empts the script (wrong path, bad key, invalid request), else undefined. */
  refuse(request: RecordedRequest, apiKey: string): Rendered | undefined | Promise<Rendered | undefined>;
  /** The vendor's answer to a valid request. */
  success(request: RecordedRequest): Rendered | Promise<Rendered>;
  /** The vendor's error envelope for `status`. */
  error(status: number, message: string | undefined, headers: Record<string, string>): Rendered;
}

export interface VoiceFake {
  /** `http://127.0.0.1:<port>` (vendors add their own path prefix). */
  readonly origin: string;
  readonly apiKey: string;
  /** Every request received since the last reset, refused ones too. */
  readonly requests: RecordedRequest[];
  script(...replies: VoiceFakeReply[]): void;
  /** Resolves when the n-th request (1-based, default: the next one) has arrived. */
  waitForRequest(n?: number): Promise<RecordedRequest>;
  reset(): void;
  close(): Promise<void>;
}

export async function startVoiceFake(wire: VoiceWire, apiKey: string): Promise<VoiceFake> {
  const requests: RecordedRequest[] = [];
  const queue: VoiceFakeReply[] = [];
  const waiters: { n: number; resolve: (r: RecordedRequest) => void }[] = [];

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const rawBody = Buffer.concat(chunks);
        const type = String(req.headers['content-type'] ?? '');
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://127.0.0.1'), headers: req.headers, rawBody,
        };
        if (type.includes('json')) {
          try { recorded.json = JSON.parse(rawBody.toString('utf8')); } catch { /* the wire answers 400 */ }
        }
        if (type.startsWith('multipart/form-data')) {
          // The platform's own multipart parser (undici), the way a real server framework reads it.
          try {
            recorded.form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body: rawBody }).formData();
          } catch { /* the wire answers 400 */ }
        }
        requests.push(recorded);
        for (const w of waiters.filter((w) => w.n === requests.length)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(recorded);
        }
        const refusal = await wire.refuse(recorded, apiKey);
        if (refusal) return send(res, refusal);
        const reply = queue.shift() ?? { kind: 'ok' };
        switch (reply.kind) {
          case 'hang':
            return; // the socket stays open; closeAllConnections ends it
          case 'ok':
            return send(res, await wire.success(recorded));
          case 'error':
            return send(res, wire.error(reply.status, reply.message, reply.retryAfter ? { 'retry-after': reply.retryAfter } : {}));
          case 'malformed':
            return send(res, { status: 200, body: reply.body, contentType: 'application/json' });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    script: (...replies) => void queue.push(...replies),
    waitForRequest(n = requests.length + 1) {
      if (requests.length >= n) return Promise.resolve(requests[n - 1]);
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function send(res: ServerResponse, rendered: Rendered): void {
  const { body } = rendered;
  const binary = Buffer.isBuffer(body);
  const text = typeof body === 'string';
  const payload = binary ? body : text ? body : JSON.stringify(body);
  res.writeHead(rendered.status, {
    'content-type': rendered.contentType ?? (binary ? 'application/octet-stream' : text ? 'text/plain' : 'application/json'),
    ...rendered.headers,
  });
  res.end(payload);
}

export function headerOf(request: RecordedRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

// ---- what the fakes "hear" and "say" ----------------------------------------------------------

/** Samples and rate of a received clip; `undefined` when the bytes are not what was declared. */
export interface HeardAudio {
  samples: Int16Array;
  sampleRate: number;
}

/** Reads a RIFF/WAVE PCM16 file (the fakes' own reader, independent of `src/voice/audio.ts`). */
export function readWav(bytes: Buffer): HeardAudio | undefined {
  if (bytes.length < 44 || bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') return undefined;
  let at = 12;
  let rate = 0;
  let channels = 0;
  let bits = 0;
  while (at + 8 <= bytes.length) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      channels = bytes.readUInt16LE(at + 10);
      rate = bytes.readUInt32LE(at + 12);
      bits = bytes.readUInt16LE(at + 22);
    } else if (id === 'data') {
      if (bits !== 16 || channels < 1 || !rate) return undefined;
      const data = bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + size));
      return { samples: readPcm16(data, channels), sampleRate: rate };
    }
    at += 8 + size + (size & 1);
  }
  return undefined;
}

export function readPcm16(data: Buffer, channels = 1): Int16Array {
  const frames = Math.floor(data.length / (2 * channels));
  const out = new Int16Array(frames);
  for (let i = 0; i < frames; i++) out[i] = data.readInt16LE(i * 2 * channels);
  return out;
}

/** G.711 μ-law bytes → samples (ITU-T table formula). */
export function readMulaw(data: Buffer): Int16Array {
  const out = new Int16Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const u = ~data[i] & 0xff;
    const magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u >> 4) & 0x07)) - 0x84;
    out[i] = u & 0x80 ? -magnitude : magnitude;
  }
  return out;
}

/** Silence as a vendor hears it: nothing above a whisper (-40 dBFS). */
export function isSilent(samples: Int16Array): boolean {
  let peak = 0;
  for (const s of samples) peak = Math.max(peak, Math.abs(s));
  return peak < 328;
}

/**
 * What the fake STT vendors recognise in speech: the scripted phrase, its words spread evenly over
 * the clip (seconds, as the vendors report them).
 */
export function wordsOver(text: string, durationS: number): { word: string; start: number; end: number }[] {
  const words = text.split(/\s+/).filter(Boolean);
  const slot = durationS / Math.max(1, words.length);
  return words.map((word, i) => ({ word, start: round3(i * slot), end: round3((i + 0.9) * slot) }));
}

export const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** A spoken-sounding clip: a 220 Hz tone as long as the text takes to say (~65 ms a character). */
export function toneFor(text: string, sampleRate: number): Int16Array {
  const length = Math.round((text.length * 65 * sampleRate) / 1000);
  return Int16Array.from({ length }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * 220 * i) / sampleRate)));
}

export function pcm16Bytes(samples: Int16Array): Buffer {
  const out = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => { out.writeInt16LE(s, i * 2); });
  return out;
}

export function wavBytes(samples: Int16Array, sampleRate: number): Buffer {
  const data = pcm16Bytes(samples);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Samples → G.711 μ-law (the classic biased segment encoder). */
export function mulawBytes(samples: Int16Array): Buffer {
  const out = Buffer.alloc(samples.length);
  samples.forEach((sample, i) => {
    let s = Math.max(-32635, Math.min(32635, sample));
    const sign = s < 0 ? 0x80 : 0;
    if (s < 0) s = -s;
    s += 0x84;
    let exponent = 7;
    for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
    out[i] = ~(sign | (exponent << 4) | ((s >> (exponent + 3)) & 0x0f)) & 0xff;
  });
  return out;
}
