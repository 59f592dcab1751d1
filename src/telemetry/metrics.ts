/**
 * Prometheus metrics of one kit, per process (`GET /metrics` with `createApp(kit, { metrics: true })`).
 * Each `RoomKitMetrics` owns its own prom-client `Registry` (never the global default), so several
 * kits in one process never collide. Recorded where things happen: inbound messages in the kit
 * (`processInbound`/`signalInbound`), deliveries, hooks, AI generations and tool calls in the
 * activities (so on the worker process), webhook signature failures in `processWebhook`.
 * Workflow code records nothing (it must stay deterministic and replay-safe).
 *
 * @example
 * const metrics = new RoomKitMetrics({ defaultMetrics: true });
 * const kit = new RoomKit({ metrics });
 * app.use(createApp(kit, { metrics: true })); // GET /metrics
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AIUsage } from '../models/index.js';
import type { BreakerState } from '../resilience/circuit-breaker.js';

export interface RoomKitMetricsOptions {
  /** Also collect prom-client's default process metrics (CPU, memory, event loop…). Default false. */
  defaultMetrics?: boolean;
  /** Prefix of every metric name. Default `roomkit_`. */
  prefix?: string;
  /** Labels put on every metric (e.g. `{ service: 'worker' }`). */
  defaultLabels?: Record<string, string>;
}

/** What `processInbound` answered: stored and delivered, blocked by a hook (stored as blocked), or refused (nothing stored). */
export type InboundOutcome = 'committed' | 'blocked' | 'refused' | 'signalled';
/** A delivery's final outcome: the provider took it, it failed (after its retries), or it was refused (breaker open, content it cannot carry). */
export type DeliveryOutcome = 'delivered' | 'failed' | 'refused';
export type HookOutcome = 'ok' | 'blocked' | 'error' | 'timeout';

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };
/** Seconds: provider sends, hooks and tool calls are fast; AI generations can take a minute. */
const FAST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const AI_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120];

export class RoomKitMetrics {
  readonly registry: Registry;
  readonly messagesIn: Counter<'channel' | 'outcome'>;
  readonly messagesOut: Counter<'channel' | 'status'>;
  readonly deliveryDuration: Histogram<'channel'>;
  readonly hookDuration: Histogram<'hook' | 'trigger' | 'outcome'>;
  readonly aiGenerationDuration: Histogram<'channel' | 'provider' | 'outcome'>;
  readonly aiTokens: Counter<'channel' | 'provider' | 'kind'>;
  readonly toolCalls: Counter<'tool' | 'outcome'>;
  readonly breakerState: Gauge<'channel'>;
  readonly webhookSignatureFailures: Counter<'channel'>;
  private readonly breakerSources: Array<() => Iterable<[string, BreakerState]>> = [];

