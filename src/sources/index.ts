/**
 * `roomkit-temporal/sources`: event sources (README «Event sources»). Attach one with
 * `kit.attachSource(channelId, source, options)`; write your own by implementing `SourceProvider`.
 */
export type { SourceContext, SourceEmit, SourceHealth, SourceMessage, SourceProvider } from './source.js';
export { SourceStatus } from '../models/source.js';
export { SourceAlreadyAttachedError, SourceDisconnectedError, SourceNotFoundError, SourceNotRegisteredError } from './errors.js';
export { AttachSourceOptionsSchema, type AttachSourceOptions } from './options.js';
export { WebSocketSource, type WebSocketSourceOptions } from './websocket-source.js';
export { SSESource, redactUrl, type SSESourceOptions } from './sse-source.js';
export { SSEParser, type SSEEvent } from './sse-parser.js';
export { SourceClient } from '../client/source-client.js';
export { sourceWorkflowId } from '../../workflows/source/definitions.js';
