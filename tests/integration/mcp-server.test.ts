/**
 * The MCP server for rooms at `/mcp` (streamable HTTP) through the SDK's own client: an agent lists
 * rooms, posts a message that goes through the room like any other (hooks included), reads the
 * timeline and the room's state; an unknown room is a tool error the agent can read.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, HookResult, WebSocketChannel, type RoomKit } from '../../src/index.js';
import { roomId, startTestKit } from '../support/kit.js';

describe('MCP server for rooms', () => {
  let kit: RoomKit;
  let server: Server;
  let client: Client;

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new WebSocketChannel('mcp-web'));
      k.hook('before_broadcast', { name: 'no-spam' }, (e) =>
        e.content.type === 'text' && e.content.body.includes('spam') ? HookResult.block('spam detected') : HookResult.allow());
    });
    server = createServer(createApp(kit));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new Client({ name: 'test-agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`)));
  });

  afterAll(async () => {
    await client?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await kit?.close();
  });

  const call = async (name: string, args: Record<string, unknown>) => {
    const result = (await client.callTool({ name, arguments: args })) as { content: Array<{ type: string; text: string }>; isError?: boolean };
    const text = result.content[0]?.text ?? '';
    return { isError: result.isError === true, text, value: result.isError ? undefined : JSON.parse(text) };
  };

  it('lists its tools with their input schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['list_rooms', 'post_message', 'read_timeline', 'room_state']);
    expect(tools.find((t) => t.name === 'post_message')?.inputSchema).toMatchObject({ required: expect.arrayContaining(['roomId', 'channelId', 'senderId', 'body']) });
  });

  it('posts through the room (hooks included), then reads the timeline, the state and the room list', async () => {
    const id = roomId('mcp');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'mcp-web');

    const posted = await call('post_message', { roomId: id, channelId: 'mcp-web', senderId: 'agent-7', body: 'hello from an agent', idempotencyKey: 'mcp-1' });
    expect(posted.value).toMatchObject({ blocked: false, index: expect.any(Number) });
    const again = await call('post_message', { roomId: id, channelId: 'mcp-web', senderId: 'agent-7', body: 'hello from an agent', idempotencyKey: 'mcp-1' });
    expect(again.value.eventId).toBe(posted.value.eventId);
    const spam = await call('post_message', { roomId: id, channelId: 'mcp-web', senderId: 'agent-7', body: 'buy spam' });
    expect(spam.value).toMatchObject({ blocked: true, reason: 'spam detected' });

    const timeline = await call('read_timeline', { roomId: id, limit: 50 });
    const messages = (timeline.value as Array<{ type: string; status: string; content: { body: string } }>).filter((e) => e.type === 'message');
    expect(messages.map((e) => [e.content.body, e.status])).toEqual([['hello from an agent', 'delivered'], ['buy spam', 'blocked']]);

    const state = await call('room_state', { roomId: id });
    expect(state.value).toMatchObject({ room: { id, status: 'active' }, bindings: [{ channelId: 'mcp-web' }] });

    const rooms = await call('list_rooms', { status: 'active', limit: 500 });
    expect((rooms.value as Array<{ id: string }>).map((r) => r.id)).toContain(id);
  });

  it('an unknown room or a bad argument is a tool error the agent can read, not a crash', async () => {
    const missing = await call('read_timeline', { roomId: 'no-such-room' });
    expect(missing).toMatchObject({ isError: true, text: 'room not found: no-such-room' });
    const bad = await call('post_message', { roomId: 'x', channelId: 'mcp-web', senderId: '', body: 'hi' });
    expect(bad.isError).toBe(true);
  });
});
