/**
 * The Temporal SDK's own worker metrics: `installTemporalMetrics` before the kit's worker exists,
 * then the SDK's Prometheus endpoint serves `temporal_…` metrics of that worker. Its own file,
 * because the SDK's runtime is a process singleton (vitest runs each file in its own fork).
 */
import { createServer as createNetServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketChannel, type RoomKit } from '../../src/index.js';
import { installTemporalMetrics } from '../../src/telemetry/index.js';
import { eventually, roomId, startTestKit } from '../support/kit.js';

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Temporal SDK worker metrics (ROOMKIT_TEMPORAL_METRICS_ADDRESS)', () => {
  let kit: RoomKit;
  let address: string;

  beforeAll(async () => {
    address = `127.0.0.1:${await freePort()}`;
    installTemporalMetrics(address);
    kit = await startTestKit((k) => k.registerChannel(new WebSocketChannel('ws')));
  });
  afterAll(() => kit?.close());

  it('serves the worker\'s temporal_ metrics on their own endpoint once a room ran', async () => {
    const id = roomId('sdk-metrics');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'ws');
    await kit.processInbound({ channelId: 'ws', senderId: 'u1', content: { type: 'text', body: 'hi' } }, { roomId: id });
    const text = await eventually(async () => {
      const t = await (await fetch(`http://${address}/metrics`)).text();
      return /^temporal_workflow_task_execution_latency/m.test(t) && /^temporal_activity_execution_latency/m.test(t) ? t : undefined;
    }, 20_000);
    expect(text).toMatch(new RegExp(`task_queue="${kit.taskQueue}"`));
    expect(text).toMatch(/^temporal_worker_task_slots_available\{/m);
    expect(() => installTemporalMetrics(address)).toThrow(/already been installed/);
  });
});
