/** Errors of event sources, one class per condition (RoomKit `SourceAlreadyAttachedError`, `SourceNotFoundError`). */
import { RoomKitError } from '../errors.js';

export class SourceAlreadyAttachedError extends RoomKitError {
  constructor(readonly channelId: string) {
    super(`a source is already attached to channel ${channelId}`);
    this.name = 'SourceAlreadyAttachedError';
  }
}

export class SourceNotFoundError extends RoomKitError {
  constructor(readonly channelId: string) {
    super(`no source is attached to channel ${channelId}`);
    this.name = 'SourceNotFoundError';
  }
}

/** The source's connection ended without `stop()`: the run fails and Temporal restarts it. */
export class SourceDisconnectedError extends RoomKitError {
  constructor(readonly sourceName: string, detail: string) {
    super(`${sourceName}: ${detail}`);
    this.name = 'SourceDisconnectedError';
  }
}

/** This worker has no source registered for the channel (another worker may: the run is retried). */
export class SourceNotRegisteredError extends RoomKitError {
  constructor(readonly channelId: string) {
    super(`no source is registered for channel ${channelId} on this worker`);
    this.name = 'SourceNotRegisteredError';
  }
}
