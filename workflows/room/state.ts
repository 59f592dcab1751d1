/**
 * The room's state: plain JSON (carried across continue-as-new) plus the run's transient
 * bookkeeping of waiting callers. Only the workflow loop mutates it.
 */
import { newWindow, remember } from '../../src/core/idempotency.js';
import { jsonBytes } from '../../src/models/json-checks.js';
import type {
  CarriedState, ChannelBinding, CommandResult, FrameworkEvent, HookSpec, IdempotencyWindow, KitManifest, Participant,
  QueuedCommand, Room, RoomEvent, RoomWorkflowInput, TokenBucket,
} from '../../src/models/index.js';
import { EMPTY_MANIFEST } from '../../src/models/empty-manifest.js';
import type { PersistInput } from '../../activities/index.js';
import type { RoomSnapshot } from './definitions.js';
import type { Cascade } from './cascade.js';
import type { Plan } from './plan.js';
import { newVoiceBook, type VoiceBook } from './voice-book.js';
import type { RoomScopes } from './scopes.js';

const RECENT_LIMIT = 50;
/** The recent window is carried across continue-as-new, whose input must stay well under 2 MB. */
const RECENT_BYTES = 512 * 1024;
export const DETACHED_KEY = 'roomkit:detached_channels';



export class RoomState {
  room: Room;
  bindings: ChannelBinding[];
  participants: Participant[];
  idempotency: IdempotencyWindow;
  recent: RoomEvent[];
  queue: QueuedCommand[];
  processed: number;
  rejectedSignals: number;
  /** Per-binding token buckets by channel id; a delivery takes a token or waits on a timer. */
  buckets: Record<string, TokenBucket>;
  manifest: KitManifest;
  /**
   * The room runs its workers' hooks (set once per run, from the `worker-owned-hooks` patch), and
   * the fingerprint of the worker manifest it runs ('' until its worker described itself).
   */
  workerHooks = false;
  manifestFingerprint = '';
  /** Tool-call events go only to targets that show them (set once per run, from its patch). */
  toolCallsByCapability = false;
  /** The scope units of work run in (set once per run, from its patch; `scopes.ts`). */
  scopes: RoomScopes | undefined;
  /**
   * The manifest sent with the command being served (rooms with worker-owned hooks). It can only
   * add: a hook or listener the sender knows (one registered since the room last heard from its
   * worker, in a process that is both) makes the room call its worker, which then runs its own set.
   */
  sender: KitManifest | undefined;
  /** JSON bytes of each recent event (aligned with `recent`; recomputed after continue-as-new). */
  private recentSizes: number[];
  /** Results by command id, with how far the command got. */
  readonly outcomes: Record<string, { stage: 'committed' | 'delivered'; result: CommandResult }> = {};
  /** Framework events raised and not yet emitted. */
  pendingFramework: FrameworkEvent[] = [];
  /** Committed events waiting for delivery, in index order (the delivery lane). */
  lane: Plan[] = [];
  laneBusy = false;
  /** Write-behind (see `commitBehind`): commits staged whose follow-up has not run yet. */
  commitsInFlight = 0;
  /** The follow-ups of staged commits, chained in commit order. */
  afterCommits: Promise<void> = Promise.resolve();
  /** Commits waiting for the room's writer, and whether its persist is in flight. */
  writes: { input: PersistInput; done: () => void }[] = [];
  writing = false;
  /** Continue-as-new is due: new updates are refused until the next run takes over. */
  draining = false;
  /** History length when the server first suggested continue-as-new in this run. */
  suggestedAtLength: number | undefined;
  /** The voice path's per-run bookkeeping: syntheses in flight, answers spoken (see `voice-book.ts`). */
  readonly voice: VoiceBook = newVoiceBook();
  /** AI answers waiting for their commit pass; served before new commands. */
  reentry: { event: RoomEvent; cascade: Cascade }[] = [];
  /**
   * Utterances transcribed off the room lock (patch `stt-off-lock`), in the order they came: each
   * gets `run` when its transcription is back and enters the room under the lock once every earlier
   * one has (served after AI answers, before new commands).
   */
  heard: { run?: () => Promise<void> }[] = [];

  constructor(input: RoomWorkflowInput) {
    const carried = input.carried;
    this.manifest = input.manifest ?? EMPTY_MANIFEST;
    this.manifestFingerprint = carried?.manifestFingerprint ?? '';
    this.room = carried?.room ?? input.room;
    this.bindings = carried?.bindings ?? [];
    this.participants = carried?.participants ?? [];
    this.idempotency = carried?.idempotency ?? newWindow();
    this.recent = carried?.recent ?? [];
    this.queue = carried?.queue ?? [];
    this.processed = carried?.processed ?? 0;
    this.rejectedSignals = carried?.rejectedSignals ?? 0;
    this.buckets = carried?.buckets ?? {};
    this.recentSizes = this.recent.map(jsonBytes);
  }

