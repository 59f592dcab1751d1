/** MCP conditions, one class each: what Temporal retries and what the model reads as a result. */
import { RoomKitError } from '../../errors.js';
import { ToolUnavailableError } from '../errors.js';

/**
 * The server cannot be reached or went away mid-call (the process exited, the HTTP connection
 * dropped, the handshake failed): retryable. The next attempt connects afresh.
 */
export class McpServerUnavailableError extends ToolUnavailableError {
  constructor(readonly serverName: string, readonly reason: string, options?: { cause?: unknown }) {
    super(`MCP server ${serverName} is unavailable: ${reason}`, options);
    this.name = 'McpServerUnavailableError';
  }
}

/** The tool answered with `isError: true`: its text is the result the model reads; final. */
export class McpToolError extends RoomKitError {
  constructor(readonly serverName: string, readonly toolName: string, text: string) {
    super(text || `tool ${toolName} of MCP server ${serverName} failed`);
    this.name = 'McpToolError';
  }
}
