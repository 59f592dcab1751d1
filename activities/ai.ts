/**
 * The AI turn's effects: one generation per round and one activity per tool call. The loop between
 * them is room workflow code, so a turn survives a worker crash halfway through its tools.
 * With a streaming provider, a generation also streams its text to the room's first WebSocket
 * target (`stream_start`/`stream_chunk`, `stream_error` on failure); the committed message closes
 * the stream as `stream_end` when the room delivers it.
 * Round 0 also tells the room it is answering (`answering.ts`): the message is marked read and typing
 * shows at the vendors (first attempt only, so Temporal's retries never repeat them), and the AI
 * channel publishes `typing_start` until its final answer (`typing_stop`).
 */
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { AIChannel } from '../src/channels/ai.js';
import type { RoomContext } from '../src/channels/room-context.js';
import type { ToolCallProgress } from '../src/realtime/room-realtime.js';
import { WebSocketChannel } from '../src/channels/websocket.js';
import { matchingHooks } from '../src/core/hooks.js';
import { planTargets } from '../src/core/visibility.js';
import { runObservers, runSyncChain, type HookTiming } from '../src/hooks/runner.js';
import type { ChannelBinding, RoomEvent } from '../src/models/index.js';
import type { AIMessage, AIToolCall, AIUsage } from '../src/providers/ai/base.js';
import { executeTool, type ToolCallOutcome } from '../src/tools/execute.js';
import { DEFAULT_HISTORY_WINDOW, loadRoomContext } from './context.js';
import { withHeartbeat } from './heartbeat.js';
import { channelFor, type ActivityDeps } from './deps.js';
import { toFailure } from './failures.js';
import { aiTyping, signalVendors } from './answering.js';

export interface AIGenerateInput {
  roomId: string;
  /** The event being answered, transcoded for the AI. */
  event: RoomEvent;
  binding: ChannelBinding;
  /** What the loop added so far: assistant tool-call turns and tool results. */
  turn: AIMessage[];
  round: number;
}

export interface AIGenerateOutput {
  /** False when a BEFORE_AI_GENERATION hook blocked the turn (no answer at all). */
  responded: boolean;
  content: string;
  toolCalls: AIToolCall[];
  usage?: AIUsage;
  finishReason?: string;
  /** The channel's loop limits, read once per round so the workflow never guesses them. */
  limits: { maxToolRounds: number; toolLoopTimeoutMs: number };
  /**
   * Set when this round's text was streamed (`stream_start`/`stream_chunk` frames) to `streamedTo`'s
   * connections: the message made from it carries both in its metadata, so that channel delivers it
   * as the stream's `stream_end` instead of a second copy.
   */
  streamId?: string;
  streamedTo?: string;
}

export interface RunToolInput {
  roomId: string;
  binding: ChannelBinding;
  call: AIToolCall;
}

function activityAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

/**
 * Where this answer streams (RoomKit §5.6, V1: the first target only): a transport binding of a
 * WebSocket channel that would receive the committed answer (readable, not outbound, not the AI,
 * allowed by the turn's visibility) and has a connection in the room on some process. None ⇒ no streaming.
 */
async function streamTarget(deps: ActivityDeps, ctx: RoomContext, input: AIGenerateInput): Promise<WebSocketChannel | undefined> {
  const { event, binding } = input;
  const answer = {
    visibility: event.responseVisibility ?? 'all',
    source: { channelId: binding.channelId, channelType: binding.channelType, direction: 'outbound' as const },
  };
  for (const target of planTargets(answer, binding, ctx.bindings)) {
    if (target.category !== 'transport') continue;
    const channel = deps.channels.get(target.channelId);
    if (channel instanceof WebSocketChannel && (await channel.canStreamTo(input.roomId))) return channel;
  }
  return undefined;
}

/**
 * One streamed generation to one WebSocket channel. `stream_start` goes out with the first delta (a
 * round that only calls tools streams nothing). Frames are sent in order, one broadcast after the
 * other, off the generation's path; `drain` waits for all of them.
 */
class StreamSession {
  private started = false;
  private sending: Promise<unknown> = Promise.resolve();

  constructor(private readonly ws: WebSocketChannel, private readonly roomId: string, readonly streamId: string, private readonly source: string) {}

  get active(): boolean {
    return this.started;
  }

  readonly onDelta = (delta: string, text: string): void => {
    if (!this.started) {
      this.started = true;
      this.send({ type: 'stream_start', roomId: this.roomId, streamId: this.streamId, source: this.source });
    }
    this.send({ type: 'stream_chunk', roomId: this.roomId, streamId: this.streamId, delta, text });
  };