  carry(): CarriedState {
    return {
      room: this.room, bindings: this.bindings, participants: this.participants, idempotency: this.idempotency,
      recent: this.recent, queue: this.queue, processed: this.processed, rejectedSignals: this.rejectedSignals,
      buckets: this.buckets,
      ...(this.manifestFingerprint && { manifestFingerprint: this.manifestFingerprint }),
    };
  }

  binding(channelId: string): ChannelBinding | undefined {
    return this.bindings.find((b) => b.channelId === channelId);
  }

  putBinding(binding: ChannelBinding): void {
    const i = this.bindings.findIndex((b) => b.channelId === binding.channelId);
    if (i >= 0) this.bindings[i] = binding;
    else this.bindings.push(binding);
  }

  removeBinding(channelId: string): void {
    this.bindings = this.bindings.filter((b) => b.channelId !== channelId);
  }

  detached(): string[] {
    const list = this.room.metadata[DETACHED_KEY];
    return Array.isArray(list) ? (list as string[]) : [];
  }

  setDetached(list: string[]): void {
    const metadata = { ...this.room.metadata };
    if (list.length) metadata[DETACHED_KEY] = list;
    else delete metadata[DETACHED_KEY];
    this.room = { ...this.room, metadata };
  }

  /** Nothing queued, nothing being delivered: the only moment the room may continue as new. */
  /** Nobody waits on this run: no update queued, no answer pending, no delivery in flight. */
  readyToContinue(): boolean {
    return !this.queue.some((q) => q.awaited) && this.reentry.length === 0 && this.lane.length === 0 && !this.laneBusy
      && this.commitsInFlight === 0 && !this.writing && this.heard.length === 0;
  }

  idle(): boolean {
    return this.queue.length === 0 && this.reentry.length === 0 && this.lane.length === 0 && !this.laneBusy
      && this.commitsInFlight === 0 && !this.writing && this.heard.length === 0;
  }

  refusesWrites(): boolean {
    return this.room.status === 'closed' || this.room.status === 'archived';
  }

  /**
   * Give events their gap-free indexes and bump the room's counters. Called only from the loop, so
   * indexes are assigned in one place, in order.
   */
  assignIndexes(events: RoomEvent[], now: string, activity = true): void {
    for (const e of events) {
      e.index = this.room.eventCount;
      this.room.eventCount += 1;
      this.room.latestIndex = e.index;
      remember(this.idempotency, e.idempotencyKey, e.index);
      this.recent.push(e);
      this.recentSizes.push(jsonBytes(e));
    }
    this.trimRecent();
    this.room = activity
      ? { ...this.room, updatedAt: now, timers: { ...this.room.timers, lastActivityAt: now } }
      : { ...this.room, updatedAt: now };
  }

  /** Replace a committed event in the recent window (e.g. once its delivery failures are known). */
  replaceRecent(event: RoomEvent): void {
    const i = this.recent.findIndex((e) => e.id === event.id);
    if (i < 0) return;
    this.recent[i] = event;
    this.recentSizes[i] = jsonBytes(event);
    this.trimRecent();
  }

  /** Keep the newest events within both the count and the byte budget (at least the newest one). */
  private trimRecent(): void {
    let total = this.recentSizes.reduce((a, b) => a + b, 0);
    while (this.recent.length > 1 && (this.recent.length > RECENT_LIMIT || total > RECENT_BYTES)) {
      this.recent.shift();
      total -= this.recentSizes.shift() ?? 0;
    }
  }

  framework(type: string, data: Record<string, unknown>, refs: { eventId?: string; channelId?: string } = {}): void {
    this.pendingFramework.push({
      type, roomId: this.room.id, timestamp: new Date().toISOString(), data,
      ...(refs.eventId && { eventId: refs.eventId }), ...(refs.channelId && { channelId: refs.channelId }),
    });
  }

  /** Bindings changed outside an admin command (reply context); written by the next commit. */
  changedBindings: ChannelBinding[] = [];

  takeChangedBindings(): ChannelBinding[] {
    const changed = this.changedBindings;
    this.changedBindings = [];
    return changed;
  }

  /** The hooks the room decides on (to call its worker or not), in registration order. */
  hookSpecs(): HookSpec[] {
    if (!this.workerHooks || !this.sender?.hooks.length) return this.manifest.hooks;
    const known = new Set(this.manifest.hooks.map((h) => h.name));
    return [...this.manifest.hooks, ...this.sender.hooks.filter((h) => !known.has(h.name))];
  }

  /** Framework events someone listens to, removed from the pending list. */
  takeFramework(): FrameworkEvent[] {
    const listened = new Set([...this.manifest.listens, ...(this.workerHooks ? this.sender?.listens ?? [] : [])]);
    const out = this.pendingFramework.filter((e) => listened.has(e.type));
    this.pendingFramework = [];
    return out;
  }

  snapshot(): RoomSnapshot {
    return {
      room: this.room,
      bindings: this.bindings,
      participants: this.participants,
      recentEvents: this.recent,
      counters: {
        eventCount: this.room.eventCount,
        latestIndex: this.room.latestIndex,
        queued: this.queue.length + this.reentry.length + this.lane.length,
        processed: this.processed,
        rejectedSignals: this.rejectedSignals,
      },
    };
  }
}
