import { z } from '@hono/zod-openapi'
import { PageQuery } from '../../http/openapi.ts'
import { LANGUAGES } from '../../i18n/i18n.ts'
import { LocalizedSchema } from '../directory/directory.schema.ts'
import { SectorCode } from '../structure/scope.ts'

export const TOPIC_STATES = [
  'proposed',
  'shortlisted',
  'on_agenda',
  'discussed',
  'concluded',
  'referred',
  'work_item',
  'standard_approved',
  'monitoring',
  'closed',
] as const
export type TopicState = (typeof TOPIC_STATES)[number]

export const TOPIC_SOURCES = [
  'strategy_mechanism',
  'consultation',
  'member_proposal',
  'carried_over',
  'secretariat',
] as const
export const PRIORITY_KINDS = ['strategic_priority', 'emerging_technology'] as const

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
/** A comma- or newline-separated list from a form, or an array from JSON. */
const list = (max: number, item: z.ZodString) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(/[,\n]/)
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item).max(max, { error: 'too_many_entries' }).default([]),
  )

export const LongLocalizedSchema = z
  .object(
    Object.fromEntries(
      LANGUAGES.map((l) => [l, z.string().trim().max(4000, { error: 'too_long' }).optional()]),
    ),
  )
  .transform(
    (o) =>
      Object.fromEntries(Object.entries(o).filter(([, v]) => v)) as Partial<
        Record<(typeof LANGUAGES)[number], string>
      >,
  )

export const TopicInputSchema = z
  .object({
    titles: LocalizedSchema.refine((n) => Object.keys(n).length > 0, { error: 'name_required' }),
    descriptions: LongLocalizedSchema.default({}),
    keywords: list(20, z.string().trim().min(1).max(60, { error: 'too_long' })),
    studyGroups: list(
      20,
      z
        .string()
        .trim()
        .regex(/^(SG\d{1,2}|TSAG|[A-Z][A-Za-z0-9-]{1,30})$/, { error: 'study_group_invalid' }),
    ),
    source: z.enum(TOPIC_SOURCES, { error: 'choice_invalid' }).default('member_proposal'),
    proposedByOrganizationId: z.preprocess(blank, z.uuid().optional()).transform((v) => v ?? null),
    priorityIds: z.preprocess(
      (v) => (typeof v === 'string' ? (v ? [v] : []) : v),
      z.array(z.uuid()).max(50).default([]),
    ),
    /** Omitted: a new topic gets the default Sector, an edited one keeps its own. */
    sector: z.preprocess(blank, SectorCode.optional()),
  })
  .openapi('TopicInput')
export type TopicInput = z.infer<typeof TopicInputSchema>

export const TopicUpdateSchema = TopicInputSchema.omit({ source: true, proposedByOrganizationId: true })
  .extend({ version: z.coerce.number().int().min(1) })
  .openapi('TopicUpdate')
export type TopicUpdate = z.infer<typeof TopicUpdateSchema>

export const TransitionInputSchema = z
  .object({
    to: z.enum(TOPIC_STATES, { error: 'choice_invalid' }),
    reason: z.string().trim().min(1, { error: 'reason_required' }).max(2000, { error: 'too_long' }),
    meetingId: z.preprocess(blank, z.uuid().optional()).transform((v) => v ?? null),
    evidenceUrl: z
      .preprocess(
        blank,
        z
          .string()
          .trim()
          .max(500, { error: 'too_long' })
          .refine((v) => /^https?:\/\/\S+$/i.test(v), { error: 'url_invalid' })
          .optional(),
      )
      .transform((v) => v ?? null),
    version: z.coerce.number().int().min(1),
  })
  .openapi('TopicTransition')
export type TransitionInput = z.infer<typeof TransitionInputSchema>

export const MergeInputSchema = z
  .object({
    intoId: z.uuid({ error: 'topic_unknown' }),
    reason: z.string().trim().min(1, { error: 'reason_required' }).max(2000, { error: 'too_long' }),
  })
  .openapi('TopicMerge')

export const SplitInputSchema = z
  .object({
    titles: LocalizedSchema.refine((n) => Object.keys(n).length > 0, { error: 'name_required' }),
    descriptions: LongLocalizedSchema.default({}),
    reason: z.string().trim().min(1, { error: 'reason_required' }).max(2000, { error: 'too_long' }),
  })
  .openapi('TopicSplit')

export const SupportInputSchema = z.object({ organizationId: z.uuid() }).openapi('TopicSupport')

