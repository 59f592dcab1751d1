/**
 * Which MCP failures mean "the connection is gone" (drop it, reconnect, let Temporal retry the call)
 * and which are the server's final word (an error result for the model).
 */
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

/** HTTP statuses worth another attempt: session gone (the server restarted), overload, server faults. */
const RETRYABLE_STATUSES = new Set([404, 408, 425, 429]);

/**
 * A call's failure is a lost connection when the SDK says so (`ConnectionClosed`), when the HTTP
 * transport got a retryable status, or when it is no protocol answer at all (fetch/socket/spawn
 * errors). A JSON-RPC error from the server (unknown tool, invalid params, timeout), an
 * authorization failure or a malformed result is final.
 */
export function isConnectionFailure(err: unknown): boolean {
  if (err instanceof McpError) return err.code === ErrorCode.ConnectionClosed;
  if (err instanceof StreamableHTTPError) {
    const status = err.code ?? 0;
    return status >= 500 || RETRYABLE_STATUSES.has(status);
  }
  const name = (err as { name?: unknown } | null)?.name;
  // Answers that arrived but were wrong (zod on the result, an auth refusal) will not heal by retrying.
  if (name === 'ZodError' || name === 'UnauthorizedError') return false;
  return true;
}

/**
 * Errors the client reports outside any request that mean the connection is broken. Over streamable
 * HTTP a response stream cut mid-call is reported only here (the request itself would wait for its
 * timeout), so the connection is dropped and the calls on it fail at once. The SDK gives these no
 * class, hence the messages (pinned by the HTTP tests in tests/integration/mcp-tools.test.ts).
 */
export function breaksConnection(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOENT', 'EACCES'].includes(code)) return true;
  return /^(SSE stream disconnected|Failed to reconnect|Maximum reconnection attempts)/.test(err.message);
}
