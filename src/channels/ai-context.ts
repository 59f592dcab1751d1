/**
 * Building what an AI channel sends its model for one turn (RoomKit §10.2). Pure: a function of the
 * triggering event, the channel's binding and the room context, so it is unit-testable and can be
 * reused by other intelligence channels.
 */
import { effectiveVisibility, visibilityAllows } from '../core/visibility.js';
import type { ChannelBinding, ChannelCapabilities, EventContent, JsonRecord, RoomEvent } from '../models/index.js';
import type { AIContentPart, AIContext, AIMessage } from '../providers/ai/base.js';
import { Channel } from './channel.js';
import type { RoomContext } from './room-context.js';

/** Per-turn generation settings; a binding's metadata overrides the channel's defaults field by field. */
export interface AITurnConfig {
  systemPrompt?: string;
  temperature?: number;
  maxTokens?: number;
}

export interface BuildAIContextInput {
  /** The AI channel reading the room (the "reader"). */
  channelId: string;
  event: RoomEvent;
  binding: ChannelBinding;
  ctx: RoomContext;
  defaults: AITurnConfig;
  /** History window: at most this many earlier messages. */
  maxContextEvents: number;
  /** Send images as image parts (vision models); otherwise only their captions. */
  supportsVision?: boolean;
}

/**
 * The context for one generation: config (binding metadata > defaults), the visible message history
 * (own messages as `assistant`, everyone else's — other AIs included — as `user`), the current event
 * last as a `user` message, and the capabilities every transport of the room shares.
 *
 * @example
 * const aiCtx = buildAIContext({ channelId: 'ai', event, binding, ctx, defaults: { temperature: 0.7 }, maxContextEvents: 50 });
 */
export function buildAIContext(input: BuildAIContextInput): AIContext {
  const { channelId, event, binding, ctx, maxContextEvents } = input;
  const vision = input.supportsVision ?? false;
  // Precedence per field: binding metadata > the room's aiConfig > the channel's own defaults.
  const room = ctx.room.aiConfig;
  const config = resolveTurnConfig(binding.metadata, {
    systemPrompt: room?.systemPrompt ?? input.defaults.systemPrompt,
    temperature: room?.temperature ?? input.defaults.temperature,
    maxTokens: room?.maxTokens ?? input.defaults.maxTokens,
  });

  const earlier = ctx.recentEvents.filter((e) => e.type === 'message' && e.id !== event.id && e.status !== 'blocked');
  const visible = visibleEvents(earlier, channelId, ctx.bindings);
  const window = maxContextEvents > 0 ? visible.slice(-maxContextEvents) : [];

  const messages: AIMessage[] = [];
  for (const e of window) {
    const content = eventToAIContent(e, vision);
    if (isEmpty(content)) continue;
    messages.push({ role: e.source.channelId === channelId ? 'assistant' : 'user', content });
  }
  messages.push({ role: 'user', content: eventToAIContent(event, vision) });

  const aiCtx: AIContext = {
    messages,
    metadata: { roomId: event.roomId, eventId: event.id, channelId },
  };
  if (config.systemPrompt !== undefined) aiCtx.systemPrompt = config.systemPrompt;
  if (config.temperature !== undefined) aiCtx.temperature = config.temperature;
  if (config.maxTokens !== undefined) aiCtx.maxTokens = config.maxTokens;
  const target = intersectCapabilities(ctx.bindings, channelId);
  if (target) aiCtx.targetCapabilities = target;
  return aiCtx;
}

/**
 * Binding metadata wins per field; both RoomKit's snake_case and camelCase keys are read. A value of
 * the wrong type is ignored (falls back) rather than failing every retry of the turn.
 */
export function resolveTurnConfig(metadata: JsonRecord, defaults: AITurnConfig): AITurnConfig {
  const systemPrompt = firstOf(metadata, ['system_prompt', 'systemPrompt'], (v): v is string => typeof v === 'string');
  const temperature = firstOf(metadata, ['temperature'], isFiniteNumber);
  const maxTokens = firstOf(metadata, ['max_tokens', 'maxTokens'], (v): v is number => Number.isInteger(v) && (v as number) > 0);
  return {
    systemPrompt: systemPrompt ?? defaults.systemPrompt,
    temperature: temperature ?? defaults.temperature,
    maxTokens: maxTokens ?? defaults.maxTokens,
  };
}

