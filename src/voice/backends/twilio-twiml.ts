/**
 * Answering a Twilio call with a bidirectional Media Stream: the TwiML
 * `<Response><Connect><Stream url="wss://…"><Parameter name value/>…</Stream></Connect></Response>`
 * (built with the `twilio` package's `VoiceResponse`), and the Express route Twilio's incoming-call
 * webhook hits. With an auth token the webhook's `X-Twilio-Signature` is checked first (the same
 * verification as the messaging webhooks).
 */
import express, { type ErrorRequestHandler, type Router } from 'express';
import VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import { verifyTwilioWebhook } from '../../providers/twilio/webhook.js';
import { httpStatusOf } from '../../server/http-errors.js';
import { toWebhookRequest } from '../../server/webhook-router.js';

export interface TwilioStreamTwimlInput {
  /** `wss://…` URL of the stream route. */
  streamUrl: string;
  /** Sent to the stream as `start.customParameters`. */
  parameters?: Record<string, string>;
}

/**
 * @example
 * twilioStreamTwiml({ streamUrl: 'wss://voice.example.com/voice/twilio/voice/stream', parameters: { callerId: '+15551234567' } });
 * // <?xml …?><Response><Connect><Stream url="wss://…"><Parameter name="callerId" value="+15551234567"/></Stream></Connect></Response>
 */
export function twilioStreamTwiml(input: TwilioStreamTwimlInput): string {
  const response = new VoiceResponse();
  const stream = response.connect().stream({ url: input.streamUrl });
  for (const [name, value] of Object.entries(input.parameters ?? {})) stream.parameter({ name, value });
  return response.toString();
}

export interface TwilioCallRouteOptions {
  /** Voice channels answered; another id in the path is a 404. */
  channelIds: readonly string[];
  /** Checks `X-Twilio-Signature` when set (401 missing, 403 wrong). */
  authToken?: string;
  /**
   * Public origin Twilio calls (`https://voice.example.com`): the signed URL, and the stream URL's
   * origin (`wss://…`). Default: the request's own protocol and host.
   */
  publicUrl?: string;
  /** Path prefix the routes are mounted under (default `/voice`), for the stream URL. */
  basePath?: string;
}

/**
 * `POST <basePath>/twilio/:channelId/incoming`: answers the call with a stream to
 * `<basePath>/twilio/:channelId/stream`, passing `callerId` (`From`), `From` and `To` as parameters.
 */
export function createTwilioCallRouter(options: TwilioCallRouteOptions): Router {
  const router = express.Router();
  const publicBase = options.publicUrl?.replace(/\/+$/, '');
  const basePath = (options.basePath ?? '/voice').replace(/\/+$/, '');
  router.post('/twilio/:channelId/incoming', express.raw({ type: () => true, limit: '64kb' }), (req, res) => {
    const channelId = String(req.params.channelId);
    if (!options.channelIds.includes(channelId)) return void res.status(404).json({ error: `no voice channel ${channelId}` });
    const request = toWebhookRequest(req, publicBase);
    if (options.authToken) verifyTwilioWebhook(request, { authToken: options.authToken });
    const form = new URLSearchParams(request.rawBody.toString('utf8'));
    const origin = new URL(request.url).origin.replace(/^http/, 'ws');
    const parameters: Record<string, string> = {};
    for (const name of ['From', 'To']) {
      const value = form.get(name);
      if (value) parameters[name] = value;
    }
    if (parameters.From) parameters.callerId = parameters.From;
    res.type('text/xml').send(twilioStreamTwiml({ streamUrl: `${origin}${basePath}/twilio/${encodeURIComponent(channelId)}/stream`, parameters }));
  });
  router.use(twilioCallErrors);
  return router;
}

const twilioCallErrors: ErrorRequestHandler = (err, _req, res, _next) => {
  const { status, body, headers } = httpStatusOf(err, 'webhook');
  if (headers) res.set(headers);
  res.status(status).json(body);
};
