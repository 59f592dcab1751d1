/**
 * RoomKit: the one object an application builds. It holds the registries (channels, hooks,
 * framework-event listeners), the store, and the connection to Temporal; every room verb is a
 * command to the room's workflow.
 *
 * @example
 * const kit = new RoomKit();
 * kit.registerChannel(new WebSocketChannel('ws-user'));
 * await kit.start();
 * await kit.createRoom({ roomId: 'room-1' });
 */
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { z } from 'zod';
import { Channel } from '../channels/channel.js';
import { RoomClient, type CommandOptions } from '../client/room-client.js';
import {
  ChannelAlreadyRegisteredError, ChannelNotRegisteredError, KitNotStartedError, RoomClosedError, RoomKitError,
} from '../errors.js';
import { HookRegistry, type HookFn } from '../hooks/registry.js';
import { ToolRegistry, type ToolDefinition } from '../tools/registry.js';
import { McpServerOptionsSchema, McpToolServer, type McpServerOptions } from '../tools/mcp/index.js';
import {
  DeliveryStatus, EventContent, InboundMessage, RoomId, SendEventOptions,
  type HookOptions, type HookSpec, type HookTrigger, type InboundResult,
  type CommandOf, type CommandResults, type RoomCommandKind as CommandKind, type KitManifest, type RoomEvent,
} from '../models/index.js';
import { CircuitBreakerRegistry } from '../resilience/circuit-breaker.js';
import { RoomKitMetrics } from '../telemetry/metrics.js';
import { clientTracingInterceptors, type Tracing } from '../telemetry/tracing.js';
import { InMemoryStore } from '../store/in-memory.js';
import { sweepWhile } from '../voice/audio-retention.js';
import { InMemoryRealtime } from '../realtime/in-memory.js';
import { RoomVerbs } from './room-verbs.js';
import { VoiceChannel } from '../channels/voice.js';
import { SourceClient } from '../client/source-client.js';
import { identityManifest, identityOptions } from './identity-options.js';
import type { IdentityOptions } from '../identity/resolver.js';
import { WebSocketChannel } from '../channels/websocket.js';
import type { ConversationStore } from '../store/conversation-store.js';
import { ensureTemporalServer, parseTemporalConfig, type TemporalConfig, type TemporalServerHandle } from '../temporal/index.js';
import { FrameworkEventBus, type FrameworkEventHandler } from '../hooks/framework-events.js';
import { DefaultInboundRoomRouter, roomForDeliveryStatus, type InboundRoomRouter } from './router.js';
import { inboundCommand } from './inbound-command.js';
import { parseInput } from './validate.js';
import { startWorker, taskFailureWatch, type RunningWorker } from './worker.js';
import { watchTaskFailures } from './task-failures.js';
import {
  CircuitBreakerOptions, KitLimits, ProcessInboundOptionsSchema, voiceOptions, type ProcessInboundOptions, type RoomKitOptions, type StartOptions,
  type VoiceOptions,
} from './options.js';

export type { ProcessInboundOptions, RoomKitOptions, StartOptions } from './options.js';

/** Room and binding verbs come from {@link RoomVerbs}; realtime, participant, source and voice verbs from its bases. */
export class RoomKit extends RoomVerbs {
  readonly store: ConversationStore;
  readonly hooks = new HookRegistry();
  readonly tools = new ToolRegistry();
  readonly events: FrameworkEventBus;
  readonly maxChainDepth: number;
  /** This process's Prometheus metrics (README «Metrics»). */
  readonly metrics: RoomKitMetrics;
  private readonly idempotencyWindow?: number;
  private readonly breakers: CircuitBreakerRegistry;
  private readonly channels = new Map<string, Channel>();
  private readonly router: InboundRoomRouter;
  private readonly temporal: TemporalConfig;
  private readonly log: (message: string) => void;
  /** Client and worker share it: what one encrypts the other must read. */
  private readonly dataConverter?: DataConverter;
  private readonly tracing?: Tracing;
  private readonly identity?: IdentityOptions;
  private readonly voice?: VoiceOptions;
  private server?: TemporalServerHandle;
  private connection?: Connection;
  private rooms?: RoomClient;
  private runningWorker?: RunningWorker;
  private closed = false;

