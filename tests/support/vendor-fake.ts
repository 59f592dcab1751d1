/**
 * A vendor API on loopback: a real HTTP server that records every request (raw body included) and
 * answers through a handler the test writes in the vendor's documented shapes. Provider tests point
 * the real client (SDK or fetch) at `fake.url`.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  text: string;
  /** Parsed when the content type is JSON. */
  json?: unknown;
  /** Parsed when the content type is `application/x-www-form-urlencoded`. */
  form?: URLSearchParams;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
}

export type FakeHandler = (request: RecordedRequest) => FakeResponse | Promise<FakeResponse>;

export class VendorFake {
  readonly requests: RecordedRequest[] = [];
  private overrides: FakeResponse[] = [];

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(handler: FakeHandler): Promise<VendorFake> {
    let fake: VendorFake | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          const rawBody = Buffer.concat(chunks);
          const url = new URL(req.url ?? '/', 'http://fake');
          const type = String(req.headers['content-type'] ?? '');
          const text = rawBody.toString('utf8');
          const recorded: RecordedRequest = {
            method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, rawBody, text,
          };
          if (type.includes('json') && text) {
            try { recorded.json = JSON.parse(text); } catch { /* left undefined: the handler sees the text */ }
          }
          if (type.includes('application/x-www-form-urlencoded')) recorded.form = new URLSearchParams(text);
          fake!.requests.push(recorded);
          let answer: FakeResponse;
          try {
            answer = fake!.overrides.shift() ?? (await handler(recorded));
          } catch (err) {
            answer = { status: 500, body: { error: `fake handler threw: ${String(err)}` } };
          }
          const isText = typeof answer.body === 'string';
          res.writeHead(answer.status, {
            ...(answer.body !== undefined && { 'content-type': isText ? 'text/plain' : 'application/json' }),
            ...answer.headers,
          });
          res.end(answer.body === undefined ? undefined : isText ? answer.body : JSON.stringify(answer.body));
        })();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new VendorFake(server, `http://127.0.0.1:${port}`);
    return fake;
  }

  /** The next `times` requests get `response` instead of the handler's answer. */
  failNext(response: FakeResponse, times = 1): void {
    for (let i = 0; i < times; i++) this.overrides.push(response);
  }

  get last(): RecordedRequest | undefined {
    return this.requests.at(-1);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
