import { describe, expect, it } from 'vitest';
import { Limiter } from '../../../src/sources/limiter.js';

describe('emit limiter (max_concurrent_emits)', () => {
  it('never runs more than max tasks at once, and runs them all', async () => {
    const limiter = new Limiter(2);
    let active = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const tasks = Array.from({ length: 5 }, (_, i) => limiter.run(async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise<void>((r) => releases.push(r));
      active--;
      return i;
    }));
    for (let done = 0; done < 5; done++) {
      while (releases.length === 0) await Promise.resolve();
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('null is unlimited', async () => {
    const limiter = new Limiter(null);
    let active = 0;
    let peak = 0;
    const gate = new Promise<void>((r) => setImmediate(r));
    await Promise.all(Array.from({ length: 20 }, () => limiter.run(async () => { active++; peak = Math.max(peak, active); await gate; active--; })));
    expect(peak).toBe(20);
  });
});
