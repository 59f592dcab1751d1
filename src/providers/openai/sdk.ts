/** The `openai` client the OpenAI providers share: built on first use, never retrying on its own. */
import type OpenAI from 'openai';

export interface OpenAIClientConfig {
  apiKey: string;
  baseURL?: string;
  organization?: string;
  project?: string;
  timeoutMs: number;
}

/** Loaded on first use so importing RoomKit does not pay for the SDK; retries are Temporal's, not the SDK's. */
export function loadOpenAIClient(config: OpenAIClientConfig): Promise<OpenAI> {
  return import('openai').then(({ default: Sdk }) => new Sdk({
    apiKey: config.apiKey,
    baseURL: config.baseURL,
    organization: config.organization ?? null,
    project: config.project ?? null,
    maxRetries: 0,
    timeout: config.timeoutMs,
  }));
}
