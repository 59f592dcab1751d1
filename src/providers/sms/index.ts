export type { SMSProvider, SMSSendOptions } from './base.js';
export { MockSMSProvider } from './mock.js';
export type { MockSMSCall, MockSMSFailure, MockSMSProviderOptions } from './mock.js';
export { isGsm7, smsSegments } from './segments.js';
export type { SmsEncoding, SmsSegmentInfo } from './segments.js';
