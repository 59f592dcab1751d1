/**
 * Tracing from OpenTelemetry's standard variables: off unless asked for, the exporter's choices,
 * and the real OTLP/HTTP exporter posting spans to a collector on loopback (`/v1/traces`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracingFromEnv, tracingEnvOf } from '../../../src/telemetry/index.js';

describe('tracingEnvOf', () => {
  it('is off by default, with OTEL_SDK_DISABLED=true, and with OTEL_TRACES_EXPORTER=none', () => {
    expect(tracingEnvOf({})).toBeUndefined();
    expect(tracingEnvOf({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' })).toBeUndefined();
    expect(tracingEnvOf({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBeUndefined();
  });

  it('is on with an exporter asked for, or an OTLP endpoint set', () => {
    expect(tracingEnvOf({ OTEL_TRACES_EXPORTER: 'console' })).toEqual({ exporter: 'console', serviceName: undefined });
    expect(tracingEnvOf({ OTEL_TRACES_EXPORTER: 'OTLP', OTEL_SERVICE_NAME: 'desk' })).toEqual({ exporter: 'otlp', serviceName: 'desk' });
    expect(tracingEnvOf({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toEqual({ exporter: 'otlp', serviceName: undefined });
    expect(tracingEnvOf({ OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })?.exporter).toBe('otlp');
  });

  it('names an exporter it does not support', () => {
    expect(() => tracingEnvOf({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER: "zipkin" is not supported/);
  });
});

describe('startTracingFromEnv with OTLP', () => {
  let collector: Server;
  const received: { path: string; contentType?: string; body: string }[] = [];
  const saved = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;

  beforeAll(async () => {
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved;
    await new Promise<void>((resolve) => collector.close(() => resolve()));
  });

  it('exports spans to the collector at OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces under the service name', async () => {
    const settings = tracingEnvOf({ OTEL_EXPORTER_OTLP_ENDPOINT: process.env.OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME: 'roomkit-otlp-test' });
    expect(settings).toBeDefined();
    const tracing = startTracingFromEnv(settings!);
    tracing.tracer.startActiveSpan('room-check', (span) => span.end());
    await tracing.shutdown(); // flushes the batch
    expect(received).toHaveLength(1);
    expect(received[0].path).toBe('/v1/traces');
    expect(received[0].contentType).toMatch(/^application\/json/);
    const body = JSON.parse(received[0].body) as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: { name: string }[] }[] }[] };
    const service = body.resourceSpans[0].resource.attributes.find((a) => a.key === 'service.name');
    expect(service?.value.stringValue).toBe('roomkit-otlp-test');
    expect(body.resourceSpans[0].scopeSpans[0].spans.map((s) => s.name)).toEqual(['room-check']);
  });
});
