/**
 * RoomKit's `InMemoryRealtime` for one process: each subscription has its own bounded queue drained
 * in order, so `publish` never waits for a slow subscriber; a full queue drops its oldest message
 * (a late typing indicator is worth less than the next one); a callback that throws is logged and
 * its subscription goes on, and never stops the others.
 */
import { randomUUID } from 'node:crypto';
import type { RealtimeBackend, RealtimeCallback, RealtimeMessage } from './backend.js';

export interface InMemoryRealtimeOptions {
  /** Messages a subscription may have waiting; more drop the oldest. Default 100. */
  maxQueueSize?: number;
  /** Where callback failures go. Default: stderr. */
  log?: (message: string) => void;
}

interface Subscription {
  readonly id: string;
  readonly topic: string;
  readonly callback: RealtimeCallback;
  readonly queue: RealtimeMessage[];
  draining: boolean;
  dropped: number;
}

export class InMemoryRealtime implements RealtimeBackend {
  readonly maxQueueSize: number;
  private readonly log: (message: string) => void;
  private readonly byId = new Map<string, Subscription>();
  private readonly byTopic = new Map<string, Set<Subscription>>();
  private closed = false;

  constructor(options: InMemoryRealtimeOptions = {}) {
    const { maxQueueSize = 100 } = options;
    if (!Number.isInteger(maxQueueSize) || maxQueueSize < 1) throw new RangeError(`maxQueueSize must be a positive integer, got ${maxQueueSize}`);
    this.maxQueueSize = maxQueueSize;
    this.log = options.log ?? ((m) => process.stderr.write(`${m}\n`));
  }

  get subscriptionCount(): number {
    return this.byId.size;
  }

  /** Messages dropped so far because a subscriber's queue was full. */
  get droppedCount(): number {
    let n = 0;
    for (const s of this.byId.values()) n += s.dropped;
    return n;
  }

  async publish(topic: string, message: RealtimeMessage): Promise<void> {
    if (this.closed) return; // RoomKit: publishes after close are ignored
    for (const sub of this.byTopic.get(topic) ?? []) {
      if (sub.queue.length >= this.maxQueueSize) {
        sub.queue.shift();
        sub.dropped++;
      }
      sub.queue.push(message);
      if (!sub.draining) void this.drain(sub);
    }
  }

  async subscribe(topic: string, callback: RealtimeCallback): Promise<string> {
    if (this.closed) throw new Error('InMemoryRealtime is closed');
    const sub: Subscription = { id: randomUUID(), topic, callback, queue: [], draining: false, dropped: 0 };
    this.byId.set(sub.id, sub);
    let set = this.byTopic.get(topic);
    if (!set) this.byTopic.set(topic, (set = new Set()));
    set.add(sub);
    return sub.id;
  }

  async unsubscribe(subscriptionId: string): Promise<boolean> {
    const sub = this.byId.get(subscriptionId);
    if (!sub) return false;
    this.byId.delete(subscriptionId);
    const set = this.byTopic.get(sub.topic);
    set?.delete(sub);
    if (set?.size === 0) this.byTopic.delete(sub.topic);
    sub.queue.length = 0;
    return true;
  }

  async hasSubscribers(topic: string): Promise<boolean> {
    return (this.byTopic.get(topic)?.size ?? 0) > 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const sub of this.byId.values()) sub.queue.length = 0;
    this.byId.clear();
    this.byTopic.clear();
  }

  private async drain(sub: Subscription): Promise<void> {
    sub.draining = true;
    try {
      for (let message = sub.queue.shift(); message; message = sub.queue.shift()) {
        try {
          await sub.callback(message);
        } catch (err) {
          this.log(`realtime subscriber of ${sub.topic} failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    } finally {
      sub.draining = false;
    }
  }
}
