import { describe, expect, it } from 'vitest';
import { deepgramUpload, fromDeepgramResponse } from '../../../src/providers/deepgram/index.js';
import { elevenLabsAudioFormat } from '../../../src/providers/elevenlabs/index.js';
import { fromOpenAITranscription } from '../../../src/providers/openai/index.js';
import { primaryLanguage, speedFactor, toVoiceVendorError, vendorErrorText } from '../../../src/providers/voice-vendor.js';
import { VoiceVendorError } from '../../../src/voice/errors.js';

const opts = { vendor: 'deepgram', secrets: ['dg-secret-key-1234'] };

describe('voice vendor failures', () => {
  it('makes a 4xx permanent, except 408, 425 and 429', () => {
    for (const status of [400, 401, 403, 404, 413, 422]) {
      expect(toVoiceVendorError(new Error('x'), { kind: 'http', status }, opts)).toMatchObject({ permanent: true, status, kind: 'http' });
    }
    for (const status of [408, 425, 429, 500, 502, 503, 504]) {
      expect(toVoiceVendorError(new Error('x'), { kind: 'http', status }, opts)).toMatchObject({ permanent: false, status });
    }
  });

  it('reads Retry-After only on a retryable answer', () => {
    const headers = new Headers({ 'retry-after': '7' });
    expect(toVoiceVendorError(null, { kind: 'http', status: 429, headers }, opts).retryAfterMs).toBe(7000);
    expect(toVoiceVendorError(null, { kind: 'http', status: 400, headers }, opts).retryAfterMs).toBeUndefined();
  });

  it('never repeats the key, even when the vendor echoes it', () => {
    const error = toVoiceVendorError(null, { kind: 'http', status: 401, vendorMessage: 'Bad key dg-secret-key-1234' }, opts);
    expect(error).toBeInstanceOf(VoiceVendorError);
    expect(error.message).toBe('deepgram: HTTP 401 Bad key [redacted]');
  });

  it('reads each vendor\'s error envelope', () => {
    expect(vendorErrorText({ err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.', request_id: 'r' }))
      .toEqual({ vendorCode: 'INVALID_AUTH', vendorMessage: 'Invalid credentials.' });
    expect(vendorErrorText({ category: 'INVALID_JSON', message: 'Invalid JSON submitted.', details: 'x', request_id: 'r' }))
      .toEqual({ vendorCode: 'INVALID_JSON', vendorMessage: 'Invalid JSON submitted.' });
    expect(vendorErrorText({ error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } }))
      .toEqual({ vendorCode: 'rate_limit_exceeded', vendorMessage: 'Rate limit reached' });
    expect(vendorErrorText({ detail: { status: 'invalid_api_key', message: 'Invalid API key' } }))
      .toEqual({ vendorCode: 'invalid_api_key', vendorMessage: 'Invalid API key' });
    expect(vendorErrorText({ detail: [{ type: 'missing', loc: ['body', 'text'], msg: 'Field required' }] }))
      .toEqual({ vendorCode: 'validation_error', vendorMessage: 'body.text: Field required' });
  });
});

describe('Deepgram wire', () => {
  // Shape of a real /v1/listen answer (API reference), trimmed to one channel.
  const body = {
    metadata: { request_id: 'a', sha256: 'b', created: '2026-12-07T00:00:00Z', duration: 1.82, channels: 1, models: ['m'], model_info: {} },
    results: {
      channels: [{
        alternatives: [{
          transcript: 'Where is my order?',
          confidence: 0.9921875,
          words: [
            { word: 'where', start: 0.08, end: 0.32, confidence: 0.99, punctuated_word: 'Where' },
            { word: 'order', start: 0.9, end: 1.36, confidence: 0.97, punctuated_word: 'order?' },
          ],
        }],
      }],
    },
  };

  it('maps the first alternative, seconds to milliseconds', () => {
    expect(fromDeepgramResponse(body)).toEqual({
      text: 'Where is my order?',
      confidence: 0.9921875,
      words: [{ word: 'Where', startMs: 80, endMs: 320, confidence: 0.99 }, { word: 'order?', startMs: 900, endMs: 1360, confidence: 0.97 }],
    });
  });

  it('reads an empty transcript as { text: "" } and a callback acknowledgement as malformed', () => {
    const empty = structuredClone(body);
    empty.results.channels[0].alternatives[0] = { transcript: '', confidence: 0, words: [] };
    expect(fromDeepgramResponse(empty)).toEqual({ text: '' });
    expect(() => fromDeepgramResponse({ request_id: 'r' })).toThrow(/malformed response/);
  });

  it('declares raw audio by encoding and rate, containers by nothing', () => {
    expect(deepgramUpload({ encoding: 'wav', sampleRate: 22050 })).toEqual({ contentType: 'audio/wav', extraQuery: {} });
    expect(deepgramUpload({ encoding: 'mulaw', sampleRate: 8000 })).toMatchObject({ encoding: 'mulaw', extraQuery: { sample_rate: '8000', channels: '1' } });
    expect(deepgramUpload({ encoding: 'pcm16', sampleRate: 16000 })).toMatchObject({ encoding: 'linear16', extraQuery: { sample_rate: '16000' } });
  });
});

describe('ElevenLabs and OpenAI wires', () => {
  it('names the format of each raw ElevenLabs output', () => {
    expect(elevenLabsAudioFormat('pcm_16000')).toEqual({ encoding: 'pcm16', sampleRate: 16000 });
    expect(elevenLabsAudioFormat('ulaw_8000')).toEqual({ encoding: 'mulaw', sampleRate: 8000 });
  });

  it('maps OpenAI json and verbose_json transcriptions', () => {
    expect(fromOpenAITranscription({ text: ' ', usage: { type: 'duration', seconds: 1 } })).toEqual({ text: '' });
    expect(fromOpenAITranscription({ text: 'Hi there.', words: [{ word: 'Hi', start: 0, end: 0.24 }] }))
      .toEqual({ text: 'Hi there.', words: [{ word: 'Hi', startMs: 0, endMs: 240 }] });
    expect(() => fromOpenAITranscription({ transcript: 'x' })).toThrow(/malformed response/);
  });

  it('turns words per minute into a clamped speed factor, and BCP 47 into ISO 639-1', () => {
    expect(speedFactor(160, { min: 0.25, max: 4 })).toBe(1);
    expect(speedFactor(80, { min: 0.7, max: 1.2 })).toBe(0.7);
    expect(speedFactor(600, { min: 0.25, max: 4 })).toBe(3.75);
    expect(primaryLanguage('en-US')).toBe('en');
  });
});
