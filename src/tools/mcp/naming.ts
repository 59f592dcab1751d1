/**
 * How an MCP tool is named to the AI: `<server>__<tool>`. Anthropic and OpenAI accept tool names
 * matching `^[a-zA-Z0-9_-]{1,64}$`; MCP allows more (dots, slashes, 128 characters). A tool whose
 * name does not fit as is gets a stable fitting name instead: its name with every other character
 * made `_`, cut to fit, then `_` and the first 8 hex digits of its SHA-256. The same server and
 * tool always give the same name, on every worker.
 */
import { createHash } from 'node:crypto';

export const MCP_NAME_SEPARATOR = '__';
const MAX_TOOL_NAME = 64;
const FITS = /^[a-zA-Z0-9_-]+$/;

export function mcpToolName(server: string, tool: string): string {
  const plain = `${server}${MCP_NAME_SEPARATOR}${tool}`;
  if (FITS.test(tool) && plain.length <= MAX_TOOL_NAME) return plain;
  const hash = createHash('sha256').update(tool).digest('hex').slice(0, 8);
  const room = MAX_TOOL_NAME - server.length - MCP_NAME_SEPARATOR.length - hash.length - 1;
  return `${server}${MCP_NAME_SEPARATOR}${tool.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, room)}_${hash}`;
}
