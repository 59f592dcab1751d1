/**
 * One tool call, start to finish, node-side (inside its activity): BEFORE_TOOL_USE hooks (deny or
 * rewrite arguments) → argument validation → handler with a timeout → ON_TOOL_CALL hooks (deny or
 * override the result). Every failure of the tool becomes an error result the model sees; only a
 * `ToolUnavailableError` (what runs the tool cannot be reached, e.g. an MCP server that died) is
 * thrown, so that the activity fails and Temporal retries the call.
 */
import { matchingHooks } from '../core/hooks.js';
import type { HookRegistry } from '../hooks/registry.js';
import { runSyncChain, type HookTiming } from '../hooks/runner.js';
import type { RoomContext } from '../channels/room-context.js';
import type { ChannelType, RoomEvent } from '../models/index.js';
import type { ToolRegistry } from './registry.js';
import { ToolUnavailableError } from './errors.js';
import { withTimeout } from '../util/with-timeout.js';

export interface ToolCallRequest {
  roomId: string;
  channelId: string;
  channelType: ChannelType;
  call: { id: string; name: string; arguments: Record<string, unknown> };
}

export interface ToolCallOutcome {
  toolCallId: string;
  name: string;
  arguments: Record<string, unknown>;
  /** What the model receives. */
  result: string;
  isError: boolean;
  durationMs: number;
}

export async function executeTool(
  tools: ToolRegistry, hooks: HookRegistry, req: ToolCallRequest, ctx: RoomContext, signal?: AbortSignal,
  /** How each tool hook went, per trigger (metrics). */
  hookTiming?: (trigger: 'before_tool_use' | 'on_tool_call') => HookTiming | undefined,
): Promise<ToolCallOutcome> {
  const started = Date.now();
  let args = req.call.arguments;
  const done = (result: string, isError: boolean): ToolCallOutcome =>
    ({ toolCallId: req.call.id, name: req.call.name, arguments: args, result, isError, durationMs: Date.now() - started });

  const before = await runToolHooks(hooks, 'before_tool_use', toolEvent(req, args), ctx, hookTiming?.('before_tool_use'));
  if (!before.allowed) return done(JSON.stringify({ error: before.reason ?? 'tool use denied' }), true);
  if ('arguments' in before.metadata) {
    const rewritten = before.metadata.arguments;
    // RoomKit: rewritten arguments must be an object, anything else denies the call.
    if (typeof rewritten !== 'object' || rewritten === null || Array.isArray(rewritten)) {
      return done(JSON.stringify({ error: 'tool use denied: hook rewrote arguments to a non-object' }), true);
    }
    args = rewritten as Record<string, unknown>;
  }

  const tool = await tools.find(req.call.name);
  if (!tool) return done(`Error: unknown tool '${req.call.name}'`, true);
  const valid = tool.validate(args);
  if (!valid.ok) return done(`Error: invalid arguments for tool '${req.call.name}': ${valid.error}`, true);

  let result: string;
  let isError = false;
  try {
    const value = await withTimeout((tool.definition.timeout ?? 60) * 1000, () =>
      tool.definition.handler(valid.value as never, { roomId: req.roomId, channelId: req.channelId, toolCallId: req.call.id, signal }));
    result = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  } catch (err) {
    if (err instanceof ToolUnavailableError) throw err;
    result = `Error executing tool '${req.call.name}': ${err instanceof Error ? err.message : String(err)}`;
    isError = true;
  }

  const after = await runToolHooks(hooks, 'on_tool_call', toolEvent(req, args, result, isError), ctx, hookTiming?.('on_tool_call'));
  if (!after.allowed) return done(JSON.stringify({ error: after.reason ?? 'tool result withheld' }), true);
  if ('result' in after.metadata) {
    const r = after.metadata.result;
    return done(typeof r === 'string' ? r : JSON.stringify(r), isError);
  }
  return done(result, isError);
}

async function runToolHooks(
  hooks: HookRegistry, trigger: 'before_tool_use' | 'on_tool_call', event: RoomEvent, ctx: RoomContext, timing?: HookTiming,
) {
  const names = matchingHooks(hooks.specs(), trigger, event, 'sync').map((h) => h.name);
  if (!names.length) return { allowed: true, metadata: {} as Record<string, unknown>, reason: undefined };
  const { outcome } = await runSyncChain(hooks, names, event, ctx, timing);
  return outcome;
}

/** Tool hooks see the call as a RoomEvent whose content is `tool_call` (source: the AI channel). */
function toolEvent(req: ToolCallRequest, args: Record<string, unknown>, result?: string, isError?: boolean): RoomEvent {
  return {
    id: `tool-${req.call.id}`,
    roomId: req.roomId,
    type: result === undefined ? 'tool_call_start' : 'tool_call_end',
    source: { channelId: req.channelId, channelType: req.channelType, direction: 'outbound' },
    content: {
      type: 'tool_call', toolName: req.call.name, toolId: req.call.id, arguments: args,
      ...(result !== undefined && { result, status: isError ? 'failed' : 'completed' }),
    },
    status: 'pending',
    visibility: 'internal',
    index: 0,
    chainDepth: 0,
    createdAt: new Date().toISOString(),
    metadata: {},
  };
}
