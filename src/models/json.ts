import { z } from 'zod';
import { jsonProblem } from './json-checks.js';

export { jsonBytes, jsonProblem, LIMITS, MAX_JSON_DEPTH } from './json-checks.js';

/**
 * A JSON value. Room state and every payload cross Temporal as JSON, so anything else (BigInt,
 * functions, Dates, NaN) is refused at the boundary instead of failing deep inside the SDK.
 * `undefined` is tolerated (JSON drops it).
 */
export const JsonValue: z.ZodType<unknown> = z.unknown().superRefine((value, ctx) => {
  const problem = jsonProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** JSON object with string keys; the shape of every free-form `metadata`/`data` field. */
export const JsonRecord = z.record(z.string(), JsonValue);
export type JsonRecord = Record<string, unknown>;

/** ISO-8601 timestamp string; models never carry `Date` objects (workflow state must be JSON). */
export const IsoTime = z.string().min(1);
