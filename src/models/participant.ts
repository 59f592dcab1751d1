import { z } from 'zod';
import { IdentificationStatusSchema, ParticipantRoleSchema, ParticipantStatusSchema } from './enums.js';
import { IsoTime, JsonRecord } from './json.js';

export const Participant = z.object({
  id: z.string().min(1),
  roomId: z.string().min(1),
  /** Primary channel. */
  channelId: z.string().min(1),
  displayName: z.string().optional(),
  role: ParticipantRoleSchema,
  status: ParticipantStatusSchema,
  identification: IdentificationStatusSchema,
  identityId: z.string().optional(),
  candidates: z.array(z.string()).optional(),
  connectedVia: z.array(z.string()),
  externalId: z.string().optional(),
  resolvedAt: IsoTime.optional(),
  resolvedBy: z.string().optional(),
  joinedAt: IsoTime,
  metadata: JsonRecord,
});
export type Participant = z.infer<typeof Participant>;
