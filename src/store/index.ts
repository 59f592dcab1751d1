export type { ConversationStore, ListEventsOptions } from './conversation-store.js';
export { InMemoryStore } from './in-memory.js';
