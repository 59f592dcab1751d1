import { z } from 'zod';

/** JSON object with string keys; the shape of every free-form `metadata`/`data` field. */
export const JsonRecord = z.record(z.string(), z.unknown());
export type JsonRecord = z.infer<typeof JsonRecord>;

/** ISO-8601 timestamp string; models never carry `Date` objects (workflow state must be JSON). */
export const IsoTime = z.string().min(1);
