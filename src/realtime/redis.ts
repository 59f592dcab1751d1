/**
 * `RedisRealtime`: the realtime plane across processes, over Redis pub/sub (`ioredis`). Each process
 * keeps one Redis subscription per topic it has local subscribers for and fans messages out to them
 * through an {@link InMemoryRealtime} (bounded queues, drop oldest, one failing callback never stops
 * the others). Two connections: pub/sub mode forbids other commands on the subscriber.
 *
 * Outages: `connect` fails with a {@link RealtimeUnavailableError} naming the address when Redis
 * cannot be reached at start. At run time ioredis reconnects with backoff and subscribes again;
 * meanwhile `publish` rejects at once (no offline queue: a typing indicator from a minute ago is
 * noise), and what the room delivers is still stored, for clients to catch up from.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { RealtimeUnavailableError, type RealtimeBackend, type RealtimeCallback, type RealtimeMessage } from './backend.js';
import { InMemoryRealtime } from './in-memory.js';

export interface RedisRealtimeOptions {
  /** Prefix of every Redis channel, so deployments can share a server. Default `roomkit:`. */
  prefix?: string;
  /** Messages a local subscription may have waiting (see InMemoryRealtime). Default 100. */
  maxQueueSize?: number;
  /** Give up connecting at start after this long. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Where outages and bad messages are reported. Default: stderr. */
  log?: (message: string) => void;
  /** Extra ioredis options (TLS, username…). */
  redis?: RedisOptions;
}

/** Reconnect after 100 ms, doubling up to 5 s, for ever. */
function backoff(times: number): number {
  return Math.min(100 * 2 ** Math.min(times, 6), 5000);
}

/** `redis://user:pass@host:port/db` without the password. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured Redis URL';
  }
}

export class RedisRealtime implements RealtimeBackend {
  private readonly local: InMemoryRealtime;
  /** topic → local subscription ids. */
  private readonly topics = new Map<string, Set<string>>();
  private readonly topicOf = new Map<string, string>();
  private readonly prefix: string;
  private readonly log: (message: string) => void;
  private closed = false;

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    options: RedisRealtimeOptions,
  ) {
    this.prefix = options.prefix ?? 'roomkit:';
    this.log = options.log ?? ((m) => process.stderr.write(`${m}\n`));
    this.local = new InMemoryRealtime({ maxQueueSize: options.maxQueueSize, log: this.log });
    subscriber.on('message', (channel: string, raw: string) => this.onMessage(channel, raw));
  }

  /**
   * Connect both connections or fail with a clear error.
   * @example
   * const realtime = await RedisRealtime.connect('redis://127.0.0.1:6379');
   * const kit = new RoomKit({ realtime });
   */
  static async connect(url: string, options: RedisRealtimeOptions = {}): Promise<RedisRealtime> {
    const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
    const base: RedisOptions = {
      lazyConnect: true,
      retryStrategy: backoff,
      connectTimeout: options.connectTimeoutMs ?? 5000,
      ...options.redis,
    };
    const publisher = new Redis(url, { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    const subscriber = new Redis(url, { ...base, maxRetriesPerRequest: null });
    let started = false;
    // Until both connected once, a failure is connect's error to throw, not an outage to report.
    let reported = true;
    for (const [role, conn] of [['publisher', publisher], ['subscriber', subscriber]] as const) {
      conn.on('error', (err: Error) => {
        if (!reported) log(`realtime: Redis ${role} at ${redacted(url)}: ${err.message} (reconnecting)`);
        reported = true;
      });
      conn.on('ready', () => {
        if (reported && started) log(`realtime: Redis ${role} at ${redacted(url)} is back`);
        if (started) reported = false;
      });
    }
    try {
      await withTimeout(Promise.all([publisher.connect(), subscriber.connect()]), options.connectTimeoutMs ?? 5000);
      reported = false;
      started = true;
    } catch (err) {
      publisher.disconnect();
      subscriber.disconnect();
      throw new RealtimeUnavailableError(
        `Redis at ${redacted(url)} is unreachable (${err instanceof Error ? err.message : String(err)}); start it or fix ROOMKIT_REDIS_URL`,
      );
    }
    return new RedisRealtime(publisher, subscriber, options);
  }

  async publish(topic: string, message: RealtimeMessage): Promise<void> {
    if (this.closed) return;
    try {
      await this.publisher.publish(this.prefix + topic, JSON.stringify(message));
    } catch (err) {
      throw new RealtimeUnavailableError(`realtime publish to ${topic} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async subscribe(topic: string, callback: RealtimeCallback): Promise<string> {
    if (this.closed) throw new Error('RedisRealtime is closed');
    const id = await this.local.subscribe(topic, callback);
    let ids = this.topics.get(topic);
    const first = !ids;
    if (!ids) this.topics.set(topic, (ids = new Set()));
    ids.add(id);
    this.topicOf.set(id, topic);
    // Resolves once Redis confirmed, so a caller that reads history next misses nothing published after.
    if (first) await this.subscriber.subscribe(this.prefix + topic);
    return id;
  }

  async unsubscribe(subscriptionId: string): Promise<boolean> {
    const topic = this.topicOf.get(subscriptionId);
    if (topic === undefined) return false;
    this.topicOf.delete(subscriptionId);
    await this.local.unsubscribe(subscriptionId);
    const ids = this.topics.get(topic);
    ids?.delete(subscriptionId);
    if (ids?.size === 0) {
      this.topics.delete(topic);
      if (!this.closed) await this.subscriber.unsubscribe(this.prefix + topic).catch(() => undefined);
    }
    return true;
  }

  async hasSubscribers(topic: string): Promise<boolean> {
    if (this.topics.has(topic)) return true;
    const reply = (await this.publisher.call('PUBSUB', 'NUMSUB', this.prefix + topic)) as [string, number];
    return Number(reply[1]) > 0;
  }

  /** Local subscriptions (tests, metrics). */
  get subscriptionCount(): number {
    return this.local.subscriptionCount;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.local.close();
    this.topics.clear();
    this.topicOf.clear();
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
  }

  private onMessage(channel: string, raw: string): void {
    if (!channel.startsWith(this.prefix)) return;
    let message: RealtimeMessage;
    try {
      message = JSON.parse(raw) as RealtimeMessage;
    } catch {
      this.log(`realtime: dropped a message on ${channel} that is not JSON`);
      return;
    }
    void this.local.publish(channel.slice(this.prefix.length), message);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
