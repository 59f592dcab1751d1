/**
 * The pure parts of MCP tools: how a tool is named to the AI, which failures mean a lost connection,
 * how a result reads, what `kit.mcpServer` accepts, and who owns a tool namespace.
 */
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RoomKit, RoomKitValidationError } from '../../../src/index.js';
import { ToolNamespaceTakenError } from '../../../src/tools/errors.js';
import { breaksConnection, isConnectionFailure } from '../../../src/tools/mcp/classify.js';
import { mcpToolName } from '../../../src/tools/mcp/naming.js';
import { toolResultText } from '../../../src/tools/mcp/result.js';

const VENDOR_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

describe('MCP tool names', () => {
  it('are <server>__<tool> when that fits the vendors’ rule', () => {
    expect(mcpToolName('orders', 'lookup_order')).toBe('orders__lookup_order');
    expect(mcpToolName('my-srv', 'get-weather')).toBe('my-srv__get-weather');
  });

  it('get a stable fitting name with a hash when the tool’s name has other characters or is too long', () => {
    const dotted = mcpToolName('files', 'fs.read/file');
    expect(dotted).toMatch(/^files__fs_read_file_[0-9a-f]{8}$/);
    expect(mcpToolName('files', 'fs.read/file')).toBe(dotted);
    expect(mcpToolName('files', 'fs.read_file')).not.toBe(mcpToolName('files', 'fs_read.file'));
    const long = mcpToolName('a-rather-long-server-name-here', 'x'.repeat(100));
    expect(long).toMatch(VENDOR_TOOL_NAME);
    expect(long.startsWith('a-rather-long-server-name-here__x')).toBe(true);
    expect(mcpToolName('s'.repeat(32), 'ü'.repeat(128))).toMatch(VENDOR_TOOL_NAME);
  });
});

describe('MCP failure classification', () => {
  it('retries a closed connection, transport errors and retryable HTTP statuses', () => {
    expect(isConnectionFailure(new McpError(ErrorCode.ConnectionClosed, 'Connection closed'))).toBe(true);
    expect(isConnectionFailure(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).toBe(true);
    expect(isConnectionFailure(new Error('Not connected'))).toBe(true);
    for (const status of [404, 429, 500, 502, 503]) expect(isConnectionFailure(new StreamableHTTPError(status, 'x'))).toBe(true);
  });

  it('keeps the server’s answers final: JSON-RPC errors, timeouts, 4xx refusals, malformed results', () => {
    expect(isConnectionFailure(new McpError(ErrorCode.InvalidParams, 'bad'))).toBe(false);
    expect(isConnectionFailure(new McpError(ErrorCode.MethodNotFound, 'no'))).toBe(false);
    expect(isConnectionFailure(new McpError(ErrorCode.RequestTimeout, 'Request timed out'))).toBe(false);
    expect(isConnectionFailure(new StreamableHTTPError(400, 'bad request'))).toBe(false);
    expect(isConnectionFailure(new StreamableHTTPError(403, 'forbidden'))).toBe(false);
    expect(isConnectionFailure(z.string().safeParse(1).error)).toBe(false);
  });

  it('drops a connection whose HTTP stream was cut or whose socket failed, not on other client errors', () => {
    expect(breaksConnection(new Error('SSE stream disconnected: TypeError: terminated'))).toBe(true);
    expect(breaksConnection(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe(true);
    expect(breaksConnection(new Error('Unknown message type: {}'))).toBe(false);
  });
});

describe('MCP tool results', () => {
  it('read as their text blocks, naming media instead of inlining it', () => {
    expect(toolResultText({ content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] })).toBe('a\nb');
    expect(toolResultText({ content: [{ type: 'image', data: 'AAAA', mimeType: 'image/png' }] })).toBe('[image image/png]');
    expect(toolResultText({ content: [{ type: 'resource', resource: { uri: 'file:///x', text: 'inside' } }] })).toBe('inside');
    expect(toolResultText({ content: [], structuredContent: { n: 1 } })).toBe('{"n":1}');
  });
});

describe('kit.mcpServer options and namespaces', () => {
  const stdio = { type: 'stdio' as const, command: 'node' };

  it('refuses server names that are not a clean prefix, unknown transports and non-HTTP URLs', () => {
    const kit = new RoomKit();
    for (const name of ['', 'a__b', 'ends_', '_starts', 'has.dot', 'x'.repeat(33)]) {
      expect(() => kit.mcpServer({ name, transport: stdio })).toThrow(RoomKitValidationError);
    }
    expect(() => kit.mcpServer({ name: 'web', transport: { type: 'http', url: 'file:///etc/passwd' } })).toThrow(RoomKitValidationError);
    expect(() => kit.mcpServer({ name: 'web', transport: { type: 'ws', url: 'ws://x' } as never })).toThrow(RoomKitValidationError);
    expect(() => kit.mcpServer({ name: 'slow', transport: stdio, timeoutSeconds: 600 })).toThrow(RoomKitValidationError);
  });

  it('gives each server its namespace: no second server of that name, no kit tool inside it', () => {
    const kit = new RoomKit();
    kit.mcpServer({ name: 'orders', transport: stdio });
    expect(() => kit.mcpServer({ name: 'orders', transport: stdio })).toThrow(ToolNamespaceTakenError);
    expect(() => kit.tool({ name: 'orders__cancel', description: '', parameters: {}, handler: () => 'x' })).toThrow(ToolNamespaceTakenError);
    kit.tool({ name: 'billing__refund', description: '', parameters: {}, handler: () => 'x' });
    expect(() => kit.mcpServer({ name: 'billing', transport: stdio })).toThrow(ToolNamespaceTakenError);
    kit.tool({ name: 'orders_cancel', description: '', parameters: {}, handler: () => 'x' });
  });
});
