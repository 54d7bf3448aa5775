import { createRoute, z } from '@hono/zod-openapi'
import { scope } from '../../http/context.ts'
import {
  createApi,
  errorResponses,
  IdParam,
  jsonBody,
  jsonContent,
  pageOf,
  security,
} from '../../http/openapi.ts'
import {
  MergeInputSchema,
  PriorityInputSchema,
  PrioritySchema,
  SplitInputSchema,
  SupportInputSchema,
  TOPIC_STATES,
  TopicEventSchema,
  TopicInputSchema,
  TopicQuerySchema,
  TopicSchema,
  TopicUpdateSchema,
  TransitionInputSchema,
  TransitionRulesSchema,
} from './topics.schema.ts'
import * as topics from './topics.service.ts'

export const topicsApi = createApi()
const tags = ['Topics']

const TopicSummarySchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    state: z.enum(TOPIC_STATES),
    source: z.string(),
    studyGroups: z.array(z.string()),
    supports: z.number().int(),
    proposedBy: z.string().nullable(),
    mergedInto: z.uuid().nullable(),
    updatedAt: z.string(),
  })
  .openapi('TopicSummary')

topicsApi.openapi(
  createRoute({
    method: 'get',
    path: '/topics',
    tags,
    summary: 'Topics, filtered and paged, with the count in each lifecycle state (the funnel)',
    security,
    request: { query: TopicQuerySchema },
    responses: {
      200: jsonContent(
        pageOf(TopicSummarySchema, 'TopicPage').extend({
          byState: z.record(z.string(), z.number().int()),
        }),
        'A page of topics',
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const q = c.req.valid('query')
    const r = await topics.listTopics(db, actor, q, lang)
    return c.json({ ...r, page: q.page, pageSize: q.pageSize }, 200)
  },
)

topicsApi.openapi(
  createRoute({
    method: 'post',
    path: '/topics',
    tags,
    summary: 'Propose a topic (members: for an organization you speak for; the secretariat: any source)',
    security,
    request: { body: jsonBody(TopicInputSchema) },
    responses: { 201: jsonContent(TopicSchema, 'The topic'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await topics.createTopic(db, actor, c.req.valid('json'), lang), 201)
  },
)

topicsApi.openapi(
  createRoute({
    method: 'get',
    path: '/topics/{id}',
    tags,
    summary: 'One topic, with the lifecycle moves allowed from its state',
    security,
    request: { params: IdParam },
    responses: { 200: jsonContent(TopicSchema, 'The topic'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await topics.getTopic(db, actor, c.req.valid('param').id, lang), 200)
  },
)

topicsApi.openapi(
  createRoute({
    method: 'put',
    path: '/topics/{id}',
    tags,
    summary: 'Edit a topic (give the version you read; 409 if it changed meanwhile)',
    security,
    request: { params: IdParam, body: jsonBody(TopicUpdateSchema) },
    responses: { 200: jsonContent(TopicSchema, 'The topic'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(
      await topics.updateTopic(db, actor, c.req.valid('param').id, c.req.valid('json'), lang),
      200,
    )
  },
)

topicsApi.openapi(
  createRoute({
    method: 'get',
    path: '/topics/{id}/timeline',
    tags,
    summary: 'The topic’s story: creation, edits, lifecycle moves, merges, splits and supports',
    security,
    request: { params: IdParam },
    responses: { 200: jsonContent(z.array(TopicEventSchema), 'Events, oldest first'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await topics.topicTimeline(db, actor, c.req.valid('param').id, lang), 200)
  },
)

topicsApi.openapi(
  createRoute({
    method: 'post',
    path: '/topics/{id}/transitions',
    tags,
    summary: 'Move the topic in its lifecycle (409 lists the allowed moves)',
    security,
    request: { params: IdParam, body: jsonBody(TransitionInputSchema) },
    responses: { 200: jsonContent(TopicSchema, 'The topic'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(
      await topics.transitionTopic(db, actor, c.req.valid('param').id, c.req.valid('json'), lang),
      200,
    )
  },
)

topicsApi.openapi(
  createRoute({
    method: 'post',
    path: '/topics/{id}/merge',
    tags,
    summary: 'Merge this duplicate into another topic (it is closed; supports and links move)',
    security,
    request: { params: IdParam, body: jsonBody(MergeInputSchema) },
    responses: { 200: jsonContent(TopicSchema, 'The topic kept'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await topics.mergeTopic(db, actor, c.req.valid('param').id, c.req.valid('json'), lang), 200)
  },
)

topicsApi.openapi(
  createRoute({
    method: 'post',
    path: '/topics/{id}/split',
    tags,
    summary: 'Split a new topic off this one',
    security,
    request: { params: IdParam, body: jsonBody(SplitInputSchema) },
    responses: { 201: jsonContent(TopicSchema, 'The new topic'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await topics.splitTopic(db, actor, c.req.valid('param').id, c.req.valid('json'), lang), 201)
  },
)

for (const [method, support] of [
  ['post', true],
  ['delete', false],
] as const) {
  topicsApi.openapi(
    createRoute({
      method,
      path: '/topics/{id}/supports',
      tags,
      summary: support
        ? 'Support the topic for an organization you speak for (one support per organization)'
        : 'Withdraw an organization’s support',
      security,
      request: { params: IdParam, body: jsonBody(SupportInputSchema) },
      responses: { 200: jsonContent(TopicSchema, 'The topic'), ...errorResponses },
    }),
    async (c) => {
      const { db, actor, lang } = scope(c)
      return c.json(
        await topics.supportTopic(
          db,
          actor,
          c.req.valid('param').id,
          c.req.valid('json').organizationId,
          support,
          lang,
        ),
        200,
      )
    },
  )
}

topicsApi.openapi(
  createRoute({
    method: 'get',
    path: '/topic-lifecycle',
    tags,
    summary: 'The allowed lifecycle moves',
    security,
    responses: { 200: jsonContent(TransitionRulesSchema, 'The rules'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const rules = await topics.readTransitionRules(db, actor)
    return c.json({ rules: [...rules].flatMap(([from, tos]) => tos.map((to) => ({ from, to }))) }, 200)
  },
)

topicsApi.openapi(
  createRoute({
    method: 'put',
    path: '/topic-lifecycle',
    tags,
    summary: 'Replace the allowed lifecycle moves (administrators)',
    security,
    request: { body: jsonBody(TransitionRulesSchema) },
    responses: { 200: jsonContent(TransitionRulesSchema, 'The rules'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const rules = await topics.setTransitionRules(db, actor, c.req.valid('json').rules)
    return c.json({ rules: [...rules].flatMap(([from, tos]) => tos.map((to) => ({ from, to }))) }, 200)
  },
)

topicsApi.openapi(
  createRoute({
    method: 'get',
    path: '/priorities',
    tags: ['Strategy'],
    summary: 'Strategic priorities and new and emerging technologies (TSAG’s mechanism)',
    security,
    request: {
      query: z.object({ includeArchived: z.preprocess((v) => v === 'true', z.boolean()).default(false) }),
    },
    responses: { 200: jsonContent(z.array(PrioritySchema), 'Priorities'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await topics.listPriorities(db, actor, lang, c.req.valid('query').includeArchived), 200)
  },
)

topicsApi.openapi(
  createRoute({
    method: 'post',
    path: '/priorities',
    tags: ['Strategy'],
    summary: 'Add a strategic priority or emerging technology',
    security,
    request: { body: jsonBody(PriorityInputSchema) },
    responses: { 201: jsonContent(PrioritySchema, 'The priority'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await topics.savePriority(db, actor, null, c.req.valid('json'), lang), 201)
  },
)

topicsApi.openapi(
  createRoute({
    method: 'put',
    path: '/priorities/{id}',
    tags: ['Strategy'],
    summary: 'Edit a strategic priority (its weight and period too)',
    security,
    request: {
      params: IdParam,
      body: jsonBody(PriorityInputSchema.and(z.object({ version: z.number().int().min(1).optional() }))),
    },
    responses: { 200: jsonContent(PrioritySchema, 'The priority'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(
      await topics.savePriority(db, actor, c.req.valid('param').id, c.req.valid('json'), lang),
      200,
    )
  },
)

topicsApi.openapi(
  createRoute({
    method: 'post',
    path: '/priorities/{id}/archive',
    tags: ['Strategy'],
    summary: 'Archive a priority (its topics keep the link)',
    security,
    request: { params: IdParam },
    responses: { 204: { description: 'Archived' }, ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    await topics.archivePriority(db, actor, c.req.valid('param').id, true)
    return c.body(null, 204)
  },
)
