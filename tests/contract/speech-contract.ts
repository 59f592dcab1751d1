/**
 * What the STT and TTS contracts share: cancellation and the vendor failures every speech vendor
 * maps the same way (`VoiceVendorError`). Each contract describes its provider's call once, as
 * `SpeechCalls`, and registers these cases with it.
 */
import type { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EngineAbortedError } from '../../src/providers/engine.js';
import { VoiceVendorError } from '../../src/voice/errors.js';
import type { VoiceFake, VoiceFakeReply } from '../support/voice-fakes/shared.js';

export interface SpeechCalls {
  providerName: string;
  /** How an abort surfaces: the signal's own reason (SDK providers, mock) or the engine's error. */
  abortRejects: 'reason' | 'engine';
  /** The provider's call on the contract's usual input. */
  call(options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<unknown>;
  /** The call made slow enough to abort mid-way (`slowNext`); `started` once it is in flight. */
  slowCall(signal: AbortSignal): { started: Promise<void>; pending: Promise<unknown> };
  wire?: {
    requestCount(): number;
    script(...replies: VoiceFakeReply[]): void;
    /** The same call on the same provider class with another key, origin or timeout. */
    callWith(overrides: { apiKey?: string; origin?: string; timeoutMs?: number }): Promise<unknown>;
  };
}

export async function vendorFailure(promise: Promise<unknown>): Promise<VoiceVendorError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error, 'the call should have failed with a VoiceVendorError').toBeInstanceOf(VoiceVendorError);
  return error as VoiceVendorError;
}

export const inActivity = <R>(env: MockActivityEnvironment, fn: () => Promise<R>): Promise<R> => env.run(fn) as Promise<R>;

/** `it` for vendor providers only (known before the fixture exists), a no-op for the others. */
export const wireOnly = (wire: boolean): { wireIt: typeof it; wireDescribe: typeof describe } => ({
  wireIt: wire ? it : ((() => undefined) as unknown as typeof it),
  wireDescribe: wire ? describe : ((() => undefined) as unknown as typeof describe),
});

export function speechCancellationCases(calls: () => SpeechCalls): void {
  describe('cancellation', () => {
    const expectAborted = (error: unknown, reason: Error): void => {
      if (calls().abortRejects === 'reason') expect(error).toBe(reason);
      else expect(error).toBeInstanceOf(EngineAbortedError);
    };

    it('rejects at once when the signal is already aborted', async () => {
      const c = calls();
      const controller = new AbortController();
      const reason = new Error('activity cancelled');
      controller.abort(reason);
      expectAborted(await c.call({ signal: controller.signal }).catch((e: unknown) => e), reason);
      if (c.wire) expect(c.wire.requestCount()).toBe(0);
    });

    it('rejects within moments when the signal fires mid-call', async () => {
      const controller = new AbortController();
      const reason = new Error('activity cancelled');
      const { started, pending } = calls().slowCall(controller.signal);
      const settled = pending.catch((e: unknown) => e);
      await started;
      const at = Date.now();
      controller.abort(reason);
      const error = await settled;
      expect(Date.now() - at).toBeLessThan(2_000);
      expectAborted(error, reason);
    });
  });
}

/** Registered inside the contract's `wireDescribe('vendor failures')`; a malformed 200 is each contract's own. */
export function speechVendorFailureCases(calls: () => SpeechCalls, wireIt: typeof it): void {
  const wire = () => calls().wire!;

  wireIt('a wrong key is a permanent 401, and the key is not in the message', async () => {
    const secret = 'wrong-but-secret-key-424242';
    const error = await vendorFailure(wire().callWith({ apiKey: secret }));
    expect(error).toMatchObject({ name: 'VoiceVendorError', vendor: calls().providerName, status: 401, permanent: true, kind: 'http' });
    expect(error.message).not.toContain(secret);
  });

  wireIt('a 400 is permanent and carries the vendor\'s message', async () => {
    wire().script({ kind: 'error', status: 400, message: 'scripted bad request' });
    const error = await vendorFailure(calls().call());
    expect(error).toMatchObject({ status: 400, permanent: true });
    expect(error.message).toContain('scripted bad request');
  });

  wireIt('a 429 is retryable, with Retry-After as retryAfterMs, after one request only', async () => {
    wire().script({ kind: 'error', status: 429, retryAfter: '7' });
    expect(await vendorFailure(calls().call())).toMatchObject({ status: 429, permanent: false, retryAfterMs: 7000 });
    expect(wire().requestCount()).toBe(1);
  });

  wireIt('a 500 is retryable, after one request only', async () => {
    wire().script({ kind: 'error', status: 500 });
    expect(await vendorFailure(calls().call())).toMatchObject({ status: 500, permanent: false });
    expect(wire().requestCount()).toBe(1);
  });

  wireIt('a refused connection is retryable', async () => {
    const error = await vendorFailure(wire().callWith({ origin: 'http://127.0.0.1:9' }));
    expect(error).toMatchObject({ kind: 'connection', permanent: false, status: undefined });
  });

  wireIt('its own deadline is a retryable timeout', async () => {
    wire().script({ kind: 'hang' });
    const error = await vendorFailure(calls().call({ timeoutMs: 300 }));
    expect(error).toMatchObject({ kind: 'timeout', permanent: false });
  });
}

/** One fake vendor per `describe` block of wire tests, reset between tests. */
export function useFake<F extends VoiceFake>(start: () => Promise<F>): () => F {
  let fake: F;
  beforeAll(async () => { fake = await start(); });
  afterAll(async () => { await fake?.close(); });
  beforeEach(() => fake.reset());
  return () => fake;
}