  constructor(options: RoomKitOptions = {}) {
    const log = options.log ?? ((m: string) => console.error(`[roomkit] ${m}`));
    const store = options.store ?? new InMemoryStore();
    super(options.realtime ?? new InMemoryRealtime({ log }), store);
    this.log = log;
    this.store = store;
    this.router = options.inboundRouter ?? new DefaultInboundRoomRouter(this.store, this.log);
    this.events = new FrameworkEventBus((err, e) => this.log(`framework event handler for ${e.type} failed: ${String(err)}`));
    const limits = parseInput(KitLimits, { maxChainDepth: options.maxChainDepth, idempotencyWindow: options.idempotencyWindow }, 'RoomKit options');
    this.maxChainDepth = limits.maxChainDepth;
    this.idempotencyWindow = limits.idempotencyWindow;
    this.temporal = parseTemporalConfig(options.temporal ?? {});
    if (options.payloadCodec && options.dataConverter) throw new RoomKitError('give either payloadCodec or dataConverter, not both');
    this.dataConverter = options.payloadCodec ? { payloadCodecs: [options.payloadCodec] } : options.dataConverter;
    this.tracing = options.tracing;
    this.identity = identityOptions(options.identity);
    this.voice = voiceOptions(options.voice);
    const breaker = parseInput(CircuitBreakerOptions, options.circuitBreaker ?? {}, 'circuitBreaker options', 'circuitBreaker');
    this.breakers = new CircuitBreakerRegistry({
      failureThreshold: breaker.failureThreshold,
      ...(breaker.recoveryTimeoutSeconds !== undefined && { recoveryTimeoutMs: breaker.recoveryTimeoutSeconds * 1000 }),
    });
    this.metrics = options.metrics ?? new RoomKitMetrics();
    this.metrics.watchBreakers(() => this.breakers.states());
  }

  // ── registries ────────────────────────────────────────────────────────────
  registerChannel(channel: Channel): void {
    if (!(channel instanceof Channel)) throw new TypeError('registerChannel expects a Channel');
    if (this.channels.has(channel.channelId)) throw new ChannelAlreadyRegisteredError(channel.channelId);
    this.channels.set(channel.channelId, channel);
    if (channel instanceof WebSocketChannel || channel instanceof VoiceChannel) channel.useRealtime(this.realtime);
  }

  unregisterChannel(channelId: string): Channel | undefined {
    const c = this.channels.get(channelId);
    this.channels.delete(channelId);
    return c;
  }

  getChannel(channelId: string): Channel | undefined {
    return this.channels.get(channelId);
  }

  listChannels(): Channel[] {
    return [...this.channels.values()];
  }

  /** Register a hook: `kit.hook(trigger, fn)` or `kit.hook(trigger, { name, priority, … }, fn)`. */
  hook(trigger: HookTrigger, fn: HookFn): HookSpec;
  hook(trigger: HookTrigger, options: HookOptions, fn: HookFn): HookSpec;
  hook(trigger: HookTrigger, a: HookOptions | HookFn, b?: HookFn): HookSpec {
    return typeof a === 'function' ? this.hooks.add(trigger, {}, a) : this.hooks.add(trigger, a, b as HookFn);
  }

  /**
   * Register a tool AIs may call (listed by name in `AIChannel`'s `tools` or a binding's
   * `metadata.tools`). The handler runs in its own activity; arguments are validated first.
   */
  tool<Args>(definition: ToolDefinition<Args>): void {
    this.tools.add(definition);
  }

  /**
   * Offer an MCP server's tools to AIs as `<name>__<tool>` (README «MCP tools in the AI loop»).
   * @example kit.mcpServer({ name: 'files', transport: { type: 'stdio', command: 'mcp-files' } }); // AIChannel tools: ['files__*']
   */
  mcpServer(options: McpServerOptions): McpToolServer {
    const server = new McpToolServer(parseInput(McpServerOptionsSchema, options, 'MCP server options'), this.log);
    this.tools.addSource(server);
    return server;
  }

