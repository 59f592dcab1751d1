/** What a RoomKit and its verbs accept (parsed at the boundary where zod schemas are given). */
import { z } from 'zod';
import { RoomId, WaitStage } from '../models/index.js';
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import type { ConversationStore } from '../store/conversation-store.js';
import type { RealtimeBackend } from '../realtime/backend.js';
import type { IdentityOptions } from '../identity/resolver.js';
import type { InboundRoomRouter } from './router.js';
import type { RoomKitMetrics } from '../telemetry/metrics.js';
import type { Tracing } from '../telemetry/tracing.js';
import type { WorkerSettings, WorkflowBundleOption } from './worker.js';

export interface RoomKitOptions {
  store?: ConversationStore;
  /**
   * Ephemeral events and WebSocket frames across processes. Default: an `InMemoryRealtime` (one
   * process); a deployment with several HTTP processes or separate workers needs `RedisRealtime`.
   */
  realtime?: RealtimeBackend;
  inboundRouter?: InboundRoomRouter;
  /**
   * Identity resolution (RoomKit §11): who is behind a sender address, before the message commits.
   * Runs in the worker, as an activity bounded by `timeoutSeconds` (default 5).
   */
  identity?: IdentityOptions;
  /** AI answers deeper than this are stored BLOCKED (`event_chain_depth_limit`). Default 5. */
  maxChainDepth?: number;
  temporal?: {
    /** An existing server; when absent, `start()` runs the embedded dev server. */
    address?: string;
    namespace?: string;
    taskQueue?: string;
  };
  /**
   * Encode every payload this kit's client and worker send to Temporal, e.g. an
   * `AesGcmPayloadCodec` (README «Encrypted history»). Every process of a deployment (workers and
   * HTTP processes) needs the same codec and keys. Shorthand for `dataConverter: { payloadCodecs: [codec] }`.
   */
  payloadCodec?: PayloadCodec;
  /**
   * The Temporal data converter of this kit's client and worker (not both this and `payloadCodec`).
   * Codecs run outside the workflow sandbox; a `payloadConverterPath`/`failureConverterPath` would
   * also have to be bundled into a prebuilt `workflowBundle`.
   */
  dataConverter?: DataConverter;
  /** Idempotency keys each room keeps in its state (default 5000); older keys are looked up in the store. */
  idempotencyWindow?: number;
  /**
   * Prometheus metrics of this kit (`roomkit-temporal/telemetry`; served by `createApp(kit, { metrics: true })`).
   * Default: a fresh `RoomKitMetrics` of its own (its own registry, no process metrics).
   */
  metrics?: RoomKitMetrics;
  /**
   * Trace this kit's client, workflows and activities (`startTracing` from `roomkit-temporal/telemetry`,
   * README «Traces»). A prebuilt `workflowBundle` must then include `WORKFLOW_TRACING_MODULE` in its
   * `workflowInterceptorModules`.
   */
  tracing?: Tracing;
  /** Where kit messages go (CLI build notice, warnings). Default: stderr. */
  log?: (message: string) => void;
  /**
   * Per-channel circuit breaker of each worker (RoomKit defaults: 5 consecutive failed deliveries
   * open it for 60 s, then one probe).
   */
  circuitBreaker?: { failureThreshold?: number; recoveryTimeoutSeconds?: number };
}

export interface StartOptions {
  workflowBundle?: WorkflowBundleOption;
  workerOptions?: WorkerSettings['workerOptions'];
  /** Embedded dev server only: Web UI port (0 = any free port) and a SQLite file to persist state. */
  devServer?: { uiPort?: number; dbFilename?: string };
}

export interface ProcessInboundOptions {
  /** Skip routing and use this room (created if missing). */
  roomId?: string;
  /** 'delivered' (default) returns after the whole cascade; 'committed' right after the commit. */
  wait?: WaitStage;
}

export const CircuitBreakerOptions = z.object({
  failureThreshold: z.number().int().min(1).max(1000).optional(),
  recoveryTimeoutSeconds: z.number().positive().max(86_400).optional(),
}).strict();

export const ProcessInboundOptionsSchema = z.object({ roomId: RoomId.optional(), wait: WaitStage.optional() }).strict();
