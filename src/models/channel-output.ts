import { z } from 'zod';
import { EventContent } from './content.js';
import { EventTypeSchema } from './enums.js';
import { JsonRecord } from './json.js';
import { ObservationDraft, TaskDraft } from './task.js';

/** An event a channel answers with (an AI reply); the room stamps source, index and depth. */
export const ResponseDraft = z.object({
  content: EventContent,
  type: EventTypeSchema.optional(),
  metadata: JsonRecord.optional(),
  correlationId: z.string().optional(),
});
export type ResponseDraft = z.infer<typeof ResponseDraft>;

/** What an intelligence channel's reaction to an event returns to the room (JSON, activity result). */
export const ChannelOutput = z.object({
  responded: z.boolean(),
  responseEvents: z.array(ResponseDraft),
  tasks: z.array(TaskDraft).optional(),
  observations: z.array(ObservationDraft).optional(),
});
export type ChannelOutput = z.infer<typeof ChannelOutput>;
