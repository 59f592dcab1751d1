/**
 * One mapping from a nodemailer/SMTP failure to a `ProviderResult`. SMTP says what it means in the
 * reply code (RFC 5321 §4.2.1): 5xx is a permanent refusal, 4xx a transient one; a connection that
 * never answered is the network.
 */
import type { ProviderResult } from '../../models/index.js';

/** What nodemailer puts on its errors (`code` is its own, `responseCode` the server's reply code). */
interface NodemailerError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

const NETWORK = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROXY', 'ECONNREFUSED', 'ECONNRESET']);

/** nodemailer codes that mean our configuration or input is wrong: a retry would fail the same way. */
const PERMANENT: Record<string, string> = {
  EAUTH: 'auth_failed', ENOAUTH: 'auth_failed', EOAUTH2: 'auth_failed',
  ETLS: 'tls_failed', EREQUIRETLS: 'tls_failed',
  EENVELOPE: 'invalid_envelope', EMAXRECIPIENTS: 'invalid_envelope',
  ECONFIG: 'invalid_config', EFILEACCESS: 'media_access_denied', EURLACCESS: 'media_access_denied',
};

export function smtpFailure(error: unknown): ProviderResult {
  const err = (error ?? {}) as NodemailerError;
  const message = err.response || err.message || String(error);
  const reply = err.responseCode;
  if (typeof reply === 'number' && reply >= 400 && reply < 600) {
    return { success: false, error: message, metadata: { code: `smtp_${reply}`, retryable: reply < 500, smtpCode: reply } };
  }
  if (err.code && NETWORK.has(err.code)) {
    return { success: false, error: message, metadata: { code: 'network_error', retryable: true } };
  }
  if (err.code === 'EFETCH') {
    // An `attach`-mode media URL that did not download: the media host may come back.
    return { success: false, error: message, metadata: { code: 'media_fetch_failed', retryable: true } };
  }
  const permanent = err.code ? PERMANENT[err.code] : undefined;
  if (permanent) return { success: false, error: message, metadata: { code: permanent, retryable: false } };
  return { success: false, error: message, metadata: { code: 'smtp_error', retryable: true } };
}