  /** Tell the clients the stream is void; `error` is a code, never the provider's message. */
  fail(error: string): Promise<void> {
    if (this.started) this.send({ type: 'stream_error', roomId: this.roomId, streamId: this.streamId, error });
    return this.drain();
  }

  async drain(): Promise<void> {
    await this.sending;
  }

  private send(frame: Parameters<WebSocketChannel['broadcast']>[1]): void {
    // `broadcast` never throws: each send is bounded and failing connections are evicted.
    this.sending = this.sending.then(() => this.ws.broadcast(this.roomId, frame));
  }
}

/**
 * A model's streamed reasoning for the room's UIs: `thinking_start`, a `thinking_delta` per piece,
 * `thinking_end` when the answer starts (or the call ends). Ephemeral and best effort.
 */
function thinkingProgress(deps: ActivityDeps, roomId: string, channelId: string, streamId: string) {
  let state: 'idle' | 'thinking' | 'ended' = 'idle';
  const publish = (type: 'thinking_start' | 'thinking_delta' | 'thinking_end', data: Record<string, unknown> = {}): void => {
    deps.realtime?.publishThinking(roomId, channelId, type, { stream_id: streamId, ...data }).catch(() => undefined);
  };
  return {
    delta(delta: string): void {
      if (state === 'ended') return;
      if (state === 'idle') publish('thinking_start');
      state = 'thinking';
      publish('thinking_delta', { delta });
    },
    end(): void {
      if (state === 'thinking') publish('thinking_end');
      state = 'ended';
    },
  };
}

/**
 * Tool progress for the room's UIs, as ephemeral events (never stored, never sent to transports).
 * Best effort: a realtime outage must not fail the tool call.
 */
function toolProgress(deps: ActivityDeps, roomId: string, channelId: string) {
  return (type: 'tool_call_start' | 'tool_call_end', calls: ToolCallProgress[], durationMs?: number): void => {
    deps.realtime
      ?.publishToolCall(roomId, channelId, calls, type, durationMs === undefined ? {} : { durationMs })
      .catch(() => undefined);
  };
}

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown } | undefined;
  if (typeof e?.code === 'string' && e.code) return e.code;
  return typeof e?.name === 'string' && e.name ? e.name : 'Error';
}

function cancellationSignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined; // called outside an activity (tests)
  }
}

