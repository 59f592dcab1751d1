/**
 * The room workflow's message contract as data. Every mutation of a room is a `RoomCommand` pushed
 * onto the room's single queue (signal or update); results come back as `CommandResult` data.
 */
import { z } from 'zod';
import { EventContent } from './content.js';
import { AccessSchema } from './enums.js';
import { ChannelBinding } from './channel.js';
import { DeliveryStatus } from './delivery-status.js';
import { type ErrorInfo, InboundMessage, type InboundResult, SendEventOptions } from './inbound.js';
import { HookSpec } from './hook.js';
import { JsonRecord } from './json.js';
import { IdentityManifest } from './identity.js';
import { ParticipantCommands, type Participant } from './participant.js';
import { type Room, RoomTimers } from './room.js';
import type { RoomSnapshot } from './snapshot.js';
import type { CarriedState } from './carried.js';
import { type BargeInResult, VoiceCommands, VoiceManifest } from './voice.js';

/**
 * What the room must know of the kit that sends a command: hook registrations (to skip the hook
 * activity when nothing matches), which framework events have listeners, and kit-level limits.
 * It travels with every command, so a hook registered at any time is honoured by the next message.
 */
export const KitManifest = z.object({
  hooks: z.array(HookSpec),
  listens: z.array(z.string()),
  maxChainDepth: z.number().int().positive(),
  /** Idempotency keys each room remembers in its own state; older ones are looked up in the store. */
  idempotencyWindow: z.number().int().positive().max(100_000).optional(),
  /** Set when the worker has an identity resolver (RoomKit §11). */
  identity: IdentityManifest.optional(),
  /** Set when the worker runs the voice activities (STT and/or TTS, RoomKit §19.1). */
  voice: VoiceManifest.optional(),
});
export type KitManifest = z.infer<typeof KitManifest>;

export { EMPTY_MANIFEST } from './empty-manifest.js';

/**
 * A worker's manifest as a room learns it: from `describeWorker` when the room starts, then from any
 * write whose worker answers with a different fingerprint (a rolling deploy, `removeHook`).
 */
export interface WorkerManifest {
  manifest: KitManifest;
  /** sha256 of the manifest's canonical JSON: rooms send it with each write, workers compare. */
  fingerprint: string;
}

export const RoomCommand = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('inbound'),
    message: InboundMessage,
    /** Binding used if the source channel is not attached yet (auto-attach), and for its type. */
    defaultBinding: ChannelBinding,
    /** Merged into the sender's own binding metadata (`Channel.replyContext`). */
    replyContext: JsonRecord.optional(),
  }),
  z.object({
    kind: z.literal('send'),
    channelId: z.string().min(1),
    content: EventContent,
    options: SendEventOptions,
  }),
  z.object({ kind: z.literal('attach'), binding: ChannelBinding }),
  z.object({ kind: z.literal('detach'), channelId: z.string().min(1) }),
  z.object({ kind: z.literal('mute'), channelId: z.string().min(1) }),
  z.object({ kind: z.literal('unmute'), channelId: z.string().min(1) }),
  z.object({ kind: z.literal('setVisibility'), channelId: z.string().min(1), visibility: z.string().min(1) }),
  z.object({ kind: z.literal('setAccess'), channelId: z.string().min(1), access: AccessSchema }),
  z.object({ kind: z.literal('updateMetadata'), metadata: JsonRecord }),
  z.object({ kind: z.literal('setTimers'), timers: RoomTimers.omit({ lastActivityAt: true }) }),
  z.object({ kind: z.literal('close') }),
  /** ARCHIVED, terminal (RoomKit `archive_room`): from any status, a no-op once archived. */
  z.object({ kind: z.literal('archive') }),
  /** A vendor's report on a sent message; runs ON_DELIVERY_STATUS hooks, stores nothing. */
  z.object({ kind: z.literal('deliveryStatus'), status: DeliveryStatus }),
  /** No change; returns the room snapshot (used by createRoom to return once the room is stored). */
  z.object({ kind: z.literal('describe') }),
  ...ParticipantCommands,
  ...VoiceCommands,
]);
export type RoomCommand = z.infer<typeof RoomCommand>;
export type RoomCommandKind = RoomCommand['kind'];

/** When an update returns: after the whole delivery cascade (default) or right after the commit. */
export const WaitStage = z.enum(['delivered', 'committed']);
export type WaitStage = z.infer<typeof WaitStage>;

export const CommandEnvelope = z.object({
  /** Unique per command; also the Temporal update id, so a retried update is deduplicated. */
  id: z.string().min(1).max(200),
  /**
   * The sender's hooks and listeners. Rooms started by this release run their workers' hooks and
   * ignore it; it is still sent so that rooms recorded before worker-owned hooks keep working.
   * Another service or the Temporal CLI may leave it out.
   */
  manifest: KitManifest.optional(),
  wait: WaitStage.optional(),
  command: RoomCommand,
});
export type CommandEnvelope = z.infer<typeof CommandEnvelope>;

export type CommandResult = { ok: true; value: unknown } | { ok: false; error: ErrorInfo };

/** The value each command kind resolves to (its `CommandResult.value` when `ok`). */
export interface CommandResults {
  inbound: InboundResult;
  send: InboundResult;
  attach: ChannelBinding;
  detach: boolean;
  mute: ChannelBinding;
  unmute: ChannelBinding;
  setVisibility: ChannelBinding;
  setAccess: ChannelBinding;
  updateMetadata: Room;
  setTimers: Room;
  close: Room;
  archive: Room;
  deliveryStatus: null;
  describe: RoomSnapshot;
  addParticipant: Participant;
  removeParticipant: Participant;
  updateParticipant: Participant;
  ensureParticipant: Participant;
  resolveParticipant: Participant;
  utterance: InboundResult;
  bargeIn: BargeInResult;
}
/** A command of one kind. */
export type CommandOf<K extends RoomCommandKind> = Extract<RoomCommand, { kind: K }>;

/** Input of the room workflow; `carried` is set only by continue-as-new. */
export interface RoomWorkflowInput {
  room: Room;
  /**
   * Rooms started by this release ignore it at start (they ask their worker) and carry their
   * worker's manifest here across continue-as-new; runs recorded earlier use the sender's.
   */
  manifest?: KitManifest;
  /** True when the room was created by routing an inbound message rather than `createRoom`. */
  autoCreated?: boolean;
  carried?: CarriedState;
}
