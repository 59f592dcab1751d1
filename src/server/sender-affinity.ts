/**
 * Route-then-signal for webhook messages, serialised per (channel, sender).
 *
 * The race: two first messages from one sender arrive together, there is no room yet, both ask the
 * router, both hear "no room" and the kit auto-creates two rooms. Serialising route+signal per
 * sender is not enough on its own: `signalInbound` returns once Temporal has the signal, but the
 * store (what routers read) learns about the new room only when the room workflow has persisted
 * it, a moment later. So after signalling, the sender is pinned to the room it was signalled into
 * until the store shows that message (or `affinityMs` passes); while pinned, the next messages skip
 * the router and go to the same room. Duplicates of one vendor message therefore land in one room,
 * where the room's idempotency keys drop them.
 *
 * This is per process. With several HTTP replicas in front of one kit, two replicas can still race;
 * there, use a deterministic router (`roomFor` deriving the room id from the sender, or a kit
 * `inboundRouter` over a store with a unique constraint) so every replica picks the same room.
 */
import { RoomClosedError } from '../errors.js';
import type { RoomIngress } from './ingress.js';
import type { InboundMessage } from '../models/index.js';
import { KeyedMutex } from './keyed-mutex.js';

/** Picks the room for a webhook message; `undefined` ⇒ the kit's router decides. */
export type RoomResolver = (message: InboundMessage) => Promise<string | undefined> | string | undefined;

interface Pin {
  roomId: string;
  idempotencyKey?: string;
  expiresAt: number;
}

export interface SenderAffinityOptions {
  /** Longest a sender stays pinned to the room of its last message while the store catches up. Default 15 s. */
  affinityMs?: number;
  now?: () => number;
}

export class SenderAffinity {
  private readonly mutex = new KeyedMutex();
  private readonly pins = new Map<string, Pin>();
  private readonly affinityMs: number;
  private readonly now: () => number;

  constructor(private readonly kit: RoomIngress, options: SenderAffinityOptions = {}) {
    this.affinityMs = options.affinityMs ?? 15_000;
    this.now = options.now ?? Date.now;
  }

  /** `kit.signalInbound`, with routing serialised per (channel, sender). */
  async signal(message: InboundMessage, roomFor?: RoomResolver): Promise<{ roomId: string }> {
    const key = JSON.stringify([message.channelId, message.senderId]);
    return this.mutex.run(key, async () => {
      const chosen = roomFor ? await roomFor(message) : undefined;
      const pinned = chosen === undefined ? await this.pinned(key, message.channelId) : undefined;
      const roomId = chosen ?? pinned;
      let result: { roomId: string };
      try {
        result = await this.kit.signalInbound(message, roomId !== undefined ? { roomId } : {});
      } catch (err) {
        // The pinned room closed meanwhile: forget the pin and let the router pick (or open) a room.
        if (!(err instanceof RoomClosedError) || pinned === undefined) throw err;
        this.pins.delete(key);
        result = await this.kit.signalInbound(message);
      }
      this.pin(key, result.roomId, message.idempotencyKey);
      return result;
    });
  }

  /** Senders currently pinned (for tests). */
  get pinnedCount(): number {
    return this.pins.size;
  }

  private async pinned(key: string, channelId: string): Promise<string | undefined> {
    const pin = this.pins.get(key);
    if (!pin) return undefined;
    if (pin.expiresAt <= this.now() || (await this.storeCaughtUp(pin, channelId))) {
      this.pins.delete(key);
      return undefined;
    }
    return pin.roomId;
  }

  /** The store has the pinned message and the channel's binding: routers can see the room now. */
  private async storeCaughtUp(pin: Pin, channelId: string): Promise<boolean> {
    if (pin.idempotencyKey === undefined) return false;
    const event = await this.kit.store.getEventByIdempotencyKey(pin.roomId, pin.idempotencyKey);
    if (!event) return false;
    return (await this.kit.store.getBinding(pin.roomId, channelId)) !== undefined;
  }

  private pin(key: string, roomId: string, idempotencyKey: string | undefined): void {
    this.pins.delete(key); // re-inserted last: the map stays ordered by expiry
    this.pins.set(key, { roomId, ...(idempotencyKey !== undefined && { idempotencyKey }), expiresAt: this.now() + this.affinityMs });
    const now = this.now();
    for (const [k, p] of this.pins) {
      if (p.expiresAt > now) break;
      this.pins.delete(k);
    }
  }
}
