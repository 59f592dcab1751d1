/** A bounded per-room window of idempotency keys (JSON: carried across continue-as-new). Pure. */

import type { IdempotencyWindow } from '../models/carried.js';

export type { IdempotencyWindow };

export function newWindow(limit = 5000): IdempotencyWindow {
  return { keys: {}, order: [], limit };
}

export function lookup(w: IdempotencyWindow, key: string | undefined): number | undefined {
  if (!key || !Object.hasOwn(w.keys, key)) return undefined;
  return w.keys[key];
}

export function remember(w: IdempotencyWindow, key: string | undefined, index: number): void {
  if (!key || Object.hasOwn(w.keys, key)) return;
  w.keys[key] = index;
  w.order.push(key);
  while (w.order.length > w.limit) {
    delete w.keys[w.order.shift() as string];
    w.evicted = true;
  }
}
