/** `roomkit-temporal/mcp`: MCP servers' tools for the kit (`kit.mcpServer`). */
export { McpServerUnavailableError, McpToolError } from './errors.js';
export { McpServerOptionsSchema, type McpServerOptions } from './options.js';
export { McpToolServer } from './server.js';
export { ToolUnavailableError } from '../errors.js';
