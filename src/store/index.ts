export type { ConversationStore, ListEventsOptions } from './conversation-store.js';
export { InMemoryStore } from './in-memory.js';
export { SQLiteStore, SQLITE_SCHEMA_VERSION, type SQLiteStoreOptions } from './sqlite.js';
