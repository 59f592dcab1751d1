/**
 * Turning thrown errors into Temporal failures: the failure `type` is the delivery error code the
 * room reports (`exc.code`, else the error's name), and permanence decides retries.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { RetryPolicy } from '../src/models/index.js';

interface CodedError {
  name?: string;
  message?: string;
  code?: unknown;
  retryable?: unknown;
  retryAfterMs?: unknown;
}

export function toFailure(err: unknown, retryPolicy?: Pick<RetryPolicy, 'retryableErrors'>): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as CodedError;
  const name = e.name || 'Error';
  const code = typeof e.code === 'string' && e.code ? e.code : name;
  let retryable = typeof e.retryable === 'boolean' ? e.retryable : true;
  // RoomKit: with an explicit list, only listed error type names are retried.
  if (retryable && retryPolicy?.retryableErrors && !retryPolicy.retryableErrors.includes(name) && !retryPolicy.retryableErrors.includes(code)) {
    retryable = false;
  }
  const nextRetryDelay = typeof e.retryAfterMs === 'number' && e.retryAfterMs > 0 ? e.retryAfterMs : undefined;
  return ApplicationFailure.create({
    message: e.message || name,
    type: code,
    nonRetryable: !retryable,
    details: [{ errorName: name }],
    ...(nextRetryDelay !== undefined && { nextRetryDelay }),
  });
}
