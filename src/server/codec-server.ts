/**
 * A Temporal codec server (the remote codec protocol of the Web UI and `temporal … --codec-endpoint`):
 * `POST /decode` and `POST /encode`, each taking and answering JSON
 * `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`. Mounted by `createApp` at `/codec`
 * when configured; the endpoint to give the CLI or the Web UI is then `<origin>/codec`.
 *
 * Every request needs `Authorization: Bearer <token>` (or passes `authorize`); the protocol also
 * sends `X-Namespace`. Browsers (the Web UI) get CORS answers for the configured origins only.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { PayloadCodec } from '@temporalio/common';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { CodecPayloadError, CodecUnauthorizedError, PayloadDecryptionError } from '../errors.js';
import { parseInput } from '../kit/validate.js';

export interface CodecServerOptions {
  /** The codec of the deployment's kits (e.g. their `AesGcmPayloadCodec`). */
  codec: PayloadCodec;
  /** The bearer token callers send (`--codec-auth 'Bearer <token>'`). */
  token?: string;
  /**
   * Decide instead of (or besides) the token, e.g. verify the Web UI's SSO access token (the UI sends
   * its own token when «Pass access token» is on). A request passes when the token matches or this
   * returns true.
   */
  authorize?: (request: { authorization?: string; namespace?: string }) => boolean | Promise<boolean>;
  /** Browser origins allowed to call (the Temporal Web UI's, e.g. `http://localhost:8233`). */
  corsOrigins?: string[];
  /** Largest request body (default 16 MB: a page of history's payloads in base64). */
  bodyLimit?: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const Base64 = z.string().regex(BASE64, 'not base64');
const JsonPayload = z.object({
  metadata: z.record(z.string(), Base64).nullish(),
  data: Base64.nullish(),
});
/** Go's protojson (the CLI's codec client) omits an empty list: `{}` is zero payloads. */
const CodecRequest = z.object({ payloads: z.array(JsonPayload).default([]) });
type JsonPayload = z.infer<typeof JsonPayload>;

const fromJson = ({ metadata, data }: JsonPayload) => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(data ?? '', 'base64')),
});

const toJson = ({ metadata, data }: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  ...(data?.length ? { data: Buffer.from(data).toString('base64') } : {}),
});

const digest = (s: string) => createHash('sha256').update(s).digest();

export function createCodecServer(options: CodecServerOptions): Router {
  if (!options.token && !options.authorize) throw new TypeError('a codec server needs a token or an authorize function');
  const expected = options.token ? digest(`Bearer ${options.token}`) : undefined;
  const origins = new Set(options.corsOrigins ?? []);
  const router = express.Router();

  // CORS first: a browser's preflight carries no credentials and must not be refused for lacking them.
  router.use((req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    if (origin && origins.has(origin)) {
      res.vary('Origin');
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': 'authorization, content-type, x-namespace',
        'Access-Control-Max-Age': '600',
      });
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  });

  router.use(async (req: Request, res: Response, next: NextFunction) => {
    const authorization = req.get('authorization');
    const byToken = expected !== undefined && authorization !== undefined && timingSafeEqual(digest(authorization.trim()), expected);
    const ok = byToken || (options.authorize ? await options.authorize({ authorization, namespace: req.get('x-namespace') }) : false);
    if (ok) return next();
    res.set('WWW-Authenticate', 'Bearer');
    next(new CodecUnauthorizedError());
  });

  // Any content type: the CLI and the Web UI send JSON; a proxy may relabel it.
  router.use(express.json({ limit: options.bodyLimit ?? '16mb', type: () => true }));

  const route = (direction: 'encode' | 'decode') => async (req: Request, res: Response) => {
    const body = parseInput(CodecRequest, req.body, `codec ${direction} request`);
    const payloads = body.payloads.map(fromJson);
    let out;
    try {
      out = direction === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
    } catch (err) {
      if (err instanceof PayloadDecryptionError) throw new CodecPayloadError(err.message, { cause: err });
      throw err;
    }
    res.json({ payloads: out.map(toJson) });
  };
  router.post('/encode', route('encode'));
  router.post('/decode', route('decode'));
  return router;
}
