export { GRAPH_API_VERSION, GRAPH_BASE_URL, graphConfigFields, graphUrl } from './config.js';
export { graphErrorOf, graphFailure, type GraphError, type GraphErrorRules } from './graph-error.js';
export { handshakeReply, isHandshake, verifyHandshake } from './handshake.js';
export { HUB_SIGNATURE_HEADER, hubSignature, verifyHubSignature } from './signature.js';
export {
  createMetaWebhookHandler, META_ACK, parseMetaWebhook, verifyMetaWebhook, type MetaVerifyOptions, type MetaWebhookOptions,
} from './webhook.js';
export { isWindowClosed, lastInboundMs, SERVICE_WINDOW_MS } from './window.js';
