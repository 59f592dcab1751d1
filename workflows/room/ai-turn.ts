/**
 * An AI turn as workflow code (RoomKit §10.3): generate → run the round's tool calls concurrently,
 * each its own activity → feed results back → generate again, until the model answers without
 * tools, `maxToolRounds` or the loop's time budget. A worker crash mid-turn resumes here: finished
 * generations and tool calls are in history and are not run again.
 */
import { ActivityFailure, ApplicationFailure, uuid4 } from '@temporalio/workflow';
import type { ChannelBinding, ResponseDraft, RoomEvent } from '../../src/models/index.js';
import type { AIMessage, AIToolCall, AIUsage } from '../../src/models/index.js';
import type { ToolCallOutcome } from '../../src/tools/execute.js';
import { isToolCallEvent } from '../../src/core/events.js';
import { aiGenerate, runTool } from './effects.js';
import type { RoomState } from './state.js';
import { aiFailure, type TargetOutcome } from './outcomes.js';

type LoopEnd = 'completed' | 'max_rounds' | 'timeout' | 'error';

export async function aiTurn(rs: RoomState, event: RoomEvent, target: ChannelBinding): Promise<TargetOutcome> {
  if (isToolCallEvent(event)) {
    return { kind: 'responded', binding: target, output: { responded: false, responseEvents: [] } };
  }
  const correlationId = uuid4();
  const turn: AIMessage[] = [];
  const drafts: ResponseDraft[] = [];
  const usage: AIUsage = { inputTokens: 0, outputTokens: 0 };
  const started = Date.now();
  let end: LoopEnd = 'completed';
  let finalText = '';
  /** Set when the final answer's text was streamed: its message closes that stream. */
  let finalStream: Record<string, string> | undefined;
  let rounds = 0;

  for (let round = 0; ; round++) {
    let out;
    try {
      out = await aiGenerate({ roomId: rs.room.id, event, binding: target, turn, round });
    } catch (err) {
      const error = describe(err);
      if (round === 0) {
        return aiFailure(target, error);
      }
      // Mid-loop failure: what the model said is already in the timeline (text-before messages), so
      // the closing message only marks the interruption; the provider's error text never reaches the room.
      end = 'error';
      finalText = '[Response interrupted]';
      break;
    }
    if (!out.responded) return { kind: 'responded', binding: target, output: { responded: false, responseEvents: [] } };
    usage.inputTokens += out.usage?.inputTokens ?? 0;
    usage.outputTokens += out.usage?.outputTokens ?? 0;
    const calls = out.toolCalls;
    if (!calls.length) {
      finalText = out.content;
      finalStream = streamed(out);
      break;
    }
    if (round >= out.limits.maxToolRounds || Date.now() - started > out.limits.toolLoopTimeoutMs) {
      end = round >= out.limits.maxToolRounds ? 'max_rounds' : 'timeout';
      finalText = out.content;
      finalStream = streamed(out);
      break;
    }
    rounds += 1;
    if (out.content) drafts.push(message(out.content, correlationId, streamed(out)));
    turn.push({
      role: 'assistant',
      content: [
        ...(out.content ? [{ type: 'text' as const, text: out.content }] : []),
        ...calls.map((c) => ({ type: 'tool_call' as const, id: c.id, name: c.name, arguments: c.arguments, ...(c.metadata && { metadata: c.metadata }) })),
      ],
    });
    const results = await Promise.all(calls.map((call) => callTool(rs, target, call)));
    for (const r of results) drafts.push(toolStart(r, correlationId), toolEnd(r, correlationId));
    turn.push({ role: 'tool', content: results.map((r) => ({ type: 'tool_result' as const, toolCallId: r.toolCallId, content: r.result, isError: r.isError })) });
  }

  drafts.push({
    content: { type: 'text', body: finalText },
    correlationId,
    metadata: { ai_usage: usage, loop_end_reason: end, tool_rounds: rounds, ...finalStream },
  });
  return { kind: 'responded', binding: target, output: { responded: true, responseEvents: drafts } };
}

/** A tool activity that fails for good (not the tool: the infrastructure) is still a result for the model. */
async function callTool(rs: RoomState, target: ChannelBinding, call: AIToolCall): Promise<ToolCallOutcome> {
  try {
    return await runTool({ roomId: rs.room.id, binding: target, call });
  } catch (err) {
    return { toolCallId: call.id, name: call.name, arguments: call.arguments, result: `Error executing tool '${call.name}': ${describe(err).message}`, isError: true, durationMs: 0 };
  }
}

function message(body: string, correlationId: string, stream?: Record<string, string>): ResponseDraft {
  return { content: { type: 'text', body }, correlationId, ...(stream && { metadata: stream }) };
}

/**
 * A round whose text was streamed to a WebSocket channel: the message made from it names the stream
 * (`stream_id`) and its channel (`streamed_to`), which delivers it as the stream's end, so the
 * answer is stored and shown once (RoomKit §5.6, §9.4).
 */
function streamed(out: { streamId?: string; streamedTo?: string }): Record<string, string> | undefined {
  return out.streamId && out.streamedTo ? { stream_id: out.streamId, streamed_to: out.streamedTo } : undefined;
}

function toolStart(r: ToolCallOutcome, correlationId: string): ResponseDraft {
  return {
    type: 'tool_call_start', correlationId,
    content: { type: 'tool_call', toolName: r.name, toolId: r.toolCallId, arguments: r.arguments, status: 'pending' },
  };
}

function toolEnd(r: ToolCallOutcome, correlationId: string): ResponseDraft {
  return {
    type: 'tool_call_end', correlationId,
    content: {
      type: 'tool_call', toolName: r.name, toolId: r.toolCallId, arguments: r.arguments, result: r.result,
      status: r.isError ? 'failed' : 'completed', durationMs: r.durationMs, ...(r.isError && { error: r.result }),
    },
  };
}

function describe(err: unknown): { type: string; message: string } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return { type: cause.type || 'AIProviderError', message: cause.message };
  return { type: 'AIProviderError', message: cause instanceof Error ? cause.message : String(cause) };
}
