export { Channel } from './channel.js';
export type { DeliverOutput } from './channel.js';
export { channelsByType, getBinding, otherChannels } from './room-context.js';
export type { RoomContext } from './room-context.js';
export { TransportChannel } from './transport.js';
export type {
  TransportChannelOptions, TransportMarkReadOptions, TransportProvider, TransportSendOptions, TransportTypingOptions,
} from './transport.js';
export { SMSChannel, SMS_CAPABILITIES } from './sms.js';
export type { SMSChannelOptions } from './sms.js';
export { EVICT_AFTER_FAILURES, WebSocketChannel } from './websocket.js';
export type {
  BroadcastOutcome, WebSocketChannelOptions, WebSocketEventFrame, WebSocketFrame, WebSocketSend,
  WebSocketStreamChunkFrame, WebSocketStreamEndFrame, WebSocketStreamErrorFrame, WebSocketStreamFrame,
  WebSocketStreamStartFrame,
} from './websocket.js';
export { attachWebSocket } from './websocket-connection.js';
export type { AttachWebSocketOptions, WebSocketAttachment } from './websocket-connection.js';
export * from './ai.js';
export { RCSChannel, RCS_CAPABILITIES } from './rcs.js';
export type { RCSChannelOptions } from './rcs.js';
export { EmailChannel, EMAIL_CAPABILITIES } from './email.js';
export type { EmailChannelOptions } from './email.js';
export { TeamsChannel, TEAMS_CAPABILITIES } from './teams.js';
export type { TeamsChannelOptions } from './teams.js';
export { HTTPChannel, HTTP_CAPABILITIES } from './http.js';
export type { HTTPChannelOptions } from './http.js';
export { WhatsAppChannel, WHATSAPP_CAPABILITIES } from './whatsapp.js';
export type { WhatsAppChannelOptions } from './whatsapp.js';
export { MessengerChannel, MESSENGER_CAPABILITIES } from './messenger.js';
export type { MessengerChannelOptions } from './messenger.js';
