export type { ConversationStore, ListEventsOptions, ProviderMessageRef } from './conversation-store.js';
export { InMemoryStore } from './in-memory.js';
export { SQLiteStore, SQLITE_SCHEMA_VERSION, type SQLiteStoreOptions } from './sqlite.js';
