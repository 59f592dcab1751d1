/**
 * `createActivities(deps)`: the room workflow's effects, with the kit's registries injected. The
 * workflow sees this object only as a type (`proxyActivities<RoomActivities>`).
 */
import type { ActivityDeps } from './deps.js';
import { aiActivities } from './ai.js';
import { deliverActivities } from './deliver.js';
import { hookActivities } from './hooks.js';
import { identityActivities } from './identity.js';
import { persistActivities } from './persist.js';
import { respondActivities } from './respond.js';
import { sourceActivities } from './sources.js';
import { kitVoiceActivities, type VoiceActivities } from './voice.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...hookActivities(deps),
    ...persistActivities(deps),
    ...deliverActivities(deps),
    ...respondActivities(deps),
    ...aiActivities(deps),
    ...sourceActivities(deps),
    ...identityActivities(deps),
    ...kitVoiceActivities(deps.voice),
  };
}

/** Voice activities are registered only by a worker with the kit's `voice` option (its manifest says so). */
export type RoomActivities = ReturnType<typeof createActivities> & VoiceActivities;
export type { ActivityDeps } from './deps.js';
export type { HookRunInput } from './hooks.js';
export type { ResolveSenderInput } from './identity.js';
export type { PersistInput } from './persist.js';
export type { DeliverInput, DeliverOutcome } from './deliver.js';
export type { RespondInput } from './respond.js';
export type { SourceActivities, SourceDeps } from './sources.js';
export type { AIGenerateInput, AIGenerateOutput, RunToolInput } from './ai.js';
export type { KitVoiceDeps, SynthesizeInput, TranscribeInput, TranscribeOutput } from './voice.js';
