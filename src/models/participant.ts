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

const ParticipantId = z.string().min(1).max(200);

/** Options of `kit.addParticipant` (RoomKit `add_member`). */
export const AddParticipantOptions = z.object({
  displayName: z.string().optional(),
  role: ParticipantRoleSchema.optional(),
  identityId: z.string().min(1).optional(),
  metadata: JsonRecord.optional(),
}).strict();
export type AddParticipantOptions = z.input<typeof AddParticipantOptions>;

/** What `kit.updateParticipant` may change; fields left out keep their value, metadata is merged. */
export const ParticipantUpdate = z.object({
  displayName: z.string().optional(),
  role: ParticipantRoleSchema.optional(),
  metadata: JsonRecord.optional(),
}).strict();
export type ParticipantUpdate = z.input<typeof ParticipantUpdate>;

/** The room commands that change participants (each a kind of `RoomCommand`). */
export const ParticipantCommands = [
  z.object({ kind: z.literal('addParticipant'), participantId: ParticipantId, channelId: z.string().min(1), options: AddParticipantOptions }),
  z.object({ kind: z.literal('removeParticipant'), participantId: ParticipantId, status: z.enum(['left', 'banned']) }),
  z.object({ kind: z.literal('updateParticipant'), participantId: ParticipantId, update: ParticipantUpdate }),
  z.object({
    kind: z.literal('ensureParticipant'), participantId: ParticipantId, channelId: z.string().min(1), displayName: z.string().optional(),
  }),
  z.object({
    kind: z.literal('resolveParticipant'), participantId: ParticipantId, identityId: z.string().min(1),
    /** The identity's display name, read from the store by the kit. */
    displayName: z.string().optional(),
    resolvedBy: z.string().min(1),
  }),
] as const;
