/** What the `openai` SDK's error classes mean for a speech call (shared by the STT and TTS providers). */
import { vendorErrorText, type VendorFacts } from '../voice-vendor.js';

export async function openAIAudioFacts(error: unknown): Promise<VendorFacts | undefined> {
  const { APIError, APIConnectionError, APIConnectionTimeoutError } = await import('openai');
  if (error instanceof APIConnectionTimeoutError) return { kind: 'timeout' };
  if (error instanceof APIConnectionError) return { kind: 'connection', vendorMessage: error.message };
  if (error instanceof APIError && typeof error.status === 'number') {
    return { kind: 'http', status: error.status, headers: error.headers, ...vendorErrorText({ error: error.error }) };
  }
  return undefined;
}
