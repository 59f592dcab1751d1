/**
 * Puts the media plane on an HTTP server: WebSocket streams at
 * `<basePath>/twilio/:channelId/stream` (Twilio Media Streams) and
 * `<basePath>/browser/:channelId/stream` (PCM16 from a browser), one `VoiceSession` per socket, and
 * Twilio's incoming-call webhook at `<basePath>/twilio/:channelId/incoming`.
 *
 * The streams are routes of the server's upgrade dispatcher (`src/server/upgrade-routes.ts`),
 * beside the chat WebSocket endpoint.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Express } from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import { verifyTwilioRequest } from '../providers/twilio/signature.js';
import { addUpgradeRoute, refuseUpgrade } from '../server/upgrade-routes.js';
import type { AudioStore } from './audio-store.js';
import type { VoiceBackend } from './backend.js';
import { BrowserVoiceBackend } from './backends/browser.js';
import { TwilioMediaStreamBackend } from './backends/twilio-media-streams.js';
import { createTwilioCallRouter } from './backends/twilio-twiml.js';
import type { VoiceError } from './errors.js';
import type { VoicePort } from './port.js';
import { type VoiceSessionOptions, VoiceSession } from './session.js';

export type VoiceTransport = 'twilio' | 'browser';

export interface VoiceStreamsOptions extends Pick<VoiceSessionOptions, 'vad' | 'turn' | 'bargeIn' | 'markGraceMs' | 'onDtmf' | 'onStateChange'> {
  port: VoicePort;
  audioStore: AudioStore;
  /** The voice channel(s) served; a stream for another id is refused (404). */
  channelId: string | readonly string[];
  /** Default `/voice`. */
  basePath?: string;
  /** Transports served (default both). */
  transports?: readonly VoiceTransport[];
  /**
   * Protocol and port errors. Default: one JSON line on stderr naming the session; the call goes on
   * unless the error is fatal.
   */
  onError?: (error: VoiceError, session: VoiceSession) => void;
  /** Ping interval; a socket that misses a pong is terminated (its session ends). Default 30 000 ms. */
  heartbeatMs?: number;
  /** Every new session, as its socket opens. */
  onSession?: (session: VoiceSession, transport: VoiceTransport) => void;
  /**
   * Twilio: with `authToken`, the stream handshake's `X-Twilio-Signature` is checked (401 missing,
   * 403 wrong) and so is the incoming-call webhook's. `publicUrl` is the origin Twilio calls
   * (`https://voice.example.com`), default the request's host.
   */
  twilio?: { authToken?: string; publicUrl?: string };
}

export interface VoiceStreams {
  /** Sessions not yet ended. */
  readonly sessions: ReadonlySet<VoiceSession>;
  /** Ends every session and stops accepting streams. */
  close(): Promise<void>;
}

const BACKENDS: Record<VoiceTransport, (socket: WebSocket) => VoiceBackend> = {
  twilio: (socket) => new TwilioMediaStreamBackend(socket),
  browser: (socket) => new BrowserVoiceBackend(socket),
};

/**
 * @example
 * const server = app.listen(3000);
 * const voice = attachVoiceStreams(server, { port, audioStore, channelId: 'voice' });
 */
export function attachVoiceStreams(server: Server, options: VoiceStreamsOptions): VoiceStreams {
  const channelIds = ([] as string[]).concat(options.channelId);
  const transports = options.transports ?? ['twilio', 'browser'];
  const base = (options.basePath ?? '/voice').replace(/\/+$/, '');
  const route = new RegExp(`^${escapeRegExp(base)}/(twilio|browser)/([^/?#]+)/stream$`);
  const sessions = new Set<VoiceSession>();
  // Twilio sends 50 small frames a second; a browser's PCM frames are a few KB.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  const onError = options.onError ?? logError;

  const removeRoute = addUpgradeRoute(server, {
    matches: (pathname) => route.test(pathname),
    handle: (req, socket, head) => {
      const match = route.exec(new URL(req.url ?? '/', 'http://localhost').pathname)!;
      const transport = match[1] as VoiceTransport;
      const channelId = decodeURIComponent(match[2]);
      if (!transports.includes(transport) || !channelIds.includes(channelId)) return refuseUpgrade(socket, 404, 'Not Found');
      const authToken = transport === 'twilio' ? options.twilio?.authToken : undefined;
      if (authToken) {
        const refusal = twilioHandshakeRefusal(req, authToken, options.twilio?.publicUrl);
        if (refusal) return refuseUpgrade(socket, refusal.status, refusal.text);
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        alive.set(ws, true);
        ws.on('pong', () => alive.set(ws, true));
        const session = new VoiceSession({ ...options, channelId, backend: BACKENDS[transport](ws), onError });
        sessions.add(session);
        void session.ended.then(() => sessions.delete(session));
        options.onSession?.(session, transport);
      });
    },
  });

  // A socket that died without a close (a dropped network) would hold its session forever.
  const alive = new WeakMap<WebSocket, boolean>();
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) ws.terminate();
      else {
        alive.set(ws, false);
        ws.ping();
      }
    }
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();

  return {
    sessions,
    async close() {
      removeRoute();
      clearInterval(heartbeat);
      await Promise.all([...sessions].map((s) => s.close('server shutting down')));
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

export type MountVoiceOptions = VoiceStreamsOptions;

/**
 * Twilio signs the stream's handshake like a webhook with no params. The docs do not say in which
 * scheme the URL is signed, so the `wss://` and the `https://` forms are both accepted.
 */
function twilioHandshakeRefusal(req: IncomingMessage, authToken: string, publicUrl?: string): { status: number; text: string } | undefined {
  const header = req.headers['x-twilio-signature'];
  const signature = Array.isArray(header) ? header[0] : header;
  if (!signature) return { status: 401, text: 'Unauthorized' };
  const origin = (publicUrl ?? `http://${req.headers.host ?? 'localhost'}`).replace(/\/+$/, '');
  const https = origin.replace(/^ws/, 'http');
  const wss = https.replace(/^http/, 'ws');
  const ok = [wss, https].some((base) => verifyTwilioRequest(authToken, signature, `${base}${req.url ?? '/'}`, {}));
  return ok ? undefined : { status: 403, text: 'Forbidden' };
}

/**
 * The streams on `server` and the incoming-call route on `app` (mount before `createApp`'s error
 * handler matters not: the route answers its own errors).
 *
 * @example
 * const app = createApp(kit);
 * const server = app.listen(3000);
 * const voice = mountVoice(app, server, { port: voicePortOf(kit), audioStore, channelId: 'voice', twilio: { authToken } });
 */
export function mountVoice(app: Express, server: Server, options: MountVoiceOptions): VoiceStreams {
  const basePath = (options.basePath ?? '/voice').replace(/\/+$/, '');
  if ((options.transports ?? ['twilio']).includes('twilio')) {
    app.use(basePath, createTwilioCallRouter({ channelIds: ([] as string[]).concat(options.channelId), basePath, ...options.twilio }));
  }
  return attachVoiceStreams(server, options);
}

function logError(error: VoiceError, session: VoiceSession): void {
  console.error(JSON.stringify({ level: 'warn', msg: error.message, error: error.name, sessionId: session.sessionId, roomId: session.roomId }));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
