/**
 * The text/event-stream parser (WHATWG HTML §9.2.6), pure: feed it decoded text as it arrives and it
 * returns the events completed so far. Lines end with CRLF, LF or CR; `:` starts a comment; `data`
 * lines join with "\n"; `id` persists across events until changed (one with NUL is ignored); an
 * event with no data is not dispatched. `retry` is read but the source's restarts follow Temporal's
 * retry policy instead.
 */
export interface SSEEvent {
  /** `event:` field; "message" when absent. */
  event: string;
  data: string;
  /** The last event id in effect when this event was dispatched (what Last-Event-ID resends). */
  id?: string;
  retry?: number;
}

export class SSEParser {
  private buffer = '';
  private data: string[] = [];
  private eventType = '';
  private lastEventId?: string;
  private retry?: number;
  /** A CR ended the previous chunk: an LF opening the next one belongs to it. */
  private pendingCR = false;

  constructor(lastEventId?: string) {
    this.lastEventId = lastEventId;
  }

  get lastId(): string | undefined {
    return this.lastEventId;
  }

  feed(text: string): SSEEvent[] {
    let chunk = text;
    if (this.pendingCR && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.pendingCR = false;
    this.buffer += chunk;
    const out: SSEEvent[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      if (!m) break;
      // A lone CR at the very end may be the first half of a CRLF split across chunks.
      if (m[0] === '\r' && m.index === this.buffer.length - 1) this.pendingCR = true;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      const e = this.line(line);
      if (e) out.push(e);
    }
    return out;
  }

  private line(line: string): SSEEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.eventType = value;
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    return undefined;
  }

  private dispatch(): SSEEvent | undefined {
    const data = this.data;
    const type = this.eventType;
    this.data = [];
    this.eventType = '';
    if (data.length === 0) return undefined;
    return {
      event: type || 'message',
      data: data.join('\n'),
      ...(this.lastEventId !== undefined && this.lastEventId !== '' && { id: this.lastEventId }),
      ...(this.retry !== undefined && { retry: this.retry }),
    };
  }
}
