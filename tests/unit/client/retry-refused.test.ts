/**
 * What the room client sends again with the same update id: refusals the server recorded nothing
 * for. Errors are shaped as the server sends them (a gRPC error whose message says why).
 */
import { describe, expect, it } from 'vitest';
import { retryRefused } from '../../../src/client/room-client.js';

function grpcError(message: string, code: number): Error {
  return Object.assign(new Error(`${code} ${message}`), { code, details: message });
}

async function attempts(error: Error, failures: number): Promise<{ calls: number; result: unknown }> {
  let calls = 0;
  const result = await retryRefused(async () => {
    calls += 1;
    if (calls <= failures) throw error;
    return 'ok';
  }).catch((err: unknown) => err);
  return { calls, result };
}

describe('retryRefused', () => {
  it('sends again when the task carrying the update failed, before or after the update was admitted', async () => {
    for (const message of [
      'Unable to perform workflow execution update due to Workflow Task in failed state.',
      'Unable to perform workflow execution update due to unexpected workflow task failure.',
    ]) {
      expect(await attempts(grpcError(message, 9), 2)).toEqual({ calls: 3, result: 'ok' });
    }
  });

  it('does not repeat other failures', async () => {
    const err = grpcError('workflow execution already completed', 5);
    expect(await attempts(err, 1)).toEqual({ calls: 1, result: err });
  });
});
