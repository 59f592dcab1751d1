import { MockSTTProvider, type MockSTTProviderOptions } from '../stt/mock.js';

/** A stand-in for machines without network access; scripted like any {@link MockSTTProvider}. */
export class MockDeepgramSTTProvider extends MockSTTProvider {
  constructor(options: MockSTTProviderOptions = {}) {
    super(options);
  }
}
