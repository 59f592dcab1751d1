/**
 * Node-side hook registry: functions by name, with the registration data (`HookSpec`) the room
 * workflow uses to decide which hooks to run. Hook functions only ever run inside activities.
 */
import {
  HookSpec, type HookOptions, type HookTrigger, type RoomEvent,
} from '../models/index.js';
import { RoomKitError } from '../errors.js';
import type { RoomContext } from '../channels/room-context.js';

/** A hook function: return a HookResult (sync triggers) or anything (async triggers: ignored). */
export type HookFn = (event: RoomEvent, ctx: RoomContext) => unknown;

export interface RegisteredHook {
  spec: HookSpec;
  fn: HookFn;
}

export class HookAlreadyRegisteredError extends RoomKitError {
  constructor(readonly hookName: string) {
    super(`a hook named ${hookName} is already registered; hook names must be unique`);
    this.name = 'HookAlreadyRegisteredError';
  }
}

export class HookRegistry {
  private readonly hooks: RegisteredHook[] = [];

  add(trigger: HookTrigger, options: HookOptions, fn: HookFn): HookSpec {
    if (typeof fn !== 'function') throw new TypeError('hook handler must be a function');
    const explicit = options.name;
    let name = explicit || fn.name || `${trigger}_hook`;
    if (this.get(name)) {
      if (explicit) throw new HookAlreadyRegisteredError(name);
      let n = 2;
      while (this.get(`${name}#${n}`)) n++;
      name = `${name}#${n}`;
    }
    const spec = HookSpec.parse({
      name,
      trigger,
      execution: options.execution ?? 'sync',
      priority: options.priority ?? 0,
      timeoutMs: Math.round((options.timeout ?? 30) * 1000),
      channelTypes: options.channelTypes,
      channelIds: options.channelIds,
      directions: options.directions,
    });
    this.hooks.push({ spec, fn });
    return spec;
  }

  remove(name: string): boolean {
    const i = this.hooks.findIndex((h) => h.spec.name === name);
    if (i < 0) return false;
    this.hooks.splice(i, 1);
    return true;
  }

  get(name: string): RegisteredHook | undefined {
    return this.hooks.find((h) => h.spec.name === name);
  }

  specs(): HookSpec[] {
    return this.hooks.map((h) => h.spec);
  }
}
