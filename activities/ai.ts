/**
 * The AI turn's effects: one generation per round and one activity per tool call. The loop between
 * them is room workflow code, so a turn survives a worker crash halfway through its tools.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { AIChannel } from '../src/channels/ai.js';
import { matchingHooks } from '../src/core/hooks.js';
import { runObservers, runSyncChain } from '../src/hooks/runner.js';
import type { ChannelBinding, RoomEvent } from '../src/models/index.js';
import type { AIMessage, AIToolCall, AIUsage } from '../src/providers/ai/base.js';
import { executeTool, type ToolCallOutcome } from '../src/tools/execute.js';
import { DEFAULT_HISTORY_WINDOW, loadRoomContext } from './context.js';
import { channelFor, type ActivityDeps } from './deps.js';
import { toFailure } from './failures.js';

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
}

export interface RunToolInput {
  roomId: string;
  binding: ChannelBinding;
  call: AIToolCall;
}

function cancellationSignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined; // called outside an activity (tests)
  }
}

/**
 * Heartbeat while slow work runs, so Temporal notices a dead worker within the heartbeat timeout
 * (seconds) instead of the start-to-close timeout (minutes), and retries elsewhere.
 */
async function withHeartbeat<T>(work: () => Promise<T>): Promise<T> {
  let ctx: Context | undefined;
  try {
    ctx = Context.current();
  } catch {
    return work(); // outside an activity (tests)
  }
  const timer = setInterval(() => ctx?.heartbeat(), 1000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

export function aiActivities(deps: ActivityDeps) {
  const { store, hooks, tools } = deps;
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
        if (names.length && !(await runSyncChain(hooks, names, input.event, ctx)).outcome.allowed) {
          return { responded: false, content: '', toolCalls: [], limits };
        }
      }
      const started = Date.now();
      const options = { turn: input.turn, tools: tools.specs(channel.toolsFor(input.binding, ctx.room)), signal: cancellationSignal() };
      let response;
      try {
        response = await withHeartbeat(async () => {
          try {
            return await channel.generate(input.event, input.binding, ctx, options);
          } catch (err) {
            if (!(err as { contextOverflow?: boolean }).contextOverflow) throw err;
            // RoomKit: a context overflow compacts the history once (keep the newer half) and replays.
            return channel.generate(input.event, input.binding, ctx, { ...options, historyLimit: Math.floor(channel.maxContextEvents / 2) });
          }
        });
      } catch (err) {
        throw toFailure(err);
      }
      const observers = matchingHooks(hooks.specs(), 'on_ai_response', input.event).map((h) => h.name);
      if (observers.length) {
        await runObservers(hooks, observers, {
          ...input.event,
          id: `${input.event.id}:ai:${input.round}`,
          source: { channelId: channel.channelId, channelType: 'ai', direction: 'outbound' },
          content: { type: 'text', body: response.content },
          metadata: { usage: response.usage ?? {}, tool_calls_count: response.toolCalls?.length ?? 0, latency_ms: Date.now() - started, round: input.round },
        }, ctx);
      }
      return {
        responded: true,
        content: response.content,
        toolCalls: response.toolCalls ?? [],
        limits,
        ...(response.usage && { usage: response.usage }),
        ...(response.finishReason && { finishReason: response.finishReason }),
      };
    },

    /** One tool call. Tool failures are results, not activity failures; only infrastructure retries. */
    async runTool(input: RunToolInput): Promise<ToolCallOutcome> {
      const ctx = await loadRoomContext(store, input.roomId);
      return withHeartbeat(() => executeTool(tools, hooks, {
        roomId: input.roomId, channelId: input.binding.channelId, channelType: input.binding.channelType,
        call: { id: input.call.id, name: input.call.name, arguments: input.call.arguments ?? {} },
      }, ctx, cancellationSignal()));
    },
  };
}