  constructor(options: RoomKitMetricsOptions = {}) {
    const p = options.prefix ?? 'roomkit_';
    this.registry = new Registry();
    if (options.defaultLabels) this.registry.setDefaultLabels(options.defaultLabels);
    const registers = [this.registry];
    this.messagesIn = new Counter({
      name: `${p}messages_in_total`, help: 'Inbound messages by channel and outcome (committed, blocked, refused; signalled: handed to the room by a webhook)',
      labelNames: ['channel', 'outcome'], registers,
    });
    this.messagesOut = new Counter({
      name: `${p}messages_out_total`, help: 'Outbound deliveries by channel and final status (delivered, failed, refused)',
      labelNames: ['channel', 'status'], registers,
    });
    this.deliveryDuration = new Histogram({
      name: `${p}delivery_duration_seconds`, help: 'Provider send duration per channel (one attempt)',
      labelNames: ['channel'], buckets: FAST_BUCKETS, registers,
    });
    this.hookDuration = new Histogram({
      name: `${p}hook_duration_seconds`, help: 'Hook run duration by hook, trigger and outcome (ok, blocked, error, timeout)',
      labelNames: ['hook', 'trigger', 'outcome'], buckets: FAST_BUCKETS, registers,
    });
    this.aiGenerationDuration = new Histogram({
      name: `${p}ai_generation_duration_seconds`, help: 'AI generation latency by AI channel, provider and outcome (ok, error)',
      labelNames: ['channel', 'provider', 'outcome'], buckets: AI_BUCKETS, registers,
    });
    this.aiTokens = new Counter({
      name: `${p}ai_tokens_total`, help: 'AI tokens by AI channel, provider and kind (input, output)',
      labelNames: ['channel', 'provider', 'kind'], registers,
    });
    this.toolCalls = new Counter({
      name: `${p}tool_calls_total`, help: 'Tool calls by tool and outcome (ok, error)', labelNames: ['tool', 'outcome'], registers,
    });
    const sources = this.breakerSources;
    this.breakerState = new Gauge({
      name: `${p}circuit_breaker_state`, help: 'Circuit breaker state per channel on this worker (0 closed, 1 half-open, 2 open)',
      labelNames: ['channel'], registers,
      collect() {
        for (const source of sources) {
          for (const [channel, state] of source()) this.set({ channel }, BREAKER_VALUE[state]);
        }
      },
    });
    this.webhookSignatureFailures = new Counter({
      name: `${p}webhook_signature_failures_total`, help: 'Webhooks refused for a bad or missing signature, per channel',
      labelNames: ['channel'], registers,
    });
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: p });
  }

  inbound(channel: string, outcome: InboundOutcome): void {
    this.messagesIn.inc({ channel, outcome });
  }

  /** The outcome `processInbound` answered, as a label. */
  static inboundOutcome(result: { blocked: boolean; event?: unknown }): InboundOutcome {
    if (!result.blocked) return 'committed';
    // A blocked message is stored (as blocked); a refused one (closed room, refused edit, duplicate) is not.
    return result.event ? 'blocked' : 'refused';
  }

  outbound(channel: string, status: DeliveryOutcome): void {
    this.messagesOut.inc({ channel, status });
  }

  deliveryTime(channel: string, seconds: number): void {
    this.deliveryDuration.observe({ channel }, seconds);
  }

  hook(hook: string, trigger: string, outcome: HookOutcome, seconds: number): void {
    this.hookDuration.observe({ hook, trigger, outcome }, seconds);
  }

  aiGeneration(channel: string, provider: string, outcome: 'ok' | 'error', seconds: number, usage?: AIUsage): void {
    this.aiGenerationDuration.observe({ channel, provider, outcome }, seconds);
    if (usage?.inputTokens) this.aiTokens.inc({ channel, provider, kind: 'input' }, usage.inputTokens);
    if (usage?.outputTokens) this.aiTokens.inc({ channel, provider, kind: 'output' }, usage.outputTokens);
  }

  toolCall(tool: string, outcome: 'ok' | 'error'): void {
    this.toolCalls.inc({ tool, outcome });
  }

  /** Report these breakers' states at every scrape (the kit registers its worker's breakers). */
  watchBreakers(source: () => Iterable<[string, BreakerState]>): void {
    this.breakerSources.push(source);
  }

  webhookSignatureFailure(channel: string): void {
    this.webhookSignatureFailures.inc({ channel });
  }

  /** The Prometheus text exposition, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** Seconds since `startedMs` (`Date.now()`-based, for histograms). */
export function secondsSince(startedMs: number): number {
  return (Date.now() - startedMs) / 1000;
}

/** A plain Node handler answering the scrape (works as an Express route too). */
export function metricsHandler(metrics: RoomKitMetrics): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    metrics.scrape().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (err: unknown) => {
        console.error('[roomkit] metrics scrape failed', err);
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  };
}

/**
 * A metrics-only HTTP server (`GET /metrics`, anything else 404): for a worker process, which serves
 * no other HTTP. Resolves once listening; `port: 0` picks a free port (read it from `server.address()`).
 */
export async function serveMetrics(metrics: RoomKitMetrics, options: { port: number; host?: string }): Promise<Server> {
  const handler = metricsHandler(metrics);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') handler(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