export function aiActivities(deps: ActivityDeps) {
  const { store, hooks, tools, metrics } = deps;
  const timing = (trigger: string): HookTiming | undefined =>
    metrics && ((hook, outcome, ms) => metrics.hook(hook, trigger, outcome, ms / 1000));
  return {
    async aiGenerate(input: AIGenerateInput): Promise<AIGenerateOutput> {
      const channel = channelFor(deps, input.binding.channelId);
      if (!(channel instanceof AIChannel)) {
        throw ApplicationFailure.nonRetryable(`channel ${channel.channelId} is not an AIChannel`, 'ChannelTypeError');
      }
      const limits = { maxToolRounds: channel.maxToolRounds, toolLoopTimeoutMs: channel.toolLoopTimeoutSeconds * 1000 };
      const ctx = await loadRoomContext(store, input.roomId, { historyLimit: Math.max(DEFAULT_HISTORY_WINDOW, channel.recentEventsWindow) + 1 });
      if (input.round === 0) {
        const names = matchingHooks(hooks.specs(), 'before_ai_generation', input.event, 'sync').map((h) => h.name);
        if (names.length && !(await runSyncChain(hooks, names, input.event, ctx, timing('before_ai_generation'))).outcome.allowed) {
          return { responded: false, content: '', toolCalls: [], limits };
        }
      }
      const started = Date.now();
      const attempt = activityAttempt();
      const typing = aiTyping(deps, input.roomId, channel.channelId, input.event.id);
      // Off the generation's path; awaited (bounded) only before returning, so they precede the answer.
      const vendors = input.round === 0 && attempt === 1 ? signalVendors(deps, ctx, input.event, input.binding) : undefined;
      if (input.round === 0) typing.start();
      let ws: WebSocketChannel | undefined;
      let toolSpecs: Awaited<ReturnType<typeof tools.resolveSpecs>>;
      try {
        ws = channel.canStream ? await streamTarget(deps, ctx, input) : undefined;
        // Tool definitions are resolved here, on the worker (MCP servers are asked), never in the workflow.
        toolSpecs = await withHeartbeat(() => tools.resolveSpecs(channel.toolsFor(input.binding, ctx.room)));
      } catch (err) {
        typing.stop();
        throw err;
      }
      // A retried attempt streams anew under its own id; the previous one ended with `stream_error`.
      const baseId = `${input.event.id}:${input.round}${attempt > 1 ? `:${attempt}` : ''}`;
      let session: StreamSession | undefined;
      const options = { turn: input.turn, tools: toolSpecs, signal: cancellationSignal() };
      const generate = async (streamId: string, extra: { historyLimit?: number } = {}) => {
        session = ws && new StreamSession(ws, input.roomId, streamId, channel.channelId);
        const thinking = session && thinkingProgress(deps, input.roomId, channel.channelId, streamId);
        const onDelta = session && ((delta: string, text: string) => {
          thinking?.end();
          session?.onDelta(delta, text);
        });
        try {
          return await channel.generate(input.event, input.binding, ctx, {
            ...options, ...extra, ...(onDelta && { onDelta, onThinking: thinking?.delta }),
          });
        } finally {
          thinking?.end();
        }
      };
      let response;
      const generating = Date.now();
      try {
        response = await withHeartbeat(async () => {
          let out;
          try {
            out = await generate(baseId);
          } catch (err) {
            if (!(err as { contextOverflow?: boolean }).contextOverflow) throw err;
            await session?.fail(errorCode(err));
            // RoomKit: a context overflow compacts the history once (keep the newer half) and replays.
            out = await generate(`${baseId}:compacted`, { historyLimit: Math.floor(channel.maxContextEvents / 2) });
          }
          // The chunks reach the clients before the activity returns, hence before `stream_end`.
          await session?.drain();
          return out;
        });
      } catch (err) {
        metrics?.aiGeneration(channel.channelId, channel.provider.name, 'error', (Date.now() - generating) / 1000);
        typing.stop();
        await session?.fail(errorCode(err));
        throw toFailure(err);
      }
      metrics?.aiGeneration(channel.channelId, channel.provider.name, 'ok', (Date.now() - generating) / 1000, response.usage);
      // The last round: no tool calls left to run, or none the loop will run (`maxToolRounds`).
      if (!response.toolCalls?.length || input.round >= limits.maxToolRounds) typing.stop();
      await vendors?.settle();
      const streamed = session?.active ? { streamId: session.streamId, streamedTo: ws?.channelId as string } : undefined;
      const observers = matchingHooks(hooks.specs(), 'on_ai_response', input.event).map((h) => h.name);
      if (observers.length) {
        await runObservers(hooks, observers, {
          ...input.event,
          id: `${input.event.id}:ai:${input.round}`,
          source: { channelId: channel.channelId, channelType: 'ai', direction: 'outbound' },
          content: { type: 'text', body: response.content },
          metadata: {
            usage: response.usage ?? {}, tool_calls_count: response.toolCalls?.length ?? 0, latency_ms: Date.now() - started, round: input.round,
            streaming: !!streamed,
          },
        }, ctx, timing('on_ai_response'));
      }
      return {
        responded: true,
        content: response.content,
        toolCalls: response.toolCalls ?? [],
        limits,
        ...(response.usage && { usage: response.usage }),
        ...(response.finishReason && { finishReason: response.finishReason }),
        ...streamed,
      };
    },

    /**
     * One tool call. Tool failures are results, not activity failures; only infrastructure retries
     * (a lost worker, an unreachable store, an MCP server that cannot be reached: `ToolUnavailableError`).
     */
    async runTool(input: RunToolInput): Promise<ToolCallOutcome> {
      const ctx = await loadRoomContext(store, input.roomId);
      const call = { id: input.call.id, name: input.call.name, arguments: input.call.arguments ?? {} };
      const progress = toolProgress(deps, input.roomId, input.binding.channelId);
      progress('tool_call_start', [call]);
      const outcome = await withHeartbeat(() => executeTool(tools, hooks, {
        roomId: input.roomId, channelId: input.binding.channelId, channelType: input.binding.channelType, call,
      }, ctx, cancellationSignal(), timing));
      const end = { id: call.id, name: call.name, ...(outcome.isError ? { error: outcome.result } : { result: outcome.result }) };
      progress('tool_call_end', [end], outcome.durationMs);
      metrics?.toolCall(call.name, outcome.isError ? 'error' : 'ok');
      return outcome;
    },
  };
}
