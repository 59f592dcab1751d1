/** The observability bus behind `kit.on(type)`. Handlers run in the worker, sequentially, awaited. */
import type { FrameworkEvent } from '../models/index.js';

export type FrameworkEventHandler = (event: FrameworkEvent) => void | Promise<void>;

export class FrameworkEventBus {
  private readonly handlers = new Map<string, FrameworkEventHandler[]>();

  constructor(private readonly onHandlerError: (err: unknown, event: FrameworkEvent) => void = defaultReport) {}

  on(type: string, handler: FrameworkEventHandler): () => void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler);
    this.handlers.set(type, list);
    return () => {
      const l = this.handlers.get(type);
      if (l) this.handlers.set(type, l.filter((h) => h !== handler));
    };
  }

  /** Event types that have at least one handler (the room emits only those). */
  listened(): string[] {
    return [...this.handlers.entries()].filter(([, l]) => l.length > 0).map(([t]) => t);
  }

  async emit(event: FrameworkEvent): Promise<void> {
    for (const handler of this.handlers.get(event.type) ?? []) {
      try {
        await handler(event);
      } catch (err) {
        this.onHandlerError(err, event);
      }
    }
  }
}

function defaultReport(err: unknown, event: FrameworkEvent): void {
  console.error(`[roomkit] framework event handler for ${event.type} failed:`, err);
}
