/**
 * What WhatsApp Cloud API and Messenger share: both are Graph API endpoints, versioned in the path,
 * and both sign webhooks with the app secret. Each vendor's config spreads these fields in.
 */
import { z } from 'zod';
import { pathSegment } from '../http.js';

export const GRAPH_BASE_URL = 'https://graph.facebook.com';
/** A Graph version Meta still serves; pin your own (`apiVersion`) and move it when Meta deprecates it. */
export const GRAPH_API_VERSION = 'v23.0';

export const graphConfigFields = {
  /** Tests point this at a fake; the default is Meta's. */
  graphBaseUrl: z.url().default(GRAPH_BASE_URL),
  apiVersion: z.string().regex(/^v\d+\.\d+$/, 'must look like v23.0').default(GRAPH_API_VERSION),
  /** Per-request timeout; keep it below the delivery activity's start-to-close timeout. */
  timeoutMs: z.number().int().positive().default(10_000),
  /** App secret: verifies `X-Hub-Signature-256`. Without it the provider has no webhook handler. */
  appSecret: z.string().min(1).optional(),
  /** The token typed in the app dashboard; the GET handshake must echo it. */
  verifyToken: z.string().min(1).optional(),
};

/** `{base}/{version}/{...path}` with each path segment encoded. */
export function graphUrl(config: { graphBaseUrl: string; apiVersion: string }, ...path: string[]): string {
  const base = config.graphBaseUrl.replace(/\/+$/, '');
  return [base, config.apiVersion, ...path.map(pathSegment)].join('/');
}
