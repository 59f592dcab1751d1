/**
 * Small pure helpers every vendor mapping needs: normalising message content to parts, splitting
 * `data:` URLs, merging consecutive same-role turns, and finding a tool call's name by its id.
 */
import type { AIContentPart, AIMessage } from './base.js';

/** A message's content as parts (`string` ⇒ one text part; empty strings dropped). */
export function partsOf(message: AIMessage): AIContentPart[] {
  if (typeof message.content === 'string') return message.content ? [{ type: 'text', text: message.content }] : [];
  return message.content;
}

/** The text parts of a message, joined. */
export function textOf(message: AIMessage): string {
  return partsOf(message)
    .flatMap((p) => (p.type === 'text' ? [p.text] : []))
    .join('\n');
}

export interface DataUrl {
  mimeType: string;
  /** Base64 payload. */
  data: string;
}

/** `data:image/png;base64,AAAA` → `{ mimeType: 'image/png', data: 'AAAA' }`; anything else ⇒ undefined. */
export function parseDataUrl(url: string, fallbackMimeType?: string): DataUrl | undefined {
  const m = /^data:([^;,]*)((?:;[^;,]*)*?);base64,(.*)$/s.exec(url);
  if (!m) return undefined;
  return { mimeType: m[1] || fallbackMimeType || 'application/octet-stream', data: m[3] };
}

/**
 * Merge consecutive turns with the same role (Anthropic and Gemini want user/model alternation;
 * RoomKit histories can hold two user messages in a row).
 */
export function mergeSameRole<R extends string, P>(turns: { role: R; parts: P[] }[]): { role: R; parts: P[] }[] {
  const out: { role: R; parts: P[] }[] = [];
  for (const turn of turns) {
    if (turn.parts.length === 0) continue;
    const last = out.at(-1);
    if (last && last.role === turn.role) last.parts.push(...turn.parts);
    else out.push({ role: turn.role, parts: [...turn.parts] });
  }
  return out;
}

/** Tool call id → tool name, from every assistant `tool_call` part (Gemini answers by name). */
export function toolNamesById(messages: AIMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    for (const part of partsOf(message)) if (part.type === 'tool_call') names.set(part.id, part.name);
  }
  return names;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
