/**
 * Tool errors the registry and the tool activity decide on. A tool's own failure is a result the
 * model reads (never thrown past `executeTool`); these are the conditions that are not.
 */
import { RoomKitError } from '../errors.js';

/**
 * What runs the tool cannot be reached (an MCP server that died or refuses connections): not the
 * tool's answer, so `executeTool` lets it through, the tool activity fails and Temporal retries it
 * (`runTool`'s retry policy). When the attempts run out the room hands the model an error result.
 */
export class ToolUnavailableError extends RoomKitError {
  /** Read by the activity's failure mapping (`toFailure`): retry. */
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ToolUnavailableError';
  }
}

/** A tool name, or an MCP server's `<server>__` namespace, that is already someone else's. */
export class ToolNamespaceTakenError extends RoomKitError {
  constructor(readonly toolName: string, readonly owner: string) {
    super(`${toolName} collides with ${owner}`);
    this.name = 'ToolNamespaceTakenError';
  }
}
