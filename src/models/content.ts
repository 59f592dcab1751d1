/**
 * Event content, discriminated by `type`. Field names follow RoomKit (`body`, not `text`).
 * Optional fields are optional (not defaulted) so what a caller writes is what is stored.
 */
import { z } from 'zod';
import { JsonRecord, JsonValue, LIMITS } from './json.js';

const body = z.string().max(LIMITS.bodyChars, `must be at most ${LIMITS.bodyChars} characters; store large content elsewhere and send a link`);
const mediaUrl = z
  .string()
  .max(LIMITS.urlChars, `must be at most ${LIMITS.urlChars} characters; upload large media and pass an https URL`)
  .refine((u) => /^(https?:\/\/|data:)/.test(u), { message: 'url must start with http://, https:// or data:' });

export const TextContent = z.object({
  type: z.literal('text'),
  body,
  language: z.string().optional(),
});
export type TextContent = z.infer<typeof TextContent>;

export const RichContent = z.object({
  type: z.literal('rich'),
  body,
  format: z.enum(['markdown', 'html']).optional(),
  plainText: z.string().optional(),
  buttons: z.array(JsonRecord).optional(),
  cards: z.array(JsonRecord).optional(),
  quickReplies: z.array(z.string()).optional(),
});
export type RichContent = z.infer<typeof RichContent>;

export const MediaContent = z.object({
  type: z.literal('media'),
  url: mediaUrl,
  mimeType: z.string(),
  filename: z.string().optional(),
  sizeBytes: z.number().int().nonnegative().optional(),
  caption: z.string().optional(),
});
export type MediaContent = z.infer<typeof MediaContent>;

export const LocationContent = z.object({
  type: z.literal('location'),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  label: z.string().optional(),
  address: z.string().optional(),
});
export type LocationContent = z.infer<typeof LocationContent>;

export const AudioContent = z.object({
  type: z.literal('audio'),
  url: mediaUrl,
  mimeType: z.string().optional(),
  durationSeconds: z.number().nonnegative().optional(),
  transcript: z.string().optional(),
});
export type AudioContent = z.infer<typeof AudioContent>;

export const VideoContent = z.object({
  type: z.literal('video'),
  url: mediaUrl,
  mimeType: z.string().optional(),
  durationSeconds: z.number().nonnegative().optional(),
  thumbnailUrl: mediaUrl.optional(),
});
export type VideoContent = z.infer<typeof VideoContent>;

export const SystemContent = z.object({
  type: z.literal('system'),
  body,
  code: z.string().optional(),
  data: JsonRecord.optional(),
});
export type SystemContent = z.infer<typeof SystemContent>;

export const TemplateContent = z.object({
  type: z.literal('template'),
  templateId: z.string().min(1),
  language: z.string().optional(),
  parameters: z.record(z.string(), z.string()).optional(),
  /** Fallback text for channels without template support. */
  body: z.string().optional(),
});
export type TemplateContent = z.infer<typeof TemplateContent>;

export const DeleteContent = z.object({
  type: z.literal('delete'),
  targetEventId: z.string().min(1),
  deleteType: z.enum(['sender', 'system', 'admin']).optional(),
  reason: z.string().optional(),
});
export type DeleteContent = z.infer<typeof DeleteContent>;

export const ToolCallContent = z.object({
  type: z.literal('tool_call'),
  toolName: z.string(),
  toolId: z.string(),
  arguments: JsonRecord.optional(),
  result: z.string().optional(),
  status: z.enum(['pending', 'completed', 'failed']).optional(),
  durationMs: z.number().nonnegative().optional(),
  error: z.string().optional(),
  structuredContent: JsonValue.optional(),
});
export type ToolCallContent = z.infer<typeof ToolCallContent>;

export interface CompositeContent {
  type: 'composite';
  parts: EventContent[];
}
export interface EditContent {
  type: 'edit';
  targetEventId: string;
  newContent: EventContent;
  editSource?: string;
}

export type EventContent =
  | TextContent | RichContent | MediaContent | LocationContent | AudioContent | VideoContent
  | CompositeContent | SystemContent | TemplateContent | EditContent | DeleteContent | ToolCallContent;

export const MAX_COMPOSITE_DEPTH = 5;

function compositeDepth(content: EventContent): number {
  if (content.type !== 'composite') return 0;
  return 1 + Math.max(0, ...content.parts.map(compositeDepth));
}

export const CompositeContent: z.ZodType<CompositeContent> = z.lazy(() =>
  z
    .object({ type: z.literal('composite'), parts: z.array(EventContent).min(1, 'composite content needs at least one part') })
    .refine((c) => compositeDepth(c) <= MAX_COMPOSITE_DEPTH, {
      message: `composite content may nest at most ${MAX_COMPOSITE_DEPTH} levels`,
    }),
);

export const EditContent: z.ZodType<EditContent> = z.lazy(() =>
  z.object({
    type: z.literal('edit'),
    targetEventId: z.string().min(1),
    newContent: EventContent,
    editSource: z.string().optional(),
  }),
);

const contentTypes = [
  'text', 'rich', 'media', 'location', 'audio', 'video', 'composite', 'system', 'template', 'edit', 'delete', 'tool_call',
] as const;

const byType: Record<(typeof contentTypes)[number], z.ZodType<EventContent>> = {
  text: TextContent, rich: RichContent, media: MediaContent, location: LocationContent, audio: AudioContent,
  video: VideoContent, composite: CompositeContent, system: SystemContent, template: TemplateContent,
  edit: EditContent, delete: DeleteContent, tool_call: ToolCallContent,
};

/**
 * Any event content. Dispatches on `type` first so an error names the field of the right variant
 * (`content.body`) instead of listing every variant that did not match.
 */
export const EventContent: z.ZodType<EventContent> = z.lazy(() =>
  z
    .object({ type: z.enum(contentTypes) })
    .loose()
    .transform((value, ctx): EventContent => {
      const parsed = byType[value.type].safeParse(value);
      if (parsed.success) return parsed.data;
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path as PropertyKey[], input: value });
      }
      return z.NEVER;
    }),
);
