/**
 * In-process mutual exclusion per key: `run(key, fn)` starts `fn` once every earlier `run` of the
 * same key has settled. A key is forgotten as soon as nothing is queued on it, so the map only
 * holds keys with work in flight.
 *
 * @example
 * const mutex = new KeyedMutex();
 * await Promise.all([mutex.run('a', first), mutex.run('a', second)]); // second starts after first
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T> | T): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The chain only ever resolves (never rejects), so one failed holder does not poison the key.
    const tail = previous.then(() => done);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with work in flight (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }
}
