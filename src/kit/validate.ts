import type { z } from 'zod';
import { RoomKitValidationError } from '../errors.js';

/** Parse at a boundary; a failure names the offending field (`RoomKitValidationError.field`). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RoomKitValidationError(what, parsed.error.issues);
  return parsed.data;
}
