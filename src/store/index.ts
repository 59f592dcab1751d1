export type { ConversationStore, ListEventsOptions, ProviderMessageRef } from './conversation-store.js';
export { InMemoryStore } from './in-memory.js';
export { SQLiteStore, SQLITE_SCHEMA_VERSION, type SQLiteStoreOptions } from './sqlite.js';
export { PostgresStore, type PostgresStoreOptions } from './postgres.js';
export { POSTGRES_SCHEMA_VERSION } from './postgres-migrations.js';
export {
  parseStoreSpec, storeFromSpec, StoreSpecSchema, type StoreFromSpecOptions, type StoreSpec,
} from './from-url.js';
