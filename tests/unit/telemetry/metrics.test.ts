import type { AddressInfo } from 'node:net';
import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry } from '../../../src/resilience/circuit-breaker.js';
import { RoomKitMetrics, serveMetrics } from '../../../src/telemetry/index.js';

const values = async (m: RoomKitMetrics, name: string) =>
  (await m.registry.getMetricsAsJSON()).find((x) => x.name === name)?.values ?? [];

describe('RoomKitMetrics', () => {
  it('owns its registry: two instances in one process neither collide nor touch the global one', async () => {
    const a = new RoomKitMetrics();
    const b = new RoomKitMetrics();
    a.inbound('sms', 'committed');
    a.inbound('sms', 'committed');
    b.inbound('sms', 'blocked');
    expect(await values(a, 'roomkit_messages_in_total')).toEqual([{ labels: { channel: 'sms', outcome: 'committed' }, value: 2 }]);
    expect(await values(b, 'roomkit_messages_in_total')).toEqual([{ labels: { channel: 'sms', outcome: 'blocked' }, value: 1 }]);
    expect(globalRegistry.getSingleMetric('roomkit_messages_in_total')).toBeUndefined();
  });

  it('classifies processInbound results: committed, blocked (stored), refused (nothing stored)', () => {
    expect(RoomKitMetrics.inboundOutcome({ blocked: false, event: {} })).toBe('committed');
    expect(RoomKitMetrics.inboundOutcome({ blocked: true, event: {} })).toBe('blocked');
    expect(RoomKitMetrics.inboundOutcome({ blocked: true })).toBe('refused');
  });

  it('records deliveries, hooks, AI generations with tokens, tool calls and signature failures', async () => {
    const m = new RoomKitMetrics();
    m.outbound('sms', 'delivered');
    m.outbound('sms', 'failed');
    m.deliveryTime('sms', 0.02);
    m.hook('guard', 'before_broadcast', 'blocked', 0.001);
    m.aiGeneration('ai', 'mock', 'ok', 1.5, { inputTokens: 10, outputTokens: 4 });
    m.aiGeneration('ai', 'mock', 'error', 0.3);
    m.toolCall('lookup', 'ok');
    m.toolCall('lookup', 'error');
    m.webhookSignatureFailure('sms-twilio');
    const text = await m.registry.metrics();
    expect(text).toContain('roomkit_messages_out_total{channel="sms",status="delivered"} 1');
    expect(text).toContain('roomkit_messages_out_total{channel="sms",status="failed"} 1');
    expect(text).toContain('roomkit_delivery_duration_seconds_bucket{le="0.025",channel="sms"} 1');
    expect(text).toContain('roomkit_delivery_duration_seconds_count{channel="sms"} 1');
    expect(text).toContain('roomkit_hook_duration_seconds_count{hook="guard",trigger="before_broadcast",outcome="blocked"} 1');
    expect(text).toContain('roomkit_ai_generation_duration_seconds_count{channel="ai",provider="mock",outcome="ok"} 1');
    expect(text).toContain('roomkit_ai_generation_duration_seconds_count{channel="ai",provider="mock",outcome="error"} 1');
    expect(text).toContain('roomkit_ai_tokens_total{channel="ai",provider="mock",kind="input"} 10');
    expect(text).toContain('roomkit_ai_tokens_total{channel="ai",provider="mock",kind="output"} 4');
    expect(text).toContain('roomkit_tool_calls_total{tool="lookup",outcome="ok"} 1');
    expect(text).toContain('roomkit_tool_calls_total{tool="lookup",outcome="error"} 1');
    expect(text).toContain('roomkit_webhook_signature_failures_total{channel="sms-twilio"} 1');
  });

  it('reads breaker states at scrape time: closed 0, half-open 1, open 2', async () => {
    let now = 0;
    const breakers = new CircuitBreakerRegistry({ failureThreshold: 1, recoveryTimeoutMs: 1000, now: () => now });
    const m = new RoomKitMetrics();
    m.watchBreakers(() => breakers.states());
    breakers.for('sms').recordSuccess();
    breakers.for('email').recordFailure();
    const state = async () => Object.fromEntries((await values(m, 'roomkit_circuit_breaker_state')).map((v) => [v.labels.channel, v.value]));
    expect(await state()).toEqual({ sms: 0, email: 2 });
    now = 1000; // the recovery timeout passed: the next delivery would probe
    expect(await state()).toEqual({ sms: 0, email: 1 });
  });

  it('takes a prefix, default labels and, when asked, the default process metrics', async () => {
    const m = new RoomKitMetrics({ prefix: 'app_', defaultLabels: { service: 'worker' }, defaultMetrics: true });
    m.toolCall('t', 'ok');
    const text = await m.registry.metrics();
    expect(text).toContain('app_tool_calls_total{tool="t",outcome="ok",service="worker"} 1');
    expect(text).toMatch(/^app_process_cpu_user_seconds_total/m);
    expect(await new RoomKitMetrics().registry.metrics()).not.toContain('process_cpu');
  });

  it('serveMetrics: GET /metrics in the text format, anything else 404', async () => {
    const m = new RoomKitMetrics();
    m.inbound('ws', 'signalled');
    const server = await serveMetrics(m, { port: 0 });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(m.registry.contentType);
      expect(await res.text()).toContain('roomkit_messages_in_total{channel="ws",outcome="signalled"} 1');
      expect((await fetch(`${base}/other`)).status).toBe(404);
      expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(404);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