  /**
   * Listen to vendor delivery reports (RoomKit `@kit.on_delivery_status`): a global async
   * ON_DELIVERY_STATUS hook that receives the `DeliveryStatus` itself. Runs in the worker.
   */
  onDeliveryStatus(fn: (status: z.output<typeof DeliveryStatus>) => unknown, options: Omit<HookOptions, 'execution'> = {}): HookSpec {
    return this.hooks.add('on_delivery_status', { ...options, execution: 'async' }, async (event) => {
      await fn(event.metadata.deliveryStatus as z.output<typeof DeliveryStatus>);
      return undefined;
    });
  }

  removeHook(name: string): boolean {
    return this.hooks.remove(name);
  }

  /** Listen to a framework event (`event_blocked`, `hook_error`, …). Handlers run in the worker. */
  on(type: string, handler: FrameworkEventHandler): () => void {
    return this.events.on(type, handler);
  }

  /** Hooks, listeners, limits: what the rooms this kit's worker serves run (from a sender, only a hint). */
  manifest(): KitManifest {
    return {
      hooks: this.hooks.specs(), listens: this.events.listened(), maxChainDepth: this.maxChainDepth,
      ...(this.idempotencyWindow && { idempotencyWindow: this.idempotencyWindow }),
      ...(this.identity && { identity: identityManifest(this.identity) }),
      ...(this.voice && { voice: { stt: !!this.voice.stt, tts: !!this.voice.tts } }),
    };
  }

  // ── lifecycle ─────────────────────────────────────────────────────────────
  /** All-in-one: the configured server (or the embedded dev server), a client and an in-process worker. */
  async start(options: StartOptions = {}): Promise<void> {
    if (this.closed) throw new RoomKitError('kit is closed');
    if (this.rooms) throw new RoomKitError('kit already started');
    this.server = await ensureTemporalServer(this.temporal, {
      log: this.log, uiPort: options.devServer?.uiPort, dbFilename: options.devServer?.dbFilename,
    });
    await this.connect(this.server.address);
    await this.startWorkerOn(this.server.address, options);
  }

  /** Client only (e.g. a webhook server): talks to rooms served by workers elsewhere. */
  async connect(address = this.temporal.address): Promise<void> {
    if (this.rooms) return;
    if (!address) throw new RoomKitError('connect() needs temporal.address (or use start() for the embedded server)');
    this.connection = await Connection.connect({ address });
    const client = new Client({
      connection: this.connection, namespace: this.temporal.namespace, ...(this.dataConverter && { dataConverter: this.dataConverter }),
      ...(this.tracing && { interceptors: { workflow: clientTracingInterceptors(this.tracing) } }),
    });
    this.rooms = new RoomClient(client, this.temporal.taskQueue, () => this.manifest(), async (id) => (await this.store.getRoom(id))?.status);
    this.sourceWorkflows = new SourceClient(client, this.temporal.taskQueue);
  }

  /** Worker only: serve rooms until the worker is shut down (SIGINT/SIGTERM, `stopWorker()` or `close()`). */
  async runWorker(options: StartOptions = {}): Promise<void> {
    const address = this.temporalAddress;
    if (!address) throw new RoomKitError('runWorker() needs temporal.address (or use start())');
    await (await this.startWorkerOn(address, options)).done;
  }

  /**
   * Stop this kit's worker gracefully and keep the kit (client, store, channels) open: a rolling
   * restart or a deploy. Rooms the worker cached are rebuilt by replay on whichever worker serves
   * them next. `runWorker()` may be called again afterwards.
   */
  async stopWorker(): Promise<void> {
    const w = this.runningWorker;
    this.runningWorker = undefined;
    await w?.stop();
    await this.tools.close();
  }

  get temporalAddress(): string | undefined {
    return this.server?.address ?? this.temporal.address;
  }

  /** Web UI of the embedded dev server, when this kit started one with a UI. */
  get temporalUiUrl(): string | undefined {
    return this.server?.uiUrl;
  }

