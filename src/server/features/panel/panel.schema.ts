import { z } from '@hono/zod-openapi'
import { PageQuery } from '../../http/openapi.ts'
import { LocalizedSchema } from '../directory/directory.schema.ts'
import { SectorCode } from '../structure/scope.ts'
import { LongLocalizedSchema } from '../topics/topics.schema.ts'
import { ADVICE_STATUSES, MEMBER_ROLES } from './panel.policy.ts'

/** A calendar day, YYYY-MM-DD, that exists (not 2025-02-30). */
const Day = z.iso.date({ error: 'date_invalid' })
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
const optionalDay = z.preprocess(blank, Day.optional()).transform((v) => v ?? null)
const optionalUuid = z.preprocess(blank, z.uuid({ error: 'choice_invalid' }).optional())
const Version = z.coerce.number({ error: 'required' }).pipe(z.int32().min(1))
const LongText = z.preprocess(blank, z.string().trim().max(4000, { error: 'too_long' }).optional())

// ---------------------------------------------------------------- panels

const PanelFields = {
  code: z
    .string({ error: 'required' })
    .trim()
    .min(1, { error: 'required' })
    .max(30, { error: 'too_long' })
    .openapi({ example: 'IAP-2027' }),
  names: LocalizedSchema.refine((n) => Object.keys(n).length > 0, { error: 'name_required' }),
  sector: z
    .preprocess(blank, SectorCode.optional())
    .openapi({ description: 'A Sector’s code, or `union` (the default for a Panel of the whole Union).' }),
  reportsToBodyId: optionalUuid.openapi({
    description: 'The body of the structure the Panel reports to; by default the Council.',
  }),
  termStartsOn: Day,
  termEndsOn: Day,
}
const termInOrder = [
  (p: { termStartsOn: string; termEndsOn: string }) => p.termEndsOn > p.termStartsOn,
  { path: ['termEndsOn'], error: 'panel_term_end_before_start' },
] as [(p: { termStartsOn: string; termEndsOn: string }) => boolean, { path: string[]; error: string }]

export const PanelInputSchema = z
  .object(PanelFields)
  .refine(...termInOrder)
  .openapi('PanelInput')
export type PanelInput = z.infer<typeof PanelInputSchema>

export const PanelUpdateSchema = z
  .object({ ...PanelFields, version: Version })
  .refine(...termInOrder)
  .openapi('PanelUpdate')
export type PanelUpdate = z.infer<typeof PanelUpdateSchema>

const BodyRef = z
  .object({ id: z.uuid(), code: z.string(), name: z.string(), sector: z.string().nullable() })
  .openapi('PanelBodyRef')

export const PanelSchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    names: LocalizedSchema,
    sector: z.string().nullable().openapi({ description: 'The Sector’s code; null: Union-wide' }),
    reportsTo: BodyRef.nullable(),
    termStartsOn: z.string(),
    termEndsOn: z.string(),
    /** Whether today falls within the term. */
    current: z.boolean(),
    currentMembers: z.number().int().openapi({ description: 'Current members (principals and alternates)' }),
    adviceGiven: z.number().int().openapi({ description: 'Advice items given' }),
    openAdvice: z.number().int().openapi({ description: 'Advice not yet decided on or implemented' }),
    version: z.number().int(),
  })
  .openapi('Panel')
export type Panel = z.infer<typeof PanelSchema>

export const PanelQuerySchema = z.object({
  sector: z.preprocess(blank, z.string().max(40).optional()),
  ...PageQuery,
})
export type PanelQuery = z.infer<typeof PanelQuerySchema>

// ---------------------------------------------------------------- members

export const MemberInputSchema = z
  .object({
    personId: z.uuid({ error: 'panel_person_required' }),
    role: z.enum(MEMBER_ROLES, { error: 'choice_invalid' }),
    alternateFor: optionalUuid.openapi({
      description: 'For an alternate: the membership id of the principal they stand in for',
    }),
    startsOn: Day,
  })
  .superRefine((m, ctx) => {
    if (m.role === 'alternate' && !m.alternateFor)
      ctx.addIssue({ code: 'custom', path: ['alternateFor'], message: 'panel_alternate_for_required' })
    if (m.role === 'principal' && m.alternateFor)
      ctx.addIssue({ code: 'custom', path: ['alternateFor'], message: 'panel_principal_no_alternate_for' })
  })
  .openapi('PanelMemberInput')
export type MemberInput = z.infer<typeof MemberInputSchema>

export const MemberEndSchema = z.object({ endsOn: Day, version: Version }).openapi('PanelMemberEnd')
export type MemberEnd = z.infer<typeof MemberEndSchema>

export const MemberSchema = z
  .object({
    id: z.uuid(),
    /** Null when the reader may not see this person (the directory's rules): the organization only. */
    personId: z.uuid().nullable(),
    personName: z.string().nullable(),
    personTitle: z.string().nullable(),
    organizationId: z.uuid(),
    organizationName: z.string(),
    countryCode: z.string(),
    role: z.enum(MEMBER_ROLES),
    alternateFor: z.uuid().nullable(),
    startsOn: z.string(),
    endsOn: z.string().nullable(),
    current: z.boolean(),
    version: z.number().int(),
  })
  .openapi('PanelMember')