/**
 * The events `reader` may see (RoomKit §6.1 rule 8): its own, plus those whose effective visibility
 * (the event's own non-"all" scope, else its source binding's current scope, else "all" once the
 * source is detached) allows the reader. A reader not bound to the room sees only its own events.
 */
export function visibleEvents(events: RoomEvent[], reader: string, bindings: ChannelBinding[]): RoomEvent[] {
  const readerBinding = bindings.find((b) => b.channelId === reader);
  return events.filter((e) => {
    if (e.source.channelId === reader) return true;
    if (!readerBinding) return false;
    const source = bindings.find((b) => b.channelId === e.source.channelId);
    return visibilityAllows(effectiveVisibility(e, source), readerBinding);
  });
}

/** An event's content as the model sees it: text, or text + image parts for vision models. */
export function eventToAIContent(event: Pick<RoomEvent, 'content'>, vision: boolean): string | AIContentPart[] {
  if (!vision) return Channel.extractText(event);
  const parts = contentParts(event.content);
  if (!parts.some((p) => p.type === 'image')) return Channel.extractText(event);
  return parts;
}

function contentParts(content: EventContent): AIContentPart[] {
  if (content.type === 'composite') return content.parts.flatMap(contentParts);
  if (content.type === 'media' && content.mimeType.startsWith('image/')) {
    const image: AIContentPart = { type: 'image', url: content.url, mimeType: content.mimeType };
    return content.caption ? [{ type: 'text', text: content.caption }, image] : [image];
  }
  const text = Channel.extractText({ content });
  return text ? [{ type: 'text', text }] : [];
}

/**
 * What every transport of the room (except `selfId`) can show: media types intersected, boolean
 * features ANDed (unset counts as unsupported), numeric limits at their minimum. Undefined when the
 * room has no other transport.
 */
export function intersectCapabilities(bindings: ChannelBinding[], selfId: string): ChannelCapabilities | undefined {
  const caps = bindings.filter((b) => b.category === 'transport' && b.channelId !== selfId).map((b) => b.capabilities);
  if (caps.length === 0) return undefined;
  const [first, ...rest] = caps;
  const result: ChannelCapabilities = {
    mediaTypes: [...new Set(first.mediaTypes)].filter((t) => rest.every((c) => c.mediaTypes.includes(t))),
  };
  for (const key of FEATURE_KEYS) {
    if (caps.some((c) => c[key] !== undefined)) result[key] = caps.every((c) => c[key] === true);
  }
  for (const key of LIMIT_KEYS) {
    const limits = caps.map((c) => c[key]).filter((v): v is number => v !== undefined);
    if (limits.length > 0) result[key] = Math.min(...limits);
  }
  return result;
}

type KeysOfType<T, V> = { [K in keyof T]-?: NonNullable<T[K]> extends V ? K : never }[keyof T];

const FEATURE_KEYS: KeysOfType<ChannelCapabilities, boolean>[] = [
  'supportsThreading', 'supportsReactions', 'supportsEdit', 'supportsDelete', 'supportsReadReceipts',
  'supportsTyping', 'supportsTemplates', 'supportsRichText', 'supportsButtons', 'supportsCards',
  'supportsQuickReplies', 'supportsMedia', 'supportsAudio', 'supportsVideo',
];
const LIMIT_KEYS: KeysOfType<ChannelCapabilities, number>[] = ['maxLength', 'maxButtons'];

function firstOf<T>(record: JsonRecord, keys: string[], guard: (v: unknown) => v is T): T | undefined {
  for (const key of keys) {
    const value = record[key];
    if (guard(value)) return value;
  }
  return undefined;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isEmpty(content: string | AIContentPart[]): boolean {
  return typeof content === 'string' ? content.trim() === '' : content.length === 0;
}
