import { MockTTSProvider, type MockTTSProviderOptions } from '../tts/mock.js';

/** A stand-in for machines without network access, at ElevenLabs' default `pcm_16000` rate (as WAV). */
export class MockElevenLabsTTSProvider extends MockTTSProvider {
  constructor(options: Omit<MockTTSProviderOptions, 'sampleRate'> = {}) {
    super({ ...options, sampleRate: 16000 });
  }
}