export type Member = z.infer<typeof MemberSchema>

export const PanelMeetingSchema = z
  .object({ id: z.uuid(), title: z.string(), startsAt: z.string(), status: z.string() })
  .openapi('PanelMeeting')
export type PanelMeeting = z.infer<typeof PanelMeetingSchema>

export const PanelDetailSchema = PanelSchema.extend({
  members: z.array(MemberSchema),
  meetings: z.array(PanelMeetingSchema),
}).openapi('PanelDetail')
export type PanelDetail = z.infer<typeof PanelDetailSchema>

// ---------------------------------------------------------------- advice

const AdviceFields = {
  givenOn: Day,
  advice: LongLocalizedSchema.refine((n) => Object.keys(n).length > 0, { error: 'text_required' }).openapi({
    description: 'The advice, in one or more languages',
  }),
  addressedToBodyId: optionalUuid.openapi({ description: 'The body of the structure the advice is for' }),
  addressedTo: z
    .preprocess(blank, z.string().trim().max(60, { error: 'too_long' }).optional())
    .openapi({ description: 'Or its code (e.g. TSAG, Council, ITU-T SG13), as on the day it was given' }),
  meetingId: optionalUuid.openapi({ description: 'The Panel’s meeting where it was given' }),
  dueDate: optionalDay.openapi({ description: 'When a response is expected' }),
}

function addresseeGiven(a: { addressedToBodyId?: string | undefined; addressedTo?: string | undefined }) {
  return !!(a.addressedToBodyId || a.addressedTo)
}

export const AdviceInputSchema = z
  .object({ ...AdviceFields, note: LongText.openapi({ description: 'A note for the timeline' }) })
  .refine(addresseeGiven, { path: ['addressedToBodyId'], error: 'panel_addressee_required' })
  .refine((a) => !a.dueDate || a.dueDate >= a.givenOn, { path: ['dueDate'], error: 'panel_due_before_given' })
  .openapi('PanelAdviceInput')
export type AdviceInput = z.infer<typeof AdviceInputSchema>

export const AdviceUpdateSchema = z
  .object({ ...AdviceFields, version: Version })
  .refine(addresseeGiven, { path: ['addressedToBodyId'], error: 'panel_addressee_required' })
  .refine((a) => !a.dueDate || a.dueDate >= a.givenOn, { path: ['dueDate'], error: 'panel_due_before_given' })
  .openapi('PanelAdviceEdit')
export type AdviceUpdate = z.infer<typeof AdviceUpdateSchema>

export const AdviceStatusSchema = z
  .object({
    status: z.enum(ADVICE_STATUSES, { error: 'choice_invalid' }),
    note: z
      .string({ error: 'panel_note_required' })
      .trim()
      .min(1, { error: 'panel_note_required' })
      .max(4000, { error: 'too_long' }),
    response: LongText.openapi({ description: 'The addressee’s response (kept when omitted)' }),
    respondedOn: z.preprocess(blank, Day.optional()).openapi({ description: 'When it responded' }),
    actionTaken: LongText.openapi({ description: 'What was done (kept when omitted)' }),
    version: Version,
  })
  .openapi('PanelAdviceStatus')
export type AdviceStatusInput = z.infer<typeof AdviceStatusSchema>

export const AdviceQuerySchema = z.object({
  status: z.preprocess(blank, z.enum(ADVICE_STATUSES, { error: 'choice_invalid' }).optional()),
  body: z.preprocess(blank, z.uuid().optional()).openapi({ description: 'Addressed to this body (its id)' }),
  ...PageQuery,
})
export type AdviceQuery = z.infer<typeof AdviceQuerySchema>

export const AdviceUpdateEntrySchema = z
  .object({
    at: z.string(),
    by: z.string(),
    status: z.enum(ADVICE_STATUSES),
    /** The author's note; for advice recorded without one, or corrected, a sentence saying so. */
    note: z.string(),
  })
  .openapi('PanelAdviceTimelineEntry')

export const AdviceSchema = z
  .object({
    id: z.uuid(),
    panelId: z.uuid(),
    number: z.number().int(),
    givenOn: z.string(),
    text: z.string(),
    texts: LongLocalizedSchema,
    addressedTo: z.string().openapi({ description: 'The code the body had on the day' }),
    addressedToBodyId: z.uuid().nullable(),
    addressedToName: z.string(),
    meetingId: z.uuid().nullable(),
    meetingTitle: z.string().nullable(),
    dueDate: z.string().nullable(),
    overdue: z.boolean(),
    status: z.enum(ADVICE_STATUSES),
    response: z.string().nullable(),
    respondedOn: z.string().nullable(),
    actionTaken: z.string().nullable(),
    version: z.number().int(),
  })
  .openapi('PanelAdvice')
export type Advice = z.infer<typeof AdviceSchema>

export const AdviceDetailSchema = AdviceSchema.extend({
  updates: z.array(AdviceUpdateEntrySchema),
}).openapi('PanelAdviceDetail')
export type AdviceDetail = z.infer<typeof AdviceDetailSchema>
