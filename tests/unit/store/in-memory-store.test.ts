/**
 * What is particular to InMemoryStore. Its behaviour as a ConversationStore (events, listing,
 * copies, rooms, bindings, lookups, tasks) is the shared contract: tests/contract/stores.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryStore } from '../../../src/store/index.js';
import { makeEvent, makeRoom } from '../../support/factories.js';

describe('InMemoryStore', () => {
  it('says its data is process-local', () => {
    expect(new InMemoryStore().isProcessLocal).toBe(true);
  });

  it('keeps its data after close (there is nothing to release) and shares it with no other instance', async () => {
    const store = new InMemoryStore();
    await store.putRoom(makeRoom());
    await store.putEvents([makeEvent()]);
    await store.close();
    expect(await store.getRoom('room-1')).toEqual(makeRoom());
    expect(await store.getEventCount('room-1')).toBe(1);
    expect(await new InMemoryStore().getRoom('room-1')).toBeUndefined();
  });
});
