import { createRoute, z } from '@hono/zod-openapi'
import { scope } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import { createApi, errorResponses, IdParam, jsonBody, jsonContent, security } from '../../http/openapi.ts'
import { LocalizedSchema } from '../directory/directory.schema.ts'
import { SectorCode } from '../structure/scope.ts'
import * as followUp from './follow-up.service.ts'
import { LongLocalizedSchema, TOPIC_STATES } from './topics.schema.ts'

export const followUpApi = createApi()
const tags = ['Conclusions and follow-up']
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)

export const BodyName = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} .&/-]{1,59}$/u, { error: 'body_invalid' })

export const ConclusionInputSchema = z
  .object({
    topicId: z.preprocess(blank, z.uuid().optional()).transform((v) => v ?? null),
    texts: LongLocalizedSchema.refine((n) => Object.keys(n).length > 0, { error: 'text_required' }),
    type: z.enum(followUp.CONCLUSION_TYPES, { error: 'choice_invalid' }),
    topicState: z
      .preprocess(blank, z.enum(TOPIC_STATES, { error: 'choice_invalid' }).optional())
      .transform((v) => v ?? null)
      .openapi({ description: 'Where the topic goes (through "discussed" if needed); omit to leave it' }),
  })
  .openapi('ConclusionInput')

export const ActionInputSchema = z
  .object({
    what: LocalizedSchema.refine((n) => Object.keys(n).length > 0, { error: 'text_required' }),
    ownerBody: z.preprocess((v) => (v === undefined ? '' : v), BodyName),
    responsibleUserId: z.uuid({ error: 'responsible_required' }),
    dueDate: z.iso.date({ error: 'date_invalid' }),
    sector: z.preprocess(blank, SectorCode.optional()).openapi({
      description: "A Sector's code or `union`; omitted: the Sector of the conclusion's meeting",
    }),
  })
  .openapi('ActionInput')

export const ActionUpdateSchema = z
  .object({
    status: z.enum(followUp.ACTION_STATUSES, { error: 'choice_invalid' }),
    note: z.string().trim().max(4000, { error: 'too_long' }).default(''),
    evidence: z.string().trim().max(500, { error: 'too_long' }).default(''),
    version: z.coerce.number().int().min(1),
  })
  .openapi('ActionUpdate')

export const ActionQuerySchema = z.object({
  body: z.preprocess(
    blank,
    z.string().max(60).optional().openapi({
      description: 'The addressee’s code; a body of the structure is found under any of its names',
    }),
  ),
  sector: z.preprocess(blank, SectorCode.optional()),
  status: z.preprocess(blank, z.enum(followUp.ACTION_STATUSES).optional()),
  topicId: z.preprocess(blank, z.uuid().optional()),
  meetingId: z.preprocess(blank, z.uuid().optional()),
})

const ActionSchema = z
  .object({
    id: z.uuid(),
    conclusionId: z.uuid(),
    topicId: z.uuid().nullable(),
    topicTitle: z.string().nullable(),
    meetingId: z.uuid(),
    meetingTitle: z.string(),
    what: z.string(),
    ownerBody: z
      .string()
      .openapi({ description: 'The addressee’s code, as it was when the action was made' }),
    ownerBodyId: z
      .uuid()
      .nullable()
      .openapi({ description: 'The body of the structure addressed; null for an addressee outside it' }),
    sector: z.string().nullable().openapi({ description: "The Sector's code; null: Union-wide" }),
    responsible: z.string(),
    responsibleUserId: z.uuid(),
    dueDate: z.string(),
    status: z.enum(followUp.ACTION_STATUSES),
    overdue: z.boolean(),
    version: z.number().int(),
    updates: z.array(
      z.object({
        at: z.string(),
        by: z.string(),
        statusFrom: z.string().nullable(),
        statusTo: z.string().nullable(),
        note: z.string(),
        evidence: z.string(),
      }),
    ),
  })
  .openapi('FollowUpAction')

const ConclusionSchema = z
  .object({
    id: z.uuid(),
    meetingId: z.uuid(),
    meetingTitle: z.string(),
    topicId: z.uuid().nullable(),
    topicTitle: z.string().nullable(),
    text: z.string(),
    type: z.string(),
    createdAt: z.string(),
  })
  .openapi('Conclusion')

