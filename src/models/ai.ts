/**
 * The messages, tool calls and usage an AI turn exchanges with a model: plain data, shared by the
 * room workflow (which builds and records them) and the AI providers (which send them). They live in
 * models so workflow code never imports the provider layer; `providers/ai/base.ts` re-exports them.
 */

export interface AITextPart {
  type: 'text';
  text: string;
}

export interface AIImagePart {
  type: 'image';
  /** `https://…` or a `data:` URL. */
  url: string;
  mimeType: string;
}

/** A tool invocation the model asked for, replayed to it as part of an assistant message. */
export interface AIToolCallPart {
  type: 'tool_call';
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  /**
   * Vendor data to replay with the call, copied from {@link AIToolCall.metadata} (Gemini 3 refuses
   * a replayed function call without its `thoughtSignature`).
   */
  metadata?: Record<string, unknown>;
}

/** The answer to one tool call, sent back in a `tool` message. */
export interface AIToolResultPart {
  type: 'tool_result';
  toolCallId: string;
  content: string;
  isError?: boolean;
}

/** Model reasoning kept in an assistant message so multi-round tool loops can resume it. */
export interface AIThinkingPart {
  type: 'thinking';
  thinking: string;
  signature?: string;
}

export type AIContentPart = AITextPart | AIImagePart | AIToolCallPart | AIToolResultPart | AIThinkingPart;

export type AIRole = 'system' | 'user' | 'assistant' | 'tool';

export interface AIMessage {
  role: AIRole;
  content: string | AIContentPart[];
}

export interface AIToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

export interface AIUsage {
  inputTokens: number;
  outputTokens: number;
}
