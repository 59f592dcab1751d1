/**
 * An MCP server's tools as kit tools (`kit.mcpServer(...)`): listed from the server on the worker,
 * filtered by `allowTools`, named `<server>__<tool>` (see `naming.ts`), each call a `tools/call` on
 * the worker's pooled connection inside the ordinary tool activity.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { RegisteredTool, ToolSource } from '../registry.js';
import type { AITool } from '../../providers/ai/base.js';
import { McpConnection } from './connection.js';
import { McpToolError } from './errors.js';
import { MCP_NAME_SEPARATOR, mcpToolName } from './naming.js';
import type { McpServerConfig } from './options.js';
import { toolResultText } from './result.js';

const DEFAULT_TIMEOUT_SECONDS = 60;

export class McpToolServer implements ToolSource {
  readonly name: string;
  readonly prefix: string;
  private readonly connection: McpConnection;
  /** The last listing turned into registry entries (reused while the connection's listing is the same). */
  private converted?: { from: Tool[]; tools: RegisteredTool[] };

  constructor(private readonly config: McpServerConfig, private readonly log: (message: string) => void = () => {}) {
    this.name = config.name;
    this.prefix = `${config.name}${MCP_NAME_SEPARATOR}`;
    this.connection = new McpConnection(config.name, config.transport);
  }

  /** The exposed tools; throws `McpServerUnavailableError` when the server cannot be reached. */
  async tools(): Promise<RegisteredTool[]> {
    const listed = await this.connection.listTools();
    if (this.converted?.from !== listed) this.converted = { from: listed, tools: this.convert(listed) };
    return this.converted.tools;
  }

  /**
   * The tools for a generation: never throws. A server that is down lists what this worker last
   * knew of it (its calls will then fail and be retried), or nothing if it never answered here.
   */
  async knownTools(): Promise<RegisteredTool[]> {
    try {
      return await this.tools();
    } catch (err) {
      this.log(`MCP server ${this.name}: ${err instanceof Error ? err.message : String(err)}; ${this.converted ? 'offering its last known tools' : 'offering none of its tools'}`);
      return this.converted?.tools ?? [];
    }
  }

  /** What an AI naming this server's tools is shown: name, description and JSON schema. */
  async listTools(): Promise<AITool[]> {
    return (await this.tools()).map((t) => t.spec);
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  private convert(listed: Tool[]): RegisteredTool[] {
    const allowed = this.config.allowTools && new Set(this.config.allowTools);
    const byName = new Map<string, RegisteredTool>();
    for (const tool of listed) {
      if (allowed && !allowed.has(tool.name)) continue;
      const name = mcpToolName(this.name, tool.name);
      if (byName.has(name)) continue; // two names hashing alike: the first listed wins, every time
      byName.set(name, this.entry(name, tool));
    }
    return [...byName.values()];
  }

  private entry(name: string, tool: Tool): RegisteredTool {
    const { $schema: _dialect, ...parameters } = tool.inputSchema as Record<string, unknown>;
    const timeoutSeconds = this.config.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    const description = tool.description ?? tool.title ?? tool.name;
    return {
      spec: { name, description, parameters },
      // The server validates its own arguments (and answers what was wrong as an error result);
      // compiling its schema here could fail on a dialect this worker's Ajv does not know.
      validate: (args) => ({ ok: true, value: args }),
      definition: {
        name,
        description,
        parameters,
        timeout: timeoutSeconds,
        handler: async (args: Record<string, unknown>, ctx) => {
          const result = await this.connection.callTool(tool.name, args, {
            timeoutMs: timeoutSeconds * 1000,
            ...(ctx.signal && { signal: ctx.signal }),
            meta: { 'roomkit/roomId': ctx.roomId, 'roomkit/toolCallId': ctx.toolCallId },
          });
          const text = toolResultText(result);
          if (result.isError) throw new McpToolError(this.name, tool.name, text);
          return text;
        },
      } as RegisteredTool['definition'],
    };
  }
}
