/**
 * Server-Sent Events source (RoomKit `SSESource`): a fetch-based reader of a text/event-stream.
 * Each event becomes one message (by default its `data` is the message as JSON); after it is
 * emitted its id is the checkpoint, so a restart, on this worker or another, resends it as
 * `Last-Event-ID` and the server resumes after it. An event with an id and no `idempotencyKey` gets
 * `sse:<id>`, so one the server sends twice (it replays from an older checkpoint) is stored once.
 * A stream that ends or fails without `stop()` fails the run: Temporal restarts it with backoff.
 *
 * @example
 * kit.attachSource('feed', new SSESource({ url: 'https://example.com/stream?token=abc' }));
 */
import { SourceDisconnectedError } from './errors.js';
import { SSEParser, type SSEEvent } from './sse-parser.js';
import type { SourceContext, SourceEmit, SourceProvider } from './source.js';

export interface SSESourceOptions {
  url: string;
  /** Shown in events and health; default `sse:<url>` with query values and credentials redacted. */
  name?: string;
  headers?: Record<string, string>;
  /** Event → message (or anything, refused if malformed). Default: `JSON.parse(event.data)`. */
  parse?: (event: SSEEvent) => unknown;
  /** Only these event types become messages (default: all). */
  events?: string[];
  fetch?: typeof fetch;
}

export class SSESource implements SourceProvider {
  readonly name: string;
  private abort?: AbortController;

  constructor(private readonly options: SSESourceOptions) {
    this.name = options.name ?? `sse:${redactUrl(options.url)}`;
  }

  async start(emit: SourceEmit, ctx: SourceContext): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    const headers: Record<string, string> = { accept: 'text/event-stream', 'cache-control': 'no-cache', ...this.options.headers };
    if (ctx.resumeFrom !== undefined) headers['last-event-id'] = ctx.resumeFrom;
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(this.options.url, { headers, signal: abort.signal });
    } catch (err) {
      if (abort.signal.aborted) return;
      throw new SourceDisconnectedError(this.name, `cannot connect: ${causeOf(err)}`);
    }
    if (res.status !== 200 || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      throw new SourceDisconnectedError(this.name, `HTTP ${res.status} (want 200 text/event-stream)`);
    }
    ctx.setStatus('connected');
    const parser = new SSEParser(ctx.resumeFrom);
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const event of parser.feed(decoder.decode(value, { stream: true }))) await this.deliver(event, emit, ctx);
      }
    } catch (err) {
      if (abort.signal.aborted) return;
      throw new SourceDisconnectedError(this.name, `stream failed: ${causeOf(err)}`);
    } finally {
      reader.releaseLock();
    }
    if (abort.signal.aborted) return;
    throw new SourceDisconnectedError(this.name, 'the server closed the stream');
  }

  async stop(): Promise<void> {
    this.abort?.abort();
  }

  private async deliver(event: SSEEvent, emit: SourceEmit, ctx: SourceContext): Promise<void> {
    if (this.options.events && !this.options.events.includes(event.event)) return;
    let message: unknown;
    try {
      message = this.options.parse ? this.options.parse(event) : JSON.parse(event.data);
    } catch {
      message = event.data; // refused by the kit as not an object, with a framework event
    }
    if (event.id !== undefined && message !== null && typeof message === 'object' && !('idempotencyKey' in message)) {
      message = { ...message, idempotencyKey: `sse:${event.id}` };
    }
    await emit(message);
    if (event.id !== undefined) ctx.checkpoint(event.id);
  }
}

/** The URL without credentials or query values (tokens often travel there). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    for (const key of [...u.searchParams.keys()]) u.searchParams.set(key, '***');
    return u.toString().replace(/%2A%2A%2A/g, '***');
  } catch {
    return '(invalid url)';
  }
}

function causeOf(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string; code?: string } };
  return [e?.message, e?.cause?.code ?? e?.cause?.message].filter(Boolean).join(': ') || String(err);
}
