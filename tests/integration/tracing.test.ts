/**
 * Traces end to end (README «Traces»): a signed Twilio SMS webhook on a real HTTP server, a room on
 * real Temporal whose worker bundles the tracing interceptors, an AI that calls a tool, and the
 * answer sent through the real Twilio client to a loopback fake of its API. Every span lands in an
 * in-memory exporter; the test checks that one trace runs from the HTTP request to the SMS out, and
 * that a second message in the same room is a trace of its own.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { AIChannel, createApp, HookResult, MockAIProvider, RoomKit, SMSChannel } from '../../src/index.js';
import { TwilioSMSProvider } from '../../src/providers/twilio/index.js';
import { createLogger, startTracing, type Tracing } from '../../src/telemetry/index.js';
import { eventually, roomId } from '../support/kit.js';
import { VendorFake } from '../support/vendor-fake.js';

const AUTH_TOKEN = 'tracing-auth-token';
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const MESSAGES_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
const CUSTOMER = '+14155550101';
const OUR_NUMBER = '+14155552671';

describe('tracing: one inbound SMS answered by the AI is one trace', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let kit: RoomKit;
  let server: Server;
  let base: string;
  let fake: VendorFake;
  const room = roomId('traced');
  const toolLines: Record<string, unknown>[] = [];
  const toolLog = createLogger({ destination: { write: (line: string) => { toolLines.push(JSON.parse(line)); } } });

  beforeAll(async () => {
    tracing = startTracing({ serviceName: 'roomkit-test', spanProcessor: new SimpleSpanProcessor(exporter) });
    fake = await VendorFake.start((req) => {
      if (req.method !== 'POST' || req.path !== MESSAGES_PATH) return { status: 404, body: { code: 20404, message: 'not found', status: 404 } };
      const sid = `SM${randomBytes(16).toString('hex')}`;
      return { status: 201, body: { sid, account_sid: ACCOUNT_SID, status: 'queued', body: req.form?.get('Body') ?? '', to: req.form?.get('To'), from: req.form?.get('From') } };
    });
    // No prebuilt bundle: the worker bundles the workflows with the tracing interceptors itself.
    kit = new RoomKit({ tracing, temporal: { address: inject('temporalAddress'), taskQueue: `test-${randomUUID()}` }, log: () => {} });
    ((k: RoomKit) => {
      k.registerChannel(new SMSChannel('sms', {
        provider: new TwilioSMSProvider({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: OUR_NUMBER, baseUrl: fake.url }),
      }));
      k.registerChannel(new AIChannel('ai', {
        provider: new MockAIProvider({
          aiResponses: [
            { content: '', toolCalls: [{ id: 't1', name: 'lookup_order', arguments: { order_id: 'A1' } }] },
            { content: 'Your order A1 has shipped.' },
            { content: 'You are welcome.' },
          ],
        }),
        tools: ['lookup_order'],
      }));
      k.tool({
        name: 'lookup_order', description: 'Look up an order', parameters: z.object({ order_id: z.string() }),
        handler: ({ order_id }) => {
          toolLog.info({ orderId: order_id }, 'looking up an order');
          return { order_id, status: 'shipped' };
        },
      });
      k.hook('before_broadcast', { name: 'allow-all' }, () => HookResult.allow());
    })(kit);
    await kit.start();
    server = createServer(createApp(kit));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await kit.createRoom({ roomId: room });
    await kit.attachChannel(room, 'sms', { metadata: { phoneNumber: CUSTOMER } });
    await kit.attachChannel(room, 'ai');
  }, 120_000);

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await kit?.close();
    await fake?.close();
    await tracing?.shutdown();
  });

  const post = async (body: string, sid: string, traceparent: string): Promise<Response> => {
    const url = `${base}/webhooks/sms`;
    const params = { MessageSid: sid, AccountSid: ACCOUNT_SID, From: CUSTOMER, To: OUR_NUMBER, Body: body, NumMedia: '0' };
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params),
        ...(traceparent.startsWith('00-') && { traceparent }),
      },
      body: new URLSearchParams(params).toString(),
    });
  };

  const inTrace = (traceId: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  const named = (spans: ReadableSpan[], name: string): ReadableSpan[] => spans.filter((s) => s.name === name);
  const smsSent = (): number => fake.requests.filter((r) => r.path === MESSAGES_PATH).length;
  const sids = new Map<string, string>();

  /** Every span of the trace reaches `root` through its parents: one tree, nothing dangling. */
  function expectOneTree(spans: ReadableSpan[], root: ReadableSpan): void {
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    for (const span of spans) {
      let at: ReadableSpan | undefined = span;
      for (let hops = 0; at && at !== root && hops < 20; hops++) at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined;
      expect(at, `${span.name} hangs off the tree`).toBe(root);
    }
  }

  it('runs from the webhook through the room workflow to the hook, the AI turn, the tool and the SMS out', async () => {
    const sid = `SM${'1'.repeat(32)}`;
    const res = await post('Where is my order A1?', sid, 'traceparent-none');
    expect(res.status).toBe(200);
    // Workflow spans reach the exporter through the worker's sink, a moment after the activities'
    // own: wait until every expected span is in, not for a time.
    const expected = ['runSyncHooks', 'aiGenerate', 'runTool', 'deliver'].flatMap((a) => [`StartActivity:${a}`, `RunActivity:${a}`]);
    const trace = await eventually(async () => {
      const http = exporter.getFinishedSpans().find((s) => s.name === 'POST /webhooks/:channelId');
      if (!http) return undefined;
      const spans = inTrace(http.spanContext().traceId);
      return smsSent() === 1 && expected.every((name) => named(spans, name).length > 0) ? { http, spans } : undefined;
    }, 30_000);
    const { http } = trace;
    sids.set(sid, http.spanContext().traceId);
    const spans = inTrace(http.spanContext().traceId);

    expect(http.kind).toBe(SpanKind.SERVER);
    expect(http.parentSpanId).toBeUndefined();
    expect(http.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/webhooks/:channelId', 'http.response.status_code': 200 });
    expect(http.resource.attributes['service.name']).toBe('roomkit-test');

    // The client span the webhook caused, and the room's handling of it in the workflow.
    const signal = named(spans, 'SignalWithStartWorkflow:roomWorkflow');
    expect(signal).toHaveLength(1);
    expect(signal[0].parentSpanId).toBe(http.spanContext().spanId);
    const handled = named(spans, 'HandleSignal:roomkit.command');
    expect(handled).toHaveLength(1);
    expect(handled[0].parentSpanId).toBe(signal[0].spanContext().spanId);

    // Everything the message caused, scheduled by the workflow and run by the worker.
    for (const activity of ['runSyncHooks', 'aiGenerate', 'runTool', 'deliver']) {
      expect(named(spans, `StartActivity:${activity}`).length, activity).toBeGreaterThanOrEqual(1);
      expect(named(spans, `RunActivity:${activity}`).length, activity).toBeGreaterThanOrEqual(1);
    }
    expect(named(spans, 'RunActivity:aiGenerate')).toHaveLength(2); // tool call, then the answer
    expect(named(spans, 'RunActivity:runTool')).toHaveLength(1);
    const tool = named(spans, 'RunActivity:runTool')[0];
    expect(tool.attributes.temporalWorkflowId).toBe(`room:${room}`);
    expectOneTree(spans, http);

    // The tool handler's log line carries the trace it ran in.
    const line = toolLines.find((l) => l.msg === 'looking up an order');
    expect(line).toMatchObject({ traceId: http.spanContext().traceId, spanId: tool.spanContext().spanId });
  }, 60_000);

  it('gives the next message in the same room a trace of its own, and honours a caller traceparent', async () => {
    const first = [...sids.values()][0];
    const parentTrace = 'ab'.repeat(16);
    const sid = `SM${'2'.repeat(32)}`;
    const res = await post('Thanks!', sid, `00-${parentTrace}-${'cd'.repeat(8)}-01`);
    expect(res.status).toBe(200);
    await eventually(async () => smsSent() === 2 && named(inTrace(parentTrace), 'StartActivity:deliver').length >= 1, 30_000);
    const spans = inTrace(parentTrace);
    const http = named(spans, 'POST /webhooks/:channelId');
    expect(http).toHaveLength(1);
    expect(http[0].parentSpanId).toBe('cd'.repeat(8));
    expect(named(spans, 'RunActivity:aiGenerate')).toHaveLength(1);
    expect(named(spans, 'RunActivity:runTool')).toHaveLength(0);
    expect(named(spans, 'HandleSignal:roomkit.command')).toHaveLength(1);
    // Nothing of the second message was filed under the first message's trace.
    expect(named(inTrace(first), 'HandleSignal:roomkit.command')).toHaveLength(1);
    expect(named(inTrace(first), 'RunActivity:aiGenerate')).toHaveLength(2);
    expect(named(inTrace(first), 'StartActivity:deliver')).toHaveLength(1);
  }, 60_000);
});
