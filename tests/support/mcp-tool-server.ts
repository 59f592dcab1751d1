/**
 * A real MCP server for tests, built with the SDK's `McpServer`. Run as a script
 * (`node --import tsx tests/support/mcp-tool-server.ts`) it serves its tools over stdio — that is how
 * the SDK's `StdioClientTransport` starts it; `startHttpToolServer()` serves the same tools over
 * streamable HTTP on 127.0.0.1 inside the test process.
 *
 * `die_once` is the server dying mid-call: the first call for a marker file creates the file and
 * kills the server (stdio: the process exits; HTTP: every connection is cut and the server stops
 * listening, then listens again on the same port if `restartAfterMs` is set); a call after that,
 * from a fresh connection, finds the file and answers `survived`.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });

export function createToolServer(die: () => void): McpServer {
  const server = new McpServer({ name: 'test-tools', version: '1.0.0' });
  server.registerTool('add', {
    description: 'Add two numbers',
    inputSchema: { a: z.number(), b: z.number() },
  }, ({ a, b }) => text(String(a + b)));
  server.registerTool('lookup_order', {
    description: 'Look up an order by id',
    inputSchema: { order_id: z.string() },
  }, ({ order_id }) => text(JSON.stringify({ order_id, status: 'shipped' })));
  server.registerTool('pid', { description: 'The id of the server process' }, () => text(String(process.pid)));
  server.registerTool('fail', { description: 'Always answers with an error result' }, () =>
    ({ isError: true, content: [{ type: 'text' as const, text: 'the warehouse is closed' }] }));
  server.registerTool('die_once', {
    description: 'Kills the server mid-call the first time for a marker file',
    inputSchema: { marker: z.string() },
  }, ({ marker }) => {
    if (existsSync(marker)) return text('survived');
    writeFileSync(marker, String(process.pid));
    die();
    return new Promise<never>(() => {}); // the answer never comes
  });
  return server;
}

export interface HttpToolServer {
  url: string;
  port: number;
  /** How many times the server was killed by `die_once`. */
  deaths: number;
  close(): Promise<void>;
}

/**
 * The tools over streamable HTTP, stateless (a fresh server and transport per request, the SDK's
 * pattern), on 127.0.0.1. With `restartAfterMs`, a killed server listens again on its port.
 */
export async function startHttpToolServer(options: { restartAfterMs?: number } = {}): Promise<HttpToolServer> {
  let http: Server;
  let closed = false;
  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const handle: HttpToolServer = {
    url: '', port: 0, deaths: 0,
    async close() {
      closed = true;
      http.closeAllConnections();
      if (http.listening) await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  const die = () => {
    handle.deaths += 1;
    // Cut the in-flight response too: the client sees its stream break, as when a server dies.
    setImmediate(() => {
      http.close();
      http.closeAllConnections();
      if (options.restartAfterMs !== undefined) {
        setTimeout(() => { if (!closed) void listen(handle.port); }, options.restartAfterMs);
      }
    });
  };
  http = createServer(async (req, res) => {
    if (req.url !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const server = createToolServer(die);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  await listen(0);
  handle.port = (http.address() as AddressInfo).port;
  handle.url = `http://127.0.0.1:${handle.port}/mcp`;
  return handle;
}

/** The stdio server, when this file is the process's entry point. */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const server = createToolServer(() => process.exit(1));
  await server.connect(new StdioServerTransport());
}