  get taskQueue(): string {
    return this.temporal.taskQueue;
  }

  /** Idempotent: stops the worker, the client connection, the embedded server, channels and the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.rooms) await this.detachAllSources().catch((err) => this.log(`detaching sources on close failed: ${String(err)}`));
    await this.runningWorker?.stop();
    this.runningWorker = undefined;
    await this.tools.close();
    await this.connection?.close();
    this.connection = undefined;
    this.rooms = undefined;
    this.sourceWorkflows = undefined;
    await this.server?.stop();
    this.server = undefined;
    const errors: unknown[] = [];
    for (const c of this.channels.values()) await c.close().catch((e) => errors.push(e));
    await this.realtime.close().catch((e) => errors.push(e));
    await this.store.close();
    if (errors.length) throw new AggregateError(errors, 'some channels failed to close');
  }

  private async startWorkerOn(address: string, options: StartOptions): Promise<RunningWorker> {
    if (this.runningWorker) throw new RoomKitError('a worker is already running for this kit');
    this.runningWorker = await startWorker(
      { address, namespace: this.temporal.namespace, taskQueue: this.temporal.taskQueue,
        workflowBundle: options.workflowBundle, workerOptions: options.workerOptions, dataConverter: this.dataConverter,
        tracing: this.tracing },
      {
        store: this.store, channels: this.channels, hooks: this.hooks, tools: this.tools, events: this.events,
        breakers: this.breakers, manifest: () => this.manifest(), realtime: this.live, metrics: this.metrics,
        // A worker-only kit connects a client the first time one of its sources emits.
        sources: { sources: this.sources, inbound: (m) => this.connect(address).then(() => this.processInbound(m, { wait: 'committed' })) },
        ...(this.identity && { identity: this.identity }),
        ...(this.voice && { voice: this.voice }),
      },
    );
    this.runningWorker.done.catch((err) => this.log(`worker stopped with an error: ${String(err)}`));
    const unwatch = watchTaskFailures(taskFailureWatch(this.runningWorker.connection, this.temporal, this.events, this.log));
    // However the worker stops (signal, crash), its MCP connections and server processes end with it,
    // and so does the sweep of old clips (`voice.retention`), which runs where the worker runs.
    this.runningWorker.done.finally(() => { unwatch(); return this.tools.close(); }).catch(() => undefined);
    if (this.voice?.retention) sweepWhile(this.runningWorker.done, this.voice.audioStore, this.voice.retention, this.log);
    return this.runningWorker;
  }

  protected client(what: string): RoomClient {
    if (!this.rooms) throw new KitNotStartedError(what);
    return this.rooms;
  }

  protected roomCommand<K extends CommandKind>(
    what: string, roomId: string, command: CommandOf<K>, options: CommandOptions = {},
  ): Promise<CommandResults[K]> {
    return this.client(what).command(this.id(roomId), command, options);
  }

  protected id(roomId: string): string {
    return parseInput(RoomId, roomId, 'roomId', 'roomId');
  }

  protected channel(channelId: string): Channel {
    const c = this.channels.get(channelId);
    if (!c) throw new ChannelNotRegisteredError(channelId);
    return c;
  }

  // ── messages ──────────────────────────────────────────────────────────────
  /**
   * Run a message through its room and return once the cascade it caused was delivered (or, with
   * `wait: 'committed'`, once it was stored). Routes and creates the room when none is given.
   */
  async processInbound(message: InboundMessage, options: ProcessInboundOptions = {}): Promise<InboundResult> {
    const opts = parseInput(ProcessInboundOptionsSchema, options, 'processInbound options');
    try {
      const { room, command, autoCreated } = await this.inboundCommand(message, opts.roomId);
      const result = await this.client('processInbound').commandWithStart(room, command, { wait: opts.wait, autoCreated });
      this.metrics.inbound(message.channelId, RoomKitMetrics.inboundOutcome(result));
      return result;
    } catch (err) {
      // A closed room's workflow has completed: RoomKit answers a refusal and tells listeners, as
      // the room itself would have.
      if (!(err instanceof RoomClosedError)) throw err;
      this.metrics.inbound(message.channelId, 'refused');
      const data = { status: err.status, event_type: message.eventType ?? 'message' };
      await this.events.emit({ type: 'room_refused_event', roomId: err.roomId, timestamp: new Date().toISOString(), data });
      return { blocked: true, reason: 'room_closed', deliveryResults: {} };
    }
  }

