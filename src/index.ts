/**
 * RoomKit for TypeScript on Temporal — public API. Names follow the Python library in camelCase.
 * Workflow code must import `./workflow.js` instead (deterministic exports only).
 */
export { RoomKit } from './kit/room-kit.js';
export type { RoomKitOptions, StartOptions, ProcessInboundOptions } from './kit/room-kit.js';
export { DefaultInboundRoomRouter } from './kit/router.js';
export type { InboundRoomRouter, RouteRequest } from './kit/router.js';
export type { FrameworkEventHandler } from './hooks/framework-events.js';
export type { WorkflowBundleOption } from './kit/worker.js';
export { WORKFLOWS_PATH } from './kit/worker.js';
export { TaskFailureLogger, type WorkflowTaskFailure } from './kit/task-failures.js';
export type { HookFn } from './hooks/registry.js';
export { HookAlreadyRegisteredError } from './hooks/registry.js';

export * from './models/index.js';
export * from './errors.js';
export * from './channels/index.js';
export * from './store/index.js';
export * from './providers/ai/index.js';
export * from './providers/sms/index.js';

export { RoomClient, ROOM_WORKFLOW_TYPE } from './client/room-client.js';
export { roomWorkflowId } from '../workflows/room/definitions.js';
export type { RoomSnapshot } from '../workflows/room/definitions.js';
export { createActivities } from '../activities/index.js';
export type { RoomActivities, ActivityDeps } from '../activities/index.js';
export * from './temporal/index.js';
export * from './server/index.js';
export * from './providers/telnyx/index.js';
export * from './providers/sinch/index.js';
export * from './providers/voicemeup/index.js';
export { smsSegments, isGsm7 } from './providers/sms/segments.js';
export type { SmsEncoding, SmsSegmentInfo } from './providers/sms/segments.js';
export * from './providers/email/index.js';
export * from './providers/elasticemail/index.js';
export * from './providers/teams/index.js';
export * from './providers/http-webhook/index.js';
export * from './providers/meta/index.js';
export * from './providers/whatsapp/index.js';
export * from './providers/messenger/index.js';
export {
  createTwilioProvider, createTwilioRCSProvider, createTwilioSMSProvider, EMPTY_TWIML, MockTwilioSMSProvider,
  parseTwilioConfig, parseTwilioRCSConfig, signedTwilioRequest, TWILIO_API_URL, TwilioConfigSchema, TwilioRCSConfigSchema,
  TwilioMessagesClient, TwilioRCSProvider, TwilioSMSProvider, TwilioWebhookHandler,
} from './providers/twilio/index.js';
export type {
  MockTwilioCall, MockTwilioFailure, MockTwilioProviderOptions, TwilioConfig, TwilioConfigInput, TwilioRCSConfig,
  TwilioRCSConfigInput, TwilioRCSSendOptions, TwilioSendOptions, TwilioWebhookOptions, TwilioParams,
} from './providers/twilio/index.js';
