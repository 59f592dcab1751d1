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
import type { STTProvider } from '../providers/stt/base.js';
import type { TTSProvider } from '../providers/tts/base.js';
import type { AudioStore } from '../voice/audio-store.js';
import { AudioRetention } from '../voice/audio-retention.js';
import { RoomKitError } from '../errors.js';
import { parseInput } from './validate.js';

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
  /**
   * Speech for the rooms this kit's worker serves (RoomKit §19.1): `transcribe` and `synthesize`
   * activities over `audioStore` (clips travel as `AudioRef`s, never as bytes). Needed by
   * `kit.sendUtterance` (STT) and by voice bindings' spoken answers (TTS). `language` is the
   * recogniser's default, `voiceName` the TTS voice when a binding's `metadata.voice` names none.
   *
   * @example
   * new RoomKit({ voice: { stt: createPocketsphinxProvider(), tts: createEspeakProvider(), audioStore: new FileAudioStore(dir) } });
   */
  voice?: VoiceOptions;
}

export interface VoiceOptions {
  stt?: STTProvider;
  tts?: TTSProvider;
  audioStore: AudioStore;
  language?: string;
  voiceName?: string;
  /**
   * Delete clips older than `maxAgeMs` (at least ten minutes), swept every `everyMs` by each process
   * that runs this kit's worker (`retainAudio`). Without it clips are kept until you delete them.
   */
  retention?: AudioRetention;
}

/** Checked once at construction: an option without a store or an engine is a mistake, said early. */
export function voiceOptions(options: VoiceOptions | undefined): VoiceOptions | undefined {
  if (!options) return undefined;
  const { audioStore, stt, tts, language, voiceName, retention } = options;
  if (!audioStore || typeof audioStore.get !== 'function' || typeof audioStore.put !== 'function') {
    throw new RoomKitError('voice.audioStore must be an AudioStore (FileAudioStore, InMemoryAudioStore, …)');
  }
  if (!stt && !tts) throw new RoomKitError('voice needs an stt or a tts provider');
  if (stt && typeof stt.transcribe !== 'function') throw new RoomKitError('voice.stt must be an STTProvider');
  if (tts && typeof tts.synthesize !== 'function') throw new RoomKitError('voice.tts must be a TTSProvider');
  parseInput(VoiceDefaults, { language, voiceName, retention }, 'voice options', 'voice');
  if (retention && typeof audioStore.prune !== 'function') {
    throw new RoomKitError('voice.retention needs an AudioStore with prune() (FileAudioStore, InMemoryAudioStore)');
  }
  return options;
}

const VoiceDefaults = z.object({
  language: z.string().min(2).max(35).optional(),
  voiceName: z.string().min(1).max(64).optional(),
  retention: AudioRetention.optional(),
});

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

/** The kit's room limits (`maxChainDepth`, `idempotencyWindow`), checked once at construction. */
export const KitLimits = z.object({
  maxChainDepth: z.number().int().positive().default(5),
  // The manifest every command carries allows at most this many (`KitManifest`).
  idempotencyWindow: z.number().int().positive().max(100_000).optional(),
});

export const CircuitBreakerOptions = z.object({
  failureThreshold: z.number().int().min(1).max(1000).optional(),
  recoveryTimeoutSeconds: z.number().positive().max(86_400).optional(),
}).strict();

export const ProcessInboundOptionsSchema = z.object({ roomId: RoomId.optional(), wait: WaitStage.optional() }).strict();
