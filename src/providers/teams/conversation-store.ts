/**
 * Where a proactive send finds a conversation's `serviceUrl`. Teams gives it only on inbound
 * activities, and it differs per region and may change, so every verified inbound activity
 * refreshes it here.
 *
 * The default store is in memory, per process. In a split deployment the HTTP process receives the
 * webhook but a Temporal worker sends, so give both the same shared store (Redis, your database), or
 * put `serviceUrl` in the binding's metadata, or configure `defaultServiceUrl`.
 */

/** What a proactive send needs to reach a conversation again. */
export interface ConversationReference {
  conversationId: string;
  serviceUrl: string;
  /** `personal`, `groupChat` or `channel`. */
  conversationType?: string;
  tenantId?: string;
  /** The bot's own account id in this conversation (`28:<appId>`). */
  botId?: string;
  /** ISO-8601 time of the activity that last refreshed the reference. */
  updatedAt?: string;
}

export interface ConversationReferenceStore {
  get(conversationId: string): Promise<ConversationReference | undefined>;
  set(reference: ConversationReference): Promise<void>;
}

/**
 * A per-process store; fine for one process and for tests.
 *
 * @example
 * const conversations = new InMemoryConversationReferenceStore();
 * const teams = createTeamsProvider({ appId, appPassword }, { conversations });
 */
export class InMemoryConversationReferenceStore implements ConversationReferenceStore {
  private readonly references = new Map<string, ConversationReference>();

  async get(conversationId: string): Promise<ConversationReference | undefined> {
    const found = this.references.get(conversationId);
    return found && { ...found };
  }

  async set(reference: ConversationReference): Promise<void> {
    this.references.set(reference.conversationId, { ...reference });
  }

  get size(): number {
    return this.references.size;
  }
}
