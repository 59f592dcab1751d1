import type { z } from 'zod';
import { RoomKitValidationError } from '../errors.js';

/**
 * Parse at a boundary; a failure names the offending field (`RoomKitValidationError.field`).
 * `field` prefixes every path: the argument's name for a bare value (`roomId`), or where the value
 * sits in the call (`content`).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string, field?: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RoomKitValidationError(what, parsed.error.issues, field ? [field] : []);
  return parsed.data;
}
