/** Small checks every store shares. */

/** Milliseconds since the epoch, or null when the timestamp does not parse (then its text orders it). */
export function instant(iso: string): number | null {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** A paging count (`limit`, `offset`): a non-negative integer, or a RangeError naming it. */
export function checkCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}
