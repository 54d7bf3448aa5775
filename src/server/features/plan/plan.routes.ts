import { createRoute, z } from '@hono/zod-openapi'
import { scope } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import { createApi, errorResponses, IdParam, jsonBody, jsonContent, security } from '../../http/openapi.ts'
import { SectorCode } from '../structure/scope.ts'
import * as circulars from './circulars.service.ts'
import { PLAN_STATUSES } from './plan.logic.ts'
import * as plan from './plan.service.ts'
import * as versions from './plan-versions.ts'

export const planApi = createApi()
const tags = ['Action plan']
const Day = z.iso.date({ error: 'date_invalid' })
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)

const Period = z.object({
  from: z.preprocess(blank, Day.optional()),
  to: z.preprocess(blank, Day.optional()),
})
const notTooLong = (v: { from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx) => {
  if (v.from && v.to && Number(v.to.slice(0, 4)) - Number(v.from.slice(0, 4)) > plan.MAX_PERIOD_YEARS)
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'period_too_long' })
}
const PeriodQuery = Period.superRefine(notTooLong)

/** Which Sector's current plan a call reads or changes (issue 11); by default as getPlan says. */
const SectorQuery = z.object({
  sector: z.preprocess(
    blank,
    SectorCode.optional().describe(
      "The Sector whose current plan is meant: its code (e.g. ITU-R) or `union` for the Union-wide plan. By default the caller's own Sector when their role is limited to one, else the first Sector that has a plan.",
    ),
  ),
})
const SectorOutput = z.string().nullable().describe("The Sector's code; null: the Union-wide plan.")

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
      sector: SectorOutput,
    }),
    versions: z.array(
      z.object({ code: z.string(), title: z.string(), current: z.boolean(), sector: SectorOutput }),
    ),
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
    version: z.int32().min(1),
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
      'The action plan (a Sector’s current version, ?sector=code|union, or ?version=code): items with rolled-up progress, pillars, proposed actions',
    security,
    request: { query: SectorQuery.extend({ version: z.string().max(40).optional() }) },
    responses: { 200: jsonContent(PlanSchema, 'The plan'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const q = c.req.valid('query')
    return c.json(await plan.getPlan(db, actor, q.version, q.sector), 200)
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
      query: SectorQuery,
      body: jsonBody(ItemChangeSchema),
    },
    responses: { 200: jsonContent(ItemSchema, 'The item'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const { sector } = c.req.valid('query')
    return c.json(
      await plan.updateItem(db, actor, c.req.valid('param').code, c.req.valid('json'), sector),
      200,
    )
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
    return c.json(await plan.listIndicators(db, actor, plan.planPeriod(c.req.valid('query'))), 200)
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
    summary:
      'The Resolution 68 scorecard for a period: each clause with its evidence and status (?sector=code|union counts only that Sector’s records, or only the Union-wide ones)',
    security,
    request: {
      query: Period.extend({
        sector: z.preprocess(
          blank,
          SectorCode.optional().describe(
            'Count only this Sector’s records (its code), or only Union-wide ones (`union`); by default all',
          ),
        ),
      }).superRefine(notTooLong),
    },
    responses: { 200: jsonContent(z.array(ClauseSchema), 'The scorecard'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const q = c.req.valid('query')
    return c.json(await plan.scorecard(db, actor, plan.planPeriod(q), q.sector), 200)
  },
)

const CircularSchema = z
  .object({
    id: z.uuid(),
    number: z.string(),
    issuedOn: z.string(),
    subject: z.string(),
    audience: z.enum(circulars.CIRCULAR_AUDIENCES),
    itemCode: z.string(),
    fileName: z.string().nullable(),
    sizeBytes: z.number().int().nullable(),
    sentAt: z.string().nullable(),
    sentBy: z.string().nullable(),
    recipients: z.number().int().nullable(),
    feedback: z.number().int(),
    createdBy: z.string(),
  })
  .openapi('Circular')

export const FeedbackInputSchema = z
  .object({
    fromKind: z.enum(circulars.FEEDBACK_FROM, { error: 'choice_invalid' }),
    fromLabel: z.string().trim().min(1, { error: 'required' }).max(200, { error: 'too_long' }),
    organizationId: z.uuid().optional(),
    receivedOn: Day,
    summary: z.string().trim().min(1, { error: 'required' }).max(4000, { error: 'too_long' }),
    reference: z.string().trim().max(300, { error: 'too_long' }).default(''),
  })
  .openapi('CircularFeedbackInput')

planApi.openapi(
  createRoute({
    method: 'get',
    path: '/plan/circulars',
    tags,
    summary: 'Circulars to the membership (AP5), newest first, with how much feedback each brought',
    security,
    request: {
      query: z.object({
        q: z.string().max(200).optional(),
        page: z.coerce.number().int().min(1).default(1),
        pageSize: z.coerce.number().int().min(1).max(100).default(20),
      }),
    },
    responses: {
      200: jsonContent(z.object({ items: z.array(CircularSchema), total: z.number().int() }), 'Circulars'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const q = c.req.valid('query')
    return c.json(
      await circulars.listCirculars(db, actor, { search: q.q, page: q.page, pageSize: q.pageSize }),
      200,
    )
  },
)

planApi.openapi(
  createRoute({
    method: 'post',
    path: '/plan/circulars/{id}/feedback',
    tags,
    summary: 'Record feedback from a regional group or a member on a circular',
    security,
    request: { params: IdParam, body: jsonBody(FeedbackInputSchema) },
    responses: { 201: jsonContent(z.object({ id: z.uuid() }), 'The feedback'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const id = await circulars.recordFeedback(db, actor, c.req.valid('param').id, c.req.valid('json'))
    return c.json({ id }, 201)
  },
)

// ---------------------------------------------------------------- the rest of the plan, for tools

const CodeParam = z.object({
  code: z
    .string()
    .max(60)
    .openapi({ param: { name: 'code', in: 'path' } }),
})

export const IndicatorInputSchema = z
  .object({
    code: z.string().regex(/^[a-z0-9_]{2,60}$/, { error: 'code_invalid' }),
    name: z.string().trim().min(1, { error: 'required' }).max(300, { error: 'too_long' }),
    definition: z.string().trim().max(4000, { error: 'too_long' }).default(''),
    unit: z.enum(['count', 'percent', 'ratio', 'score', 'days'], { error: 'choice_invalid' }),
    direction: z.enum(['increase', 'decrease', 'reach'], { error: 'choice_invalid' }),
    query: z
      .enum(plan.INDICATOR_QUERY_NAMES as [plan.IndicatorQuery, ...plan.IndicatorQuery[]], {
        error: 'choice_invalid',
      })
      .optional(),
    itemCode: z.string().max(40).optional(),
    baselineValue: z.number().optional(),
    baselineDate: Day.optional(),
    targetValue: z.number().optional(),
    targetDate: Day.optional(),
  })
  .openapi('IndicatorInput')

planApi.openapi(
  createRoute({
    method: 'post',
    path: '/plan/indicators',
    tags,
    summary: 'Add an indicator: computed (name one of the documented queries) or measured by hand',
    security,
    request: { body: jsonBody(IndicatorInputSchema) },
    responses: { 201: jsonContent(z.object({ id: z.uuid() }), 'The indicator'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const input = c.req.valid('json')
    const id = await plan.createIndicator(db, actor, { ...input, kind: input.query ? 'computed' : 'manual' })
    return c.json({ id }, 201)
  },
)

planApi.openapi(
  createRoute({
    method: 'put',
    path: '/plan/indicators/{code}/target',
    tags,
    summary: 'Set an indicator’s baseline and target (the target date after the baseline date)',
    security,
    request: {
      params: CodeParam,
      body: jsonBody(
        z
          .object({
            version: z.int32().min(1),
            baselineValue: z.number().optional(),
            baselineDate: Day.optional(),
            targetValue: z.number().optional(),
            targetDate: Day.optional(),
          })
          .openapi('IndicatorTarget'),
      ),
    },
    responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), 'Saved'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    await plan.setIndicatorTarget(db, actor, c.req.valid('param').code, c.req.valid('json'))
    return c.json({ ok: true as const }, 200)
  },
)

planApi.openapi(
  createRoute({
    method: 'post',
    path: '/plan/actions',
    tags,
    summary: 'Add a proposed action from a workshop’s point for consideration, mapped to plan items',
    security,
    request: {
      query: SectorQuery,
      body: jsonBody(
        z
          .object({
            code: z.string().trim().min(1, { error: 'required' }).max(40, { error: 'too_long' }),
            meetingId: z.uuid().optional(),
            point: z.string().trim().min(1, { error: 'required' }).max(4000),
            sessions: z
              .array(z.enum(['K', '1', '2', '3', '4', 'E', 'R'], { error: 'choice_invalid' }))
              .default([]),
            action: z.string().trim().min(1, { error: 'required' }).max(4000),
            targets: z.array(z.string().trim().min(1).max(60)).max(20).default([]),
            targetItems: z.array(z.string().max(40)).max(20).default([]),
          })
          .openapi('PlanActionInput'),
      ),
    },
    responses: { 201: jsonContent(z.object({ id: z.uuid() }), 'The proposed action'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const id = await plan.createPlanAction(db, actor, c.req.valid('json'), c.req.valid('query').sector)
    return c.json({ id }, 201)
  },
)

planApi.openapi(
  createRoute({
    method: 'patch',
    path: '/plan/actions/{code}',
    tags,
    summary: 'Update a proposed action’s status and progress (and its owner: secretariat)',
    security,
    request: {
      params: CodeParam,
      query: SectorQuery,
      body: jsonBody(
        z
          .object({
            version: z.int32().min(1),
            status: z.enum(PLAN_STATUSES, { error: 'choice_invalid' }),
            progress: z
              .number()
              .int()
              .min(0, { error: 'progress_range' })
              .max(100, { error: 'progress_range' })
              .nullable(),
            ownerEntity: z.string().max(100).optional(),
          })
          .openapi('PlanActionChange'),
      ),
    },
    responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), 'Saved'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    await versions.updatePlanAction(
      db,
      actor,
      c.req.valid('param').code,
      c.req.valid('json'),
      c.req.valid('query').sector,
    )
    return c.json({ ok: true as const }, 200)
  },
)

const VersionSchema = z
  .object({
    code: z.string(),
    title: z.string(),
    sector: SectorOutput,
    current: z.boolean().describe('The current version of its Sector’s plan (or of the Union’s)'),
    basedOn: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('PlanVersion')

planApi.openapi(
  createRoute({
    method: 'get',
    path: '/plan/versions',
    tags,
    summary: 'The versions of the plans, each with its Sector (?sector=code|union filters), oldest first',
    security,
    request: { query: SectorQuery },
    responses: { 200: jsonContent(z.array(VersionSchema), 'The versions'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await plan.listVersions(db, actor, c.req.valid('query').sector), 200)
  },
)

planApi.openapi(
  createRoute({
    method: 'post',
    path: '/plan/versions',
    tags,
    summary:
      'Start a new version of a Sector’s plan or the Union’s (a copy of its current one, or of `basedOn`, which is kept unchanged); it becomes that plan’s current version',
    security,
    request: {
      body: jsonBody(
        z
          .object({
            code: z.string().max(40),
            title: z.string().max(300),
            sector: SectorCode.optional(),
            basedOn: z
              .string()
              .max(40)
              .optional()
              .describe('The version to copy (any Sector’s); by default the Sector’s current plan'),
          })
          .openapi('PlanVersionInput'),
      ),
    },
    responses: {
      201: jsonContent(z.object({ code: z.string(), sector: SectorOutput }), 'The version'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await versions.createVersion(db, actor, c.req.valid('json')), 201)
  },
)

planApi.openapi(
  createRoute({
    method: 'get',
    path: '/plan/versions/compare',
    tags,
    summary: 'What differs between two versions of the plan, item by item',
    security,
    request: { query: z.object({ a: z.string().max(40).optional(), b: z.string().max(40).optional() }) },
    responses: {
      200: jsonContent(
        z.array(
          z.object({
            code: z.string(),
            change: z.enum(['added', 'removed', 'changed']),
            fields: z.array(z.object({ field: z.string(), before: z.string(), after: z.string() })),
          }),
        ),
        'Differences',
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const q = c.req.valid('query')
    // Who asks is checked before what is asked (deny by default).
    plan.assertPlanReader(actor)
    if (!q.a || !q.b)
      throw new AppError(
        'VALIDATION_FAILED',
        {},
        { ...(q.a ? {} : { a: ['required'] }), ...(q.b ? {} : { b: ['required'] }) },
      )
    return c.json(
      versions.compareVersions(await plan.getPlan(db, actor, q.a), await plan.getPlan(db, actor, q.b)),
      200,
    )
  },
)

planApi.openapi(
  createRoute({
    method: 'post',
    path: '/plan/circulars',
    tags,
    summary: 'Record a circular (its document is attached through the page)',
    security,
    request: {
      body: jsonBody(
        z
          .object({
            number: z.string().max(40),
            issuedOn: Day,
            subject: z.string().max(300),
            audience: z.enum(circulars.CIRCULAR_AUDIENCES, { error: 'choice_invalid' }),
            itemCode: z.string().max(40).optional(),
          })
          .openapi('CircularInput'),
      ),
    },
    responses: { 201: jsonContent(z.object({ id: z.uuid() }), 'The circular'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json({ id: await circulars.createCircular(db, actor, c.req.valid('json')) }, 201)
  },
)

planApi.openapi(
  createRoute({
    method: 'post',
    path: '/plan/circulars/{id}/send',
    tags,
    summary: 'Send a circular to its audience by e-mail, once',
    security,
    request: { params: IdParam },
    responses: { 200: jsonContent(z.object({ recipients: z.number().int() }), 'Sent'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const recipients = await circulars.sendCircular(
      db,
      actor,
      c.req.valid('param').id,
      c.get('deps').env.publicUrl,
    )
    return c.json({ recipients }, 200)
  },
)