followUpApi.openapi(
  createRoute({
    method: 'get',
    path: '/meetings/{id}/conclusions',
    tags,
    summary: 'A meeting’s conclusions',
    security,
    request: { params: IdParam },
    responses: { 200: jsonContent(z.array(ConclusionSchema), 'Conclusions'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await followUp.conclusions(db, actor, { meetingId: c.req.valid('param').id }, lang), 200)
  },
)

followUpApi.openapi(
  createRoute({
    method: 'post',
    path: '/meetings/{id}/conclusions',
    tags,
    summary: 'Record a conclusion (the topic moves in its lifecycle as chosen)',
    security,
    request: { params: IdParam, body: jsonBody(ConclusionInputSchema) },
    responses: { 201: jsonContent(z.object({ id: z.uuid() }), 'The conclusion'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const id = await followUp.recordConclusion(db, actor, c.req.valid('param').id, c.req.valid('json'))
    return c.json({ id }, 201)
  },
)

followUpApi.openapi(
  createRoute({
    method: 'post',
    path: '/conclusions/{id}/actions',
    tags,
    summary: 'Ask a body for follow-up: what, owning body, responsible person, due date',
    security,
    request: { params: IdParam, body: jsonBody(ActionInputSchema) },
    responses: { 201: jsonContent(ActionSchema, 'The action'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const id = await followUp.createAction(db, actor, c.req.valid('param').id, c.req.valid('json'))
    const [action] = await followUp.actions(db, actor, { actionId: id }, lang)
    return c.json(action!, 201)
  },
)

followUpApi.openapi(
  createRoute({
    method: 'get',
    path: '/actions',
    tags,
    summary: 'Follow-up actions, by owning body, Sector, status, topic or meeting (overdue ones flagged)',
    security,
    request: { query: ActionQuerySchema },
    responses: { 200: jsonContent(z.array(ActionSchema), 'Actions'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await followUp.actions(db, actor, c.req.valid('query'), lang), 200)
  },
)

followUpApi.openapi(
  createRoute({
    method: 'get',
    path: '/actions/{id}',
    tags,
    summary: 'One action with its progress notes',
    security,
    request: { params: IdParam },
    responses: { 200: jsonContent(ActionSchema, 'The action'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const [action] = await followUp.actions(db, actor, { actionId: c.req.valid('param').id }, lang)
    if (!action) throw new AppError('ACTION_NOT_FOUND')
    return c.json(action, 200)
  },
)

followUpApi.openapi(
  createRoute({
    method: 'post',
    path: '/actions/{id}/updates',
    tags,
    summary: 'Report progress or change status (the secretariat, the body’s leads, the responsible person)',
    security,
    request: { params: IdParam, body: jsonBody(ActionUpdateSchema) },
    responses: { 200: jsonContent(ActionSchema, 'The action'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const { id } = c.req.valid('param')
    await followUp.updateAction(db, actor, id, c.req.valid('json'))
    const [action] = await followUp.actions(db, actor, { actionId: id }, lang)
    return c.json(action!, 200)
  },
)

followUpApi.openapi(
  createRoute({
    method: 'get',
    path: '/bodies',
    tags,
    summary: 'Owning bodies with their open, overdue, done and dropped actions (a body under its code today)',
    security,
    request: { query: z.object({ sector: z.preprocess(blank, SectorCode.optional()) }) },
    responses: {
      200: jsonContent(
        z.array(
          z.object({
            body: z.string(),
            open: z.number().int(),
            overdue: z.number().int(),
            done: z.number().int(),
            dropped: z.number().int(),
          }),
        ),
        'Bodies',
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await followUp.bodies(db, actor, c.req.valid('query')), 200)
  },
)

for (const [method, lead] of [
  ['post', true],
  ['delete', false],
] as const) {
  followUpApi.openapi(
    createRoute({
      method,
      path: '/bodies/{body}/leads',
      tags,
      summary: lead ? 'Name a lead of a body (who may update its actions)' : 'Remove a lead of a body',
      security,
      request: {
        params: z.object({ body: BodyName.openapi({ param: { name: 'body', in: 'path' } }) }),
        body: jsonBody(z.object({ email: z.email({ error: 'email_invalid' }) })),
      },
      responses: { 204: { description: 'Done' }, ...errorResponses },
    }),
    async (c) => {
      const { db, actor } = scope(c)
      await followUp.setBodyLead(db, actor, c.req.valid('param').body, c.req.valid('json').email, lead)
      return c.body(null, 204)
    },
  )
}
