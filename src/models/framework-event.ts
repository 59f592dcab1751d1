import { z } from 'zod';
import { IsoTime, JsonRecord } from './json.js';

/** Observability event (`kit.on(type)`); never stored in the timeline. */
export const FrameworkEvent = z.object({
  type: z.string(),
  roomId: z.string().optional(),
  channelId: z.string().optional(),
  eventId: z.string().optional(),
  timestamp: IsoTime,
  data: JsonRecord,
});
export type FrameworkEvent = z.infer<typeof FrameworkEvent>;
