import { MockSTTProvider, type MockSTTProviderOptions } from '../stt/mock.js';

/** A stand-in for machines without the binary; answers like pocketsphinx (lower-case words). */
export class MockPocketsphinxSTTProvider extends MockSTTProvider {
  constructor(options: MockSTTProviderOptions = {}) {
    super({ transcript: { text: '', words: [] }, ...options });
  }
}
