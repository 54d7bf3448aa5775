import { z } from '@hono/zod-openapi'
import { PageQuery } from '../../http/openapi.ts'
import { LocalizedSchema } from '../directory/directory.schema.ts'
import { SectorCode } from '../structure/scope.ts'
import { AudienceSchema } from './audience.ts'
import { QuestionnaireSchema } from './questionnaire.ts'

export const PURPOSES = [
  'pre_meeting_developing_countries',
  'membership_agenda',
  'meeting_evaluation',
  'workshop_evaluation',
  'process_evaluation',
  'general',
] as const
export const CONFIDENTIALITY = ['secretariat', 'own', 'aggregated_public'] as const

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)

export const ConsultationInputSchema = z
  .object({
    titles: LocalizedSchema.refine((n) => Object.keys(n).length > 0, { error: 'name_required' }),
    purpose: z.enum(PURPOSES, { error: 'choice_invalid' }),
    meetingId: z.preprocess(blank, z.uuid().optional()).transform((v) => v ?? null),
    audience: AudienceSchema.openapi({
      type: 'object',
      description: 'Countries or organizations, by rule and/or list',
    }),
    opensAt: z.iso.datetime({ offset: true, error: 'datetime_invalid' }),
    closesAt: z.iso.datetime({ offset: true, error: 'datetime_invalid' }),
    confidentiality: z.enum(CONFIDENTIALITY, { error: 'choice_invalid' }),
    questionnaire: QuestionnaireSchema.openapi({ type: 'object', description: 'Sections and questions' }),
    copiedFrom: z
      .preprocess(blank, z.uuid().optional())
      .transform((v) => v ?? null)
      .openapi({ description: 'The consultation whose questionnaire this one started from' }),
    sector: z.preprocess(blank, SectorCode.optional()).openapi({
      description:
        "The Sector's code, or `union` for a Union-wide consultation. On creation, absent means the default (your own Sector when your role is limited to one, else the first Sector); on an edit, absent leaves it unchanged.",
    }),
  })
  .refine((c) => new Date(c.closesAt) > new Date(c.opensAt), {
    path: ['closesAt'],
    error: 'end_before_start',
  })
  .openapi('ConsultationInput')
export type ConsultationInput = z.infer<typeof ConsultationInputSchema>

export const ConsultationSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    titles: z.record(z.string(), z.string()),
    purpose: z.enum(PURPOSES),
    meetingId: z.uuid().nullable(),
    audience: z.record(z.string(), z.unknown()),
    opensAt: z.string(),
    closesAt: z.string(),
    confidentiality: z.enum(CONFIDENTIALITY),
    status: z.enum(['draft', 'open', 'closed']),
    questionnaireVersion: z.number().int(),
    questionnaire: z.record(z.string(), z.unknown()),
    targets: z.number().int(),
    submitted: z.number().int(),
    copiedFrom: z.uuid().nullable(),
    sector: z
      .string()
      .nullable()
      .openapi({ description: "The Sector's code; null for a Union-wide consultation" }),
    invitations: z
      .object({
        targetsInvited: z.number().int(),
        peopleInvited: z.number().int(),
        firstSentAt: z.string().nullable(),
        reminded: z.number().int(),
      })
      .nullable()
      .openapi({ description: 'Who was invited and when (secretariat only; null for others)' }),
  })
  .openapi('Consultation')

export const ConsultationSummarySchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    purpose: z.enum(PURPOSES),
    meetingId: z.uuid().nullable(),
    opensAt: z.string(),
    closesAt: z.string(),
    confidentiality: z.enum(CONFIDENTIALITY),
    status: z.enum(['draft', 'open', 'closed']),
    targets: z.number().int(),
    submitted: z.number().int(),
    sector: z
      .string()
      .nullable()
      .openapi({ description: "The Sector's code; null for a Union-wide consultation" }),
  })
  .openapi('ConsultationSummary')
export type ConsultationSummary = z.infer<typeof ConsultationSummarySchema>

export const CONSULTATION_SORTS = ['closes', 'opens', 'title'] as const
export const ConsultationQuerySchema = z.object({
  q: z.preprocess(blank, z.string().trim().max(200).optional()),
  status: z.preprocess(blank, z.enum(['draft', 'open', 'closed']).optional()),
  purpose: z.preprocess(blank, z.enum(PURPOSES).optional()),
  meetingId: z.preprocess(blank, z.uuid().optional()),
  sector: z.preprocess(blank, SectorCode.optional()).openapi({
    description: 'Only the consultations of this Sector (its code), or `union` for the Union-wide ones',
  }),
  sort: z.preprocess(blank, z.enum(CONSULTATION_SORTS).default('closes')),
  dir: z.preprocess(blank, z.enum(['asc', 'desc']).default('desc')),
  ...PageQuery,
})
export type ConsultationQuery = z.infer<typeof ConsultationQuerySchema>
export type Consultation = z.infer<typeof ConsultationSchema>

export const TargetSchema = z
  .object({
    id: z.uuid(),
    countryCode: z.string().nullable(),
    organizationId: z.uuid().nullable(),
    name: z.string(),
    responseState: z.enum(['none', 'draft', 'submitted']),
  })
  .openapi('ConsultationTarget')
export type Target = z.infer<typeof TargetSchema>

export const ResponseInputSchema = z
  .object({
    answers: z.record(z.string(), z.unknown()),
    submit: z
      .boolean()
      .default(false)
      .openapi({ description: 'false saves a draft; true submits (required questions enforced)' }),
  })
  .openapi('ResponseInput')

export const ResponseSchema = z
  .object({
    targetId: z.uuid(),
    questionnaireVersion: z.number().int(),
    answers: z.record(z.string(), z.unknown()),
    state: z.enum(['draft', 'submitted']),
    submittedAt: z.string().nullable(),
    updatedAt: z.string(),
    changes: z.number().int(),
  })
  .openapi('ConsultationResponse')
export type ConsultationResponse = z.infer<typeof ResponseSchema>

const RateSchema = z.object({
  key: z.string().nullable(),
  targets: z.number().int(),
  submitted: z.number().int(),
})
export const ResultsSchema = z
  .object({
    published: z.boolean().openapi({
      description: 'true when this is the public aggregate view (small cells hidden, no free text)',
    }),
    targets: z.number().int(),
    submitted: z.number().int(),
    rate: z.number(),
    byRegion: z.array(RateSchema),
    byDevelopmentStatus: z.array(RateSchema),
    questions: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        answered: z.number().int().nullable(),
        options: z.array(z.object({ id: z.string(), count: z.number().int().nullable() })).optional(),
        mean: z.number().nullable().optional(),
        min: z.number().nullable().optional(),
        max: z.number().nullable().optional(),
        averageRank: z.array(z.object({ id: z.string(), rank: z.number().nullable() })).optional(),
        texts: z.array(z.string()).optional(),
        topics: z.array(z.object({ title: z.string(), description: z.string() })).optional(),
      }),
    ),
  })
  .openapi('ConsultationResults')
