/**
 * VoiceMeUp SMS: form POST `{baseUrl}queue_sms` with `username`, `auth_token`, `source_number`,
 * `destination_number`, `message`, `attachment`; numbers go without '+'. Text over 1000 characters
 * is sent as several messages in order (the first refusal stops and is returned); a message with
 * media is one MMS with the first media URL. VoiceMeUp answers HTTP 200 even when it refuses:
 * `response_details.response_status` says which.
 */
import type { ProviderResult } from '../../models/index.js';
import { httpFailure, unreachable, vendorRequest, VendorUnreachableError, type HttpAnswer } from '../http.js';
import type { VoiceMeUpConfig } from './config.js';

interface VoiceMeUpMessage {
  code?: unknown;
  _content?: unknown;
}

/** `response_details.response_messages.message` is an object or a list of them. */
function messagesOf(body: unknown): VoiceMeUpMessage[] {
  const list = (body as { response_details?: { response_messages?: { message?: unknown } } } | undefined)
    ?.response_details?.response_messages?.message;
  if (Array.isArray(list)) return list as VoiceMeUpMessage[];
  return list && typeof list === 'object' ? [list as VoiceMeUpMessage] : [];
}

function statusOf(body: unknown): string | undefined {
  const status = (body as { response_details?: { response_status?: unknown } } | undefined)?.response_details?.response_status;
  return typeof status === 'string' ? status : undefined;
}

/** The first message's code and text, VoiceMeUp's way of saying why. */
export function voiceMeUpError(body: unknown): { code?: string; message?: string } {
  const first = messagesOf(body)[0];
  if (!first) return { message: typeof body === 'string' ? body.slice(0, 200) : undefined };
  const code = typeof first.code === 'string' ? first.code : undefined;
  return { code, message: typeof first._content === 'string' ? first._content : code };
}

export const stripPlus = (number: string): string => number.replace(/^\+/, '');

/** One `queue_sms` form POST: a message (or one MMS with `attachment`) from `from` to `to`, numbers without '+'. */
export async function queueSms(
  config: VoiceMeUpConfig, from: string, to: string, message: string, attachment?: string,
): Promise<ProviderResult> {
  const form = new URLSearchParams({
    username: config.username,
    auth_token: config.authToken,
    source_number: from,
    destination_number: to,
  });
  if (message) form.set('message', message);
  if (attachment) form.set('attachment', attachment);
  let answer: HttpAnswer;
  try {
    answer = await vendorRequest('voicemeup', `${config.baseUrl}queue_sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      timeoutMs: config.timeoutMs,
    });
  } catch (err) {
    if (err instanceof VendorUnreachableError) return unreachable(err);
    throw err;
  }
  if (answer.status < 200 || answer.status >= 300 || statusOf(answer.body) !== 'success') {
    // A 200 carrying `response_status: "error"` is a permanent refusal (httpFailure: 2xx ⇒ not retryable).
    return httpFailure(answer, voiceMeUpError(answer.body));
  }
  const hash = messagesOf(answer.body).find((m) => m.code === 'queued_sms_hash')?._content;
  if (typeof hash !== 'string' || hash === '') {
    return { success: false, error: 'voicemeup queued the message but returned no queued_sms_hash', metadata: { code: 'invalid_response', retryable: false } };
  }
  return { success: true, providerMessageId: hash };
}
