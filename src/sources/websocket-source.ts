/**
 * WebSocket source (RoomKit `WebSocketSource`): a `ws` client whose every text frame is one message
 * (by default the frame is the message as JSON). Frames are emitted in order, one at a time; a
 * connection that closes without `stop()` fails the run after the frames already received were
 * emitted, and Temporal restarts it with backoff. A WebSocket has no resume point: what the server
 * sends while no connection is open is the server's to replay (give messages an `idempotencyKey` so a
 * replay is stored once).
 *
 * @example
 * kit.attachSource('feed', new WebSocketSource({ url: 'wss://example.com/feed' }));
 */
import WebSocket from 'ws';
import { SourceDisconnectedError } from './errors.js';
import { redactUrl } from './sse-source.js';
import type { SourceContext, SourceEmit, SourceProvider } from './source.js';

export interface WebSocketSourceOptions {
  url: string;
  name?: string;
  headers?: Record<string, string>;
  protocols?: string | string[];
  /** Frame text → message (or anything, refused if malformed). Default: `JSON.parse`. */
  parse?: (data: string) => unknown;
}

export class WebSocketSource implements SourceProvider {
  readonly name: string;
  private socket?: WebSocket;
  private stopping = false;

  constructor(private readonly options: WebSocketSourceOptions) {
    this.name = options.name ?? `ws:${redactUrl(options.url)}`;
  }

  async start(emit: SourceEmit, ctx: SourceContext): Promise<void> {
    this.stopping = false;
    const socket = new WebSocket(this.options.url, this.options.protocols, { headers: this.options.headers });
    this.socket = socket;
    // Frames go out in arrival order; the chain also tells when the last one was emitted.
    let chain: Promise<unknown> = Promise.resolve();
    let emitFailure: unknown;
    const ended = new Promise<string | undefined>((resolve) => {
      socket.on('open', () => ctx.setStatus('connected'));
      socket.on('message', (data, isBinary) => {
        if (isBinary) return;
        const text = String(data);
        chain = chain.then(() => emit(this.parse(text))).catch((err) => {
          emitFailure ??= err;
          socket.terminate();
        });
      });
      socket.on('error', (err) => resolve(`connection error: ${err.message}`));
      socket.on('close', (code, reason) => resolve(`closed by the server (${code}${reason.length ? ` ${String(reason)}` : ''})`));
    });
    const why = await ended;
    await chain;
    if (this.stopping) return;
    if (emitFailure) throw emitFailure;
    throw new SourceDisconnectedError(this.name, why ?? 'closed');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const s = this.socket;
    if (!s) return;
    if (s.readyState === WebSocket.CONNECTING) s.terminate();
    else {
      s.close(1000, 'detached');
      // A server that never answers the close handshake does not hold the detach.
      setTimeout(() => s.terminate(), 1000).unref();
    }
  }

  private parse(text: string): unknown {
    try {
      return this.options.parse ? this.options.parse(text) : JSON.parse(text);
    } catch {
      return text; // refused by the kit as not an object, with a framework event
    }
  }
}
