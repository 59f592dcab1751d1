/**
 * JSON checks and sizes without zod: workflow code imports these (the room's update validator, the
 * recent-events budget), and a workflow must not evaluate zod (every cached room would build its own
 * copy; bench/README.md «Heap per cached room»). `json.ts` re-exports them beside its schemas.
 */

/** Deepest nesting accepted in a JSON value (metadata, raw payloads): deeper input is refused with a 400. */
export const MAX_JSON_DEPTH = 64;

/**
 * What is wrong with `value` as JSON, or undefined. Walked with an explicit stack, so a hostile
 * payload nested thousands of levels deep is refused, never a stack overflow (a 500 that a vendor
 * would retry forever).
 */
export function jsonProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || v === undefined || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return 'must be a JSON value (string, finite number, boolean, null, array or object)';
      continue;
    }
    if (typeof v !== 'object') return 'must be a JSON value (string, finite number, boolean, null, array or object)';
    if (depth >= maxDepth) return `is nested deeper than ${maxDepth} levels`;
    if (Array.isArray(v)) {
      for (const item of v) stack.push([item, depth + 1]);
      continue;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return 'must be a JSON value (string, finite number, boolean, null, array or object)';
    for (const item of Object.values(v as Record<string, unknown>)) stack.push([item, depth + 1]);
  }
  return undefined;
}

/**
 * Size limits. Temporal refuses payloads over 2 MB and a room carries its recent events across
 * continue-as-new, so large content must live elsewhere (pass an https URL).
 */
export const LIMITS = {
  /** Characters of a text/rich/system body. */
  bodyChars: 100_000,
  /** Characters of a media URL (a `data:` URL counts its content). */
  urlChars: 65_536,
  /** Bytes of a whole inbound message as JSON. */
  messageBytes: 256 * 1024,
} as const;

/**
 * JSON size in bytes (UTF-8) of a value; used for size limits. Counted by hand: it also runs inside
 * the workflow sandbox, which has no TextEncoder guarantee.
 */
export function jsonBytes(value: unknown): number {
  let text: string;
  try {
    text = JSON.stringify(value) ?? '';
  } catch (err) {
    // Nested too deep to serialise: larger than any limit (the depth check names the real problem).
    if (err instanceof RangeError) return Number.POSITIVE_INFINITY;
    throw err;
  }
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) { bytes += 4; i++; } // surrogate pair
    else bytes += 3;
  }
  return bytes;
}
