/**
 * `kit.mcpServer(options)`: which MCP server to reach and how, parsed once with zod when it is
 * registered (a typo fails at startup, not in the first tool call of a conversation).
 */
import { z } from 'zod';

/**
 * A server's name prefixes its tools (`<name>__<tool>`), so it is kept to the characters every AI
 * vendor accepts in a tool name, at most 32 of them, never containing `__` nor ending with `_`:
 * then no server's prefix can be the start of another's.
 */
export const McpServerName = z.string()
  .regex(/^[a-zA-Z0-9]([a-zA-Z0-9_-]{0,30}[a-zA-Z0-9-])?$/, 'server names are 1–32 letters, digits, _ or -, starting with a letter or digit and not ending with _')
  .refine((name) => !name.includes('__'), 'server names never contain __ (it separates the server from the tool)');

const StdioTransport = z.object({
  type: z.literal('stdio'),
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  /** Added to the few variables the SDK passes on by default (HOME, PATH, SHELL, TERM, USER, LOGNAME). */
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().min(1).optional(),
}).strict();

const HttpTransport = z.object({
  type: z.literal('http'),
  url: z.url({ protocol: /^https?$/ }),
  /** Sent with every request (e.g. `authorization`). */
  headers: z.record(z.string(), z.string()).optional(),
}).strict();

export const McpTransportOptions = z.discriminatedUnion('type', [StdioTransport, HttpTransport]);
export type McpTransportOptions = z.infer<typeof McpTransportOptions>;

export const McpServerOptionsSchema = z.object({
  name: McpServerName,
  transport: McpTransportOptions,
  /** The server's own tool names to expose; absent ⇒ all. Any other tool is unknown to the AI. */
  allowTools: z.array(z.string().min(1)).optional(),
  /**
   * Seconds before one call is abandoned as an error result (default 60). At most 90: the tool
   * activity itself is bounded at two minutes, connecting and listing included.
   */
  timeoutSeconds: z.number().positive().max(90).optional(),
}).strict();
export type McpServerOptions = z.input<typeof McpServerOptionsSchema>;
export type McpServerConfig = z.output<typeof McpServerOptionsSchema>;
