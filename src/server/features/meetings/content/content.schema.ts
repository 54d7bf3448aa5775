import { z } from '@hono/zod-openapi'
import { LocalizedSchema } from '../../directory/directory.schema.ts'

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
const localDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, { error: 'datetime_invalid' })

export const DOCUMENT_KINDS = ['agenda', 'minutes', 'presentation', 'report', 'other'] as const

export const SessionInputSchema = z
  .object({
    titles: LocalizedSchema.refine((n) => Object.keys(n).length > 0, { error: 'name_required' }),
    startsAt: z.preprocess(blank, localDateTime.optional()).transform((v) => v ?? null),
    endsAt: z.preprocess(blank, localDateTime.optional()).transform((v) => v ?? null),
    outline: z.string().max(5000, { error: 'too_long' }).default(''),
  })
  .refine((s) => !s.startsAt || !s.endsAt || s.endsAt > s.startsAt, {
    path: ['endsAt'],
    error: 'end_before_start',
  })
  .openapi('SessionInput', {
    description: 'Times are wall-clock in the meeting’s time zone; the outline has one agenda item per line.',
  })
export type SessionInput = z.infer<typeof SessionInputSchema>

export const SessionSchema = z
  .object({
    id: z.uuid(),
    position: z.number().int(),
    title: z.string(),
    titles: z.record(z.string(), z.string()),
    startsAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    outline: z.array(z.string()),
  })
  .openapi('Session')
export type Session = z.infer<typeof SessionSchema>

export const DocumentMetaSchema = z.object({
  kind: z.enum(DOCUMENT_KINDS, { error: 'choice_invalid' }),
  title: z.string().trim().min(1, { error: 'required' }).max(300, { error: 'too_long' }),
  published: z.preprocess((v) => v === true || v === 'true' || v === 'on', z.boolean()).default(false),
})

export const DocumentUploadSchema = DocumentMetaSchema.extend({
  file: z
    .custom<File>((v) => v instanceof File && v.size > 0, { error: 'required' })
    .openapi({
      type: 'string',
      format: 'binary',
      description: 'PDF, DOCX, XLSX, PPTX, PNG, JPEG, TXT or CSV; at most 10 MB',
    }),
}).openapi('DocumentUpload')

export const DocumentSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(DOCUMENT_KINDS),
    title: z.string(),
    fileName: z.string(),
    contentType: z.string(),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    published: z.boolean(),
    uploadedAt: z.string(),
  })
  .openapi('MeetingDocument')
export type MeetingDocument = z.infer<typeof DocumentSchema>

export const MinutesInputSchema = z
  .object({
    body: z.string().max(200_000, { error: 'too_long' }),
    baseRevision: z.coerce
      .number()
      .int()
      .min(0)
      .openapi({ description: 'The revision the editor started from (0 for none); a newer one gives 409' }),
  })
  .openapi('MinutesInput')

export const MinutesSchema = z
  .object({
    revision: z.number().int(),
    state: z.enum(['draft', 'final']),
    body: z.string(),
    createdAt: z.string(),
    history: z.array(
      z.object({ revision: z.number().int(), state: z.enum(['draft', 'final']), createdAt: z.string() }),
    ),
  })
  .openapi('Minutes')
export type Minutes = z.infer<typeof MinutesSchema>
