/**
 * One MCP server's connection in this worker process: a single `Client`, opened on first use and
 * shared by every concurrent call (the SDK multiplexes requests by id). When the transport closes
 * (the stdio process exited) or breaks (an HTTP stream cut), the connection is dropped: the calls
 * in flight on it fail as `McpServerUnavailableError` and the next use connects afresh.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { breaksConnection, isConnectionFailure } from './classify.js';
import { McpServerUnavailableError } from './errors.js';
import type { McpTransportOptions } from './options.js';

/** Handshake and `tools/list` bound: both are quick on a healthy server. */
const SETUP_TIMEOUT_MS = 10_000;
const CLIENT_INFO = { name: 'roomkit-temporal', version: '0.1.0' };

interface Session {
  client: Client;
  /** Aborts the calls in flight when the session is dropped (the SDK alone would wait for HTTP ones). */
  aborter: AbortController;
  /** Why the session ended; set once. */
  lost?: Error;
  /** This session's `tools/list`, cleared when the server says the list changed. */
  tools?: Promise<Tool[]>;
}

/** The current session, also once resolved (so a drop can tell whether it is still the current one). */
interface Live {
  session: Promise<Session>;
  resolved?: Session;
}

export interface McpCallOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Sent as the request's `_meta` (where the call comes from, for the server's idempotency and logs). */
  meta?: Record<string, unknown>;
}

function openTransport(options: McpTransportOptions): Transport {
  if (options.type === 'stdio') {
    return new StdioClientTransport({
      command: options.command,
      ...(options.args && { args: options.args }),
      ...(options.env && { env: options.env }),
      ...(options.cwd && { cwd: options.cwd }),
    });
  }
  return new StreamableHTTPClientTransport(new URL(options.url), options.headers ? { requestInit: { headers: options.headers } } : undefined);
}

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class McpConnection {
  private live?: Live;
  /** Clients being closed (a stdio close waits for the process to exit). */
  private readonly closing = new Set<Promise<void>>();

  constructor(readonly serverName: string, private readonly transport: McpTransportOptions) {}

  /** The server's tools (every page), listed once per connection. Throws `McpServerUnavailableError`. */
  async listTools(): Promise<Tool[]> {
    const s = await this.session();
    const listing = s.tools ?? (s.tools = this.listAll(s.client));
    try {
      return await listing;
    } catch (err) {
      if (s.tools === listing) s.tools = undefined;
      // A server that cannot list its tools offers nothing to call: retryable like an outage.
      throw this.unavailable(s, err);
    }
  }

  /**
   * One `tools/call`. A lost connection throws `McpServerUnavailableError` (retry); anything else
   * the SDK throws is the server's final answer. `isError` results are returned as they are.
   */
  async callTool(name: string, args: Record<string, unknown>, options: McpCallOptions): Promise<CallToolResult> {
    const s = await this.session();
    const signal = options.signal ? AbortSignal.any([s.aborter.signal, options.signal]) : s.aborter.signal;
    try {
      const result = await s.client.callTool(
        { name, arguments: args, ...(options.meta && { _meta: options.meta }) }, undefined, { timeout: options.timeoutMs, signal },
      );
      return result as CallToolResult;
    } catch (err) {
      if (s.lost || isConnectionFailure(err)) throw this.unavailable(s, err);
      throw err;
    }
  }

  /**
   * Close the connection (stdio: the server process ends) and wait for every session still closing,
   * so that a second caller (worker shutdown, then `kit.close()`) also returns only once all is gone.
   * A later use connects again.
   */
  async close(): Promise<void> {
    const live = this.live;
    this.live = undefined;
    const s = await live?.session.catch(() => undefined);
    if (s) void this.drop(s, new Error('connection closed by the worker'));
    await Promise.all(this.closing);
  }

  private session(): Promise<Session> {
    if (this.live) return this.live.session;
    const live: Live = {
      session: this.open().then(
        (s) => {
          live.resolved = s;
          return s;
        },
        (err) => {
          if (this.live === live) this.live = undefined;
          throw new McpServerUnavailableError(this.serverName, `cannot connect: ${reasonOf(err)}`, { cause: err });
        },
      ),
    };
    this.live = live;
    return live.session;
  }

  private async open(): Promise<Session> {
    const s: Session = { client: undefined as unknown as Client, aborter: new AbortController() };
    s.client = new Client(CLIENT_INFO, {
      // A server announcing a changed list: list again on next use (nothing to do until then).
      listChanged: { tools: { autoRefresh: false, debounceMs: 0, onChanged: () => { s.tools = undefined; } } },
    });
    s.client.onclose = () => void this.drop(s, new Error('the transport closed'));
    s.client.onerror = (err) => {
      if (breaksConnection(err)) void this.drop(s, err);
    };
    try {
      await s.client.connect(openTransport(this.transport), { timeout: SETUP_TIMEOUT_MS });
    } catch (err) {
      await this.drop(s, err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
    if (s.lost) throw s.lost; // died during the handshake
    return s;
  }

  private async listAll(client: Client): Promise<Tool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: SETUP_TIMEOUT_MS });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  }

  private unavailable(s: Session, err: unknown): McpServerUnavailableError {
    if (err instanceof McpServerUnavailableError) return err;
    const reason = s.lost ? reasonOf(s.lost) : reasonOf(err);
    void this.drop(s, err instanceof Error ? err : new Error(String(err)));
    return new McpServerUnavailableError(this.serverName, reason, { cause: err });
  }

  /** End a session once: forget it, fail its calls in flight, close its client (and process). */
  private drop(s: Session, why: Error): Promise<void> {
    if (s.lost) return Promise.resolve();
    s.lost = why;
    if (this.live?.resolved === s) this.live = undefined;
    s.aborter.abort(why);
    const closing = s.client.close().catch(() => undefined);
    this.closing.add(closing);
    return closing.finally(() => this.closing.delete(closing));
  }
}
