/** Zod-free, so the room workflow can import it (see `json-checks.ts`). */
import type { KitManifest } from './commands.js';

/** What a room knows before its worker has described itself: no hooks, no listeners. */
export const EMPTY_MANIFEST: KitManifest = { hooks: [], listens: [], maxChainDepth: 5 };