export const TopicSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    titles: z.record(z.string(), z.string()),
    description: z.string(),
    descriptions: z.record(z.string(), z.string()),
    keywords: z.array(z.string()),
    studyGroups: z.array(z.string()),
    source: z.enum(TOPIC_SOURCES),
    state: z.enum(TOPIC_STATES),
    proposedBy: z
      .object({ organizationId: z.uuid().nullable(), countryCode: z.string().nullable(), name: z.string() })
      .nullable(),
    sector: z.string().nullable().openapi({ description: "The Sector's code; null: Union-wide" }),
    consultationId: z.uuid().nullable(),
    mergedInto: z.uuid().nullable(),
    splitFrom: z.uuid().nullable(),
    priorities: z.array(z.object({ id: z.uuid(), title: z.string(), weight: z.number() })),
    supports: z.number().int(),
    supportedByYou: z.array(z.uuid()).openapi({ description: 'Your organizations that support it' }),
    allowedTransitions: z.array(z.enum(TOPIC_STATES)),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Topic')
export type Topic = z.infer<typeof TopicSchema>

export const TopicEventSchema = z
  .object({
    kind: z.string(),
    at: z.string(),
    by: z.string(),
    fromState: z.string().nullable(),
    toState: z.string().nullable(),
    reason: z.string().nullable(),
    meetingId: z.uuid().nullable(),
    meetingTitle: z.string().nullable(),
    evidenceUrl: z.string().nullable(),
    relatedTopicId: z.uuid().nullable(),
    relatedTopicTitle: z.string().nullable(),
    organizationName: z.string().nullable(),
  })
  .openapi('TopicEvent')
export type TopicEvent = z.infer<typeof TopicEventSchema>

export const TOPIC_SORTS = ['updated', 'title', 'supports', 'state'] as const
export const TopicQuerySchema = z.object({
  q: z.preprocess(blank, z.string().trim().max(200).optional()),
  state: z.preprocess(blank, z.enum(TOPIC_STATES).optional()),
  source: z.preprocess(blank, z.enum(TOPIC_SOURCES).optional()),
  priorityId: z.preprocess(blank, z.uuid().optional()),
  studyGroup: z.preprocess(blank, z.string().trim().max(40).optional()),
  /** A Sector's code, or `union` for the Union-wide topics only. */
  sector: z.preprocess(blank, SectorCode.optional()),
  /** Topics that were on a published agenda of a meeting of this group. */
  groupId: z.preprocess(blank, z.uuid().optional()),
  /** Topics created in this year (the board's period filter). */
  year: z.preprocess(blank, z.coerce.number().int().min(2000).max(2200).optional()),
  includeMerged: z.preprocess((v) => v === 'true' || v === true, z.boolean()).default(false),
  sort: z.preprocess(blank, z.enum(TOPIC_SORTS).default('updated')),
  dir: z.preprocess(blank, z.enum(['asc', 'desc']).default('desc')),
  ...PageQuery,
})
export type TopicQuery = z.infer<typeof TopicQuerySchema>

export const PriorityInputSchema = z
  .object({
    titles: LocalizedSchema.refine((n) => Object.keys(n).length > 0, { error: 'name_required' }),
    descriptions: LongLocalizedSchema.default({}),
    kind: z.enum(PRIORITY_KINDS, { error: 'choice_invalid' }),
    weight: z.coerce.number({ error: 'number_invalid' }).min(0, { error: 'number_out_of_range' }).max(100, {
      error: 'number_out_of_range',
    }),
    periodStart: z.iso.date({ error: 'date_invalid' }),
    periodEnd: z
      .preprocess(blank, z.iso.date({ error: 'date_invalid' }).optional())
      .transform((v) => v ?? null),
  })
  .refine((p) => !p.periodEnd || p.periodEnd >= p.periodStart, {
    path: ['periodEnd'],
    error: 'end_before_start',
  })
  .openapi('PriorityInput')
export type PriorityInput = z.infer<typeof PriorityInputSchema>

export const PrioritySchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    titles: z.record(z.string(), z.string()),
    description: z.string(),
    descriptions: z.record(z.string(), z.string()),
    kind: z.enum(PRIORITY_KINDS),
    weight: z.number(),
    periodStart: z.string(),
    periodEnd: z.string().nullable(),
    current: z.boolean(),
    archived: z.boolean(),
    topics: z.number().int(),
    version: z.number().int(),
  })
  .openapi('StrategicPriority')
export type Priority = z.infer<typeof PrioritySchema>

export const TransitionRulesSchema = z
  .object({
    rules: z.array(z.object({ from: z.enum(TOPIC_STATES), to: z.enum(TOPIC_STATES) })).max(100),
  })
  .refine((r) => r.rules.every((x) => x.from !== x.to), { error: 'transition_to_itself' })
  .openapi('TopicTransitionRules')
