/**
 * RoomKit's event-source verbs (RoomKit §2.10, §18). Each source runs as its own workflow
 * (`source:<channelId>`) whose activity holds the connection on any worker that has the source
 * registered; its messages take the kit's inbound path. `RoomKit` extends this class.
 */
import type { Channel } from '../channels/channel.js';
import { ChannelNotRegisteredError, KitNotStartedError } from '../errors.js';
import type { FrameworkEventBus } from '../hooks/framework-events.js';
import type { RealtimeBackend } from '../realtime/backend.js';
import type { SourceClient } from '../client/source-client.js';
import type { ConversationStore } from '../store/conversation-store.js';
import { SourceAlreadyAttachedError, SourceNotFoundError } from '../sources/errors.js';
import { AttachSourceOptionsSchema, sourceRunInput, type AttachSourceOptions } from '../sources/options.js';
import type { SourceHealth, SourceProvider } from '../sources/source.js';
import { ParticipantVerbs } from './participant-verbs.js';
import { parseInput } from './validate.js';

export abstract class SourceVerbs extends ParticipantVerbs {
  abstract readonly events: FrameworkEventBus;
  /** Sources this process's worker can run, by channel (what `runSource` looks up). */
  protected readonly sources = new Map<string, SourceProvider>();
  /** The ones this kit started (`close()` detaches them, as RoomKit's does). */
  private readonly attached = new Set<string>();
  /** Set by the kit once it has a Temporal client (`connect`). */
  protected sourceWorkflows?: SourceClient;

  protected constructor(realtime: RealtimeBackend, store: ConversationStore) {
    super(realtime, store);
  }

  abstract getChannel(channelId: string): Channel | undefined;

  /**
   * Make `source` runnable for `channelId` on this process's worker without starting it: for the
   * other workers of a deployment, so a run is restarted on any of them (`attachSource` does this too).
   */
  registerSource(channelId: string, source: SourceProvider): void {
    if (!this.getChannel(channelId)) throw new ChannelNotRegisteredError(channelId);
    if (this.sources.has(channelId)) throw new SourceAlreadyAttachedError(channelId);
    this.sources.set(channelId, source);
  }

  /**
   * Start feeding `channelId`'s messages from `source` into the rooms it is bound to (through
   * `processInbound`'s routing, hooks and idempotency). Restarts follow Temporal's retry policy:
   * `restartDelay` then doubling up to `maxRestartDelay` (seconds), `maxRestartAttempts` runs in all.
   * @example await kit.attachSource('feed', new SSESource({ url }), { restartDelay: 1, maxRestartAttempts: 10 });
   */
  async attachSource(channelId: string, source: SourceProvider, options: AttachSourceOptions = {}): Promise<void> {
    const o = parseInput(AttachSourceOptionsSchema, options, 'source options');
    this.registerSource(channelId, source);
    try {
      await this.sourceClient('attachSource').start(sourceRunInput(channelId, source.name, o));
    } catch (err) {
      this.sources.delete(channelId);
      throw err;
    }
    this.attached.add(channelId);
    await this.sourceEvent('source_attached', channelId, source.name);
  }

  /** Stop the source and forget it (`SourceNotFoundError` when none is attached or registered here). */
  async detachSource(channelId: string): Promise<void> {
    const running = await this.sourceClient('detachSource').stop(channelId);
    const source = this.sources.get(channelId);
    if (!running && !source) throw new SourceNotFoundError(channelId);
    this.sources.delete(channelId);
    this.attached.delete(channelId);
    const name = source?.name ?? channelId;
    await this.sourceEvent('source_detached', channelId, name);
    await this.sourceEvent('source_disconnected', channelId, name);
  }

  /** Health of the source on `channelId`, from Temporal (any process can ask); undefined if never attached. */
  sourceHealth(channelId: string): Promise<SourceHealth | undefined> {
    return this.sourceClient('sourceHealth').health(channelId);
  }

  /** Health of every source registered on this kit, by channel (exhausted ones stay until detached). */
  async listSources(): Promise<Record<string, SourceHealth>> {
    const out: Record<string, SourceHealth> = {};
    for (const channelId of this.sources.keys()) {
      const h = await this.sourceHealth(channelId);
      if (h) out[channelId] = h;
    }
    return out;
  }

  /**
   * Detach what this kit attached (RoomKit's `close()`); errors are the caller's to log. The cancel
   * requests are durable; waiting for the runs to stop is bounded, since a client-only kit may have no
   * worker serving them right now (they stop when one does).
   */
  protected async detachAllSources(waitMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => { timer = setTimeout(resolve, waitMs); });
    const detached = Promise.all([...this.attached].map((channelId) => this.detachSource(channelId)));
    try {
      await Promise.race([detached, gaveUp]);
    } finally {
      clearTimeout(timer);
    }
  }

  private sourceClient(what: string): SourceClient {
    if (!this.sourceWorkflows) throw new KitNotStartedError(what);
    return this.sourceWorkflows;
  }

  private sourceEvent(type: string, channelId: string, sourceName: string): Promise<void> {
    return this.events.emit({ type, channelId, timestamp: new Date().toISOString(), data: { source_name: sourceName } });
  }
}
