import { MockEmailProvider, type MockEmailProviderOptions } from '../email/mock.js';

/**
 * `MockEmailProvider` named like the Elastic Email provider; refuse as the vendor does with
 * `failWith: { code: 'elasticemail_refused', error: 'Incorrect email address', retryable: false }`.
 *
 * @example
 * const elastic = new MockElasticEmailProvider();
 * await channel.deliver(event, binding, ctx);
 * expect(elastic.calls[0].to).toBe('ana@example.com');
 */
export class MockElasticEmailProvider extends MockEmailProvider {
  override readonly name = 'elasticemail';

  constructor(options: MockEmailProviderOptions = {}) {
    super(options);
  }
}