  /**
   * Fire-and-forget variant for webhook handlers: returns once the room has the message durably
   * (signal-with-start). Give messages an `idempotencyKey` (the provider message id) so a provider
   * retry is stored once.
   */
  async signalInbound(message: InboundMessage, options: { roomId?: string } = {}): Promise<{ roomId: string }> {
    const opts = parseInput(ProcessInboundOptionsSchema.omit({ wait: true }), options, 'signalInbound options');
    const { room, command, autoCreated } = await this.inboundCommand(message, opts.roomId);
    try {
      await this.client('signalInbound').signalWithStart(room, command, { autoCreated });
    } catch (err) {
      if (err instanceof RoomClosedError) this.metrics.inbound(message.channelId, 'refused');
      throw err;
    }
    // Handed to the room durably; whether it commits or is blocked the room decides later.
    this.metrics.inbound(message.channelId, 'signalled');
    return { roomId: room.id };
  }

  /**
   * Hand a vendor's delivery report to its room's ON_DELIVERY_STATUS hooks (a signal: durable, no
   * wait). The room: `status.roomId`, else the one whose send the provider numbered `messageId`, else
   * the recipient's (`roomForDeliveryStatus`); with none, nothing fires and `{}` is returned.
   */
  async processDeliveryStatus(status: DeliveryStatus): Promise<{ roomId?: string }> {
    const parsed = parseInput(DeliveryStatus, status, 'delivery status');
    const roomId = await roomForDeliveryStatus(this.store, this.router, parsed, this.channel(parsed.channelId).channelType);
    if (!roomId) {
      this.log(`delivery status for ${parsed.provider} message ${parsed.messageId}: no active room bound to ${parsed.channelId}; ignored`);
      return {};
    }
    try {
      await this.client('processDeliveryStatus').signal(roomId, { kind: 'deliveryStatus', status: parsed });
      if (parsed.status === 'read') {
        await this.live.readByVendor(roomId, parsed).catch((err) => this.log(`read receipt for room ${roomId} not published: ${String(err)}`));
      }
    } catch (err) {
      if (!(err instanceof RoomClosedError)) throw err;
      // A closed room's workflow has ended; a late report has no hooks to run there.
      this.log(`delivery status for ${parsed.provider} message ${parsed.messageId}: room ${roomId} is closed; ignored`);
      return {};
    }
    return { roomId };
  }

  /** An event authored by a bound channel, through the same pipeline (hooks, permissions, broadcast). */
  async sendEvent(roomId: string, channelId: string, content: EventContent, options: SendEventOptions = {}): Promise<RoomEvent> {
    const c = parseInput(EventContent, content, 'content', 'content');
    const o = parseInput(SendEventOptions, options, 'send options');
    const result = await this.client('sendEvent').command(this.id(roomId), { kind: 'send', channelId, content: c, options: o });
    return result.event as RoomEvent;
  }

  /**
   * The room the kit's inbound router (RoomKit §23, or the `inboundRouter` option) picks for
   * `participantId` on `channelId`, or undefined when a new room should be made. The media plane
   * uses it to route a call by caller id (`kitVoicePort`).
   */
  async routeRoom(channelId: string, participantId?: string): Promise<string | undefined> {
    const channel = this.channel(channelId);
    return this.router.route({ channelId, channelType: channel.channelType, ...(participantId && { participantId }) });
  }

  private async inboundCommand(message: InboundMessage, roomId?: string) {
    const msg = parseInput(InboundMessage, message, 'inbound message');
    return inboundCommand({ store: this.store, router: this.router }, this.channel(msg.channelId), msg, roomId);
  }
}

