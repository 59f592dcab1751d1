/**
 * One POST to a user-supplied URL, on `node:http(s)` rather than `fetch` because the SSRF guard has
 * to own the socket's DNS lookup (fetch offers no hook) and redirects must not be followed (a 302 to
 * 169.254.169.254 is the classic bypass). The answer has `vendorRequest`'s shape so `httpFailure`
 * classifies it like any vendor's.
 */
import http from 'node:http';
import https from 'node:https';
import { VendorUnreachableError, type HttpAnswer } from '../http.js';
import { PrivateNetworkError, publicOnlyLookup, type LookupFn } from './private-network.js';

/** A receiver that streams more than this is cut off; we only read an id from the answer. */
const MAX_ANSWER_BYTES = 1024 * 1024;

export interface GuardedRequestOptions {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Absent ⇒ private addresses allowed (the system lookup is used unchecked). */
  guard?: { lookup: LookupFn };
  /** The provider's own keep-alive pool, so no socket is shared with code that skips the guard. */
  agent?: http.Agent;
}

/** Throws `PrivateNetworkError` (refused at connect) or `VendorUnreachableError`. */
export function guardedRequest(provider: string, url: URL, options: GuardedRequestOptions): Promise<HttpAnswer> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err instanceof PrivateNetworkError) reject(err);
      else reject(new VendorUnreachableError(provider, (err as Error).message ?? String(err), { cause: err }));
    };
    const request = transport.request(url, {
      method: options.method,
      headers: { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) },
      ...(options.agent && { agent: options.agent }),
      ...(options.guard && { lookup: publicOnlyLookup(options.guard.lookup) as never }),
    }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) return request.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
        chunks.push(chunk);
      });
      response.on('error', fail);
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(answerOf(response, Buffer.concat(chunks).toString('utf8')));
      });
    });
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    request.on('error', fail);
    request.end(options.body);
  });
}

function answerOf(response: http.IncomingMessage, text: string): HttpAnswer {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  let body: unknown = text;
  if (text && (headers.get('content-type') ?? '').includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      /* keep the text for the error message */
    }
  }
  return { status: response.statusCode ?? 0, headers, body };
}
