import { MockTTSProvider, type MockTTSProviderOptions } from '../tts/mock.js';

/** A stand-in shaped like espeak-ng's output (22,050 Hz WAV) for machines without the binary. */
export class MockEspeakTTSProvider extends MockTTSProvider {
  constructor(options: Omit<MockTTSProviderOptions, 'sampleRate'> = {}) {
    super({ ...options, sampleRate: 22050 });
  }
}
