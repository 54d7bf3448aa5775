import { createRoute, z } from '@hono/zod-openapi'
import { scope } from '../../http/context.ts'
import { createApi, errorResponses, jsonBody, jsonContent, security } from '../../http/openapi.ts'
import { PLAN_STATUSES } from './plan.logic.ts'
import * as plan from './plan.service.ts'

export const planApi = createApi()
const tags = ['Action plan']
const Day = z.iso.date({ error: 'date_invalid' })
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)

const PeriodQuery = z.object({
  from: z.preprocess(blank, Day.optional()),
  to: z.preprocess(blank, Day.optional()),
})
/** The last four calendar years to today when no period is given (as on the pages). */
function period(q: { from?: string | undefined; to?: string | undefined }) {
  const today = new Date().toISOString().slice(0, 10)
  const from = q.from ?? `${Number(today.slice(0, 4)) - 3}-01-01`
  const to = q.to && q.to >= from ? q.to : today
  return { from, to }
}

const ItemSchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    parentCode: z.string().nullable(),
    shortName: z.string().nullable(),
    text: z.string(),
    objective: z.string().nullable(),
    keyOutcomes: z.array(z.string()),
    kois: z.array(z.string()),
    strategies: z.string().nullable(),
    enablers: z.string().nullable(),
    services: z.string().nullable(),
    learning: z.string().nullable(),
    cite: z.string(),
    ownerEntity: z.string(),
    status: z.enum(PLAN_STATUSES),
    progress: z.number().int().nullable(),
    rolledProgress: z.number().int(),
    weight: z.number(),
    retired: z.boolean(),
    version: z.number().int(),
    updatedAt: z.string(),
  })
  .openapi('PlanItem')

const PlanSchema = z
  .object({
    version: z.object({
      id: z.uuid(),
      code: z.string(),
      title: z.string(),
      source: z.string(),
      current: z.boolean(),
    }),
    versions: z.array(z.object({ code: z.string(), title: z.string(), current: z.boolean() })),
    items: z.array(ItemSchema),
    pillars: z.array(
      z.object({ code: z.string(), title: z.string(), items: z.array(z.string()), cite: z.string() }),
    ),
    actions: z.array(
      z.object({
        id: z.uuid(),
        code: z.string(),
        point: z.string(),
        sessions: z.array(z.string()),
        action: z.string(),
        targets: z.array(z.string()),
        targetItems: z.array(z.string()),
        targetDocument: z.string().nullable(),
        comments: z.string().nullable(),
        cite: z.string(),
        meetingId: z.uuid().nullable(),
        ownerEntity: z.string(),
        status: z.enum(PLAN_STATUSES),
        progress: z.number().int().nullable(),
        version: z.number().int(),
      }),
    ),
  })
  .openapi('ActionPlan')

export const ItemChangeSchema = z
  .object({
    version: z.number().int().min(1),
    status: z.enum(PLAN_STATUSES, { error: 'choice_invalid' }).optional(),
    progress: z
      .number()
      .int({ error: 'progress_range' })
      .min(0, { error: 'progress_range' })
      .max(100, { error: 'progress_range' })
      .nullable()
      .optional(),
    ownerEntity: z.string().trim().max(100, { error: 'too_long' }).optional(),
    weight: z.number().gt(0, { error: 'weight_range' }).max(100, { error: 'weight_range' }).optional(),
    parentCode: z.string().max(40).nullable().optional(),
    retired: z.boolean().optional(),
  })
  .openapi('PlanItemChange')

const IndicatorSchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    definition: z.string(),
    unit: z.string(),
    direction: z.enum(['increase', 'decrease', 'reach']),
    kind: z.enum(['computed', 'manual']),
    query: z.string().nullable(),
    itemCode: z.string().nullable(),
    baselineValue: z.number().nullable(),
    baselineDate: z.string().nullable(),
    targetValue: z.number().nullable(),
    targetDate: z.string().nullable(),
    version: z.number().int(),
    values: z.array(
      z.object({ on: z.string(), value: z.number(), source: z.string(), evidence: z.string() }),
    ),
    status: z.enum(['achieved', 'on_track', 'off_track', 'deteriorating', 'no_data']),
    failure: z.string().nullable(),
  })
  .openapi('Indicator')

export const MeasurementSchema = z
  .object({
    measuredOn: Day,
    value: z.number({ error: 'number_invalid' }),
    source: z.string().trim().min(1, { error: 'required' }).max(300, { error: 'too_long' }),
    evidence: z.string().trim().max(1000, { error: 'too_long' }).default(''),
  })
  .openapi('IndicatorMeasurement')

const ClauseSchema = z
  .object({
    clause: z.enum(plan.CLAUSES),
    value: z.number().nullable(),
    unit: z.enum(['share', 'count']),
    part: z.number().nullable(),
    whole: z.number().nullable(),
    met: z.number(),
    partly: z.number(),
    status: z.enum(['met', 'partly_met', 'not_met', 'no_data']),
    link: z.string(),
  })
  .openapi('ScorecardClause')

planApi.openapi(
  createRoute({
    method: 'get',
    path: '/plan',
    tags,
    summary:
      'The action plan (the current version, or ?version=code): items with rolled-up progress, pillars, proposed actions',
    security,
    request: { query: z.object({ version: z.string().max(40).optional() }) },
    responses: { 200: jsonContent(PlanSchema, 'The plan'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await plan.getPlan(db, actor, c.req.valid('query').version), 200)
  },
)

planApi.openapi(
  createRoute({
    method: 'patch',
    path: '/plan/items/{code}',
    tags,
    summary:
      'Update an item: status and progress (secretariat or a lead of its owner); owner, weight, parent, retirement (secretariat)',
    security,
    request: {
      params: z.object({
        code: z
          .string()
          .max(40)
          .openapi({ param: { name: 'code', in: 'path' } }),
      }),
      body: jsonBody(ItemChangeSchema),
    },
    responses: { 200: jsonContent(ItemSchema, 'The item'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await plan.updateItem(db, actor, c.req.valid('param').code, c.req.valid('json')), 200)
  },
)

planApi.openapi(
  createRoute({
    method: 'get',
    path: '/plan/indicators',
    tags,
    summary: 'Key outcome indicators with their values for the period and their status',
    security,
    request: { query: PeriodQuery },
    responses: { 200: jsonContent(z.array(IndicatorSchema), 'Indicators'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await plan.listIndicators(db, actor, period(c.req.valid('query'))), 200)
  },
)

planApi.openapi(
  createRoute({
    method: 'post',
    path: '/plan/indicators/{code}/measurements',
    tags,
    summary: 'Record a measurement of a manual indicator (with source and evidence)',
    security,
    request: {
      params: z.object({
        code: z
          .string()
          .max(60)
          .openapi({ param: { name: 'code', in: 'path' } }),
      }),
      body: jsonBody(MeasurementSchema),
    },
    responses: { 201: jsonContent(z.object({ ok: z.literal(true) }), 'Recorded'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    await plan.addMeasurement(db, actor, c.req.valid('param').code, c.req.valid('json'))
    return c.json({ ok: true as const }, 201)
  },
)

planApi.openapi(
  createRoute({
    method: 'get',
    path: '/plan/scorecard',
    tags,
    summary: 'The Resolution 68 scorecard for a period: each clause with its evidence and status',
    security,
    request: { query: PeriodQuery },
    responses: { 200: jsonContent(z.array(ClauseSchema), 'The scorecard'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await plan.scorecard(db, actor, period(c.req.valid('query'))), 200)
  },
)
