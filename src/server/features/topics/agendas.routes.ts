import { createRoute, z } from '@hono/zod-openapi'
import { scope } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import {
  createApi,
  errorResponses,
  IdParam,
  jsonBody,
  jsonContent,
  publicSecurity,
  security,
} from '../../http/openapi.ts'
import { LocalizedSchema } from '../directory/directory.schema.ts'
import * as agendas from './agendas.service.ts'
import { SCORE_COMPONENTS } from './score.ts'

export const agendasApi = createApi()
const tags = ['Agendas']

const ScoreSchema = z
  .object({
    total: z.number(),
    parts: z.array(
      z.object({
        component: z.enum(SCORE_COMPONENTS),
        value: z.number(),
        weight: z.number(),
        points: z.number(),
      }),
    ),
  })
  .openapi('TopicScore')

const AgendaSchema = z
  .object({
    id: z.uuid(),
    meetingId: z.uuid(),
    version: z.number().int(),
    status: z.enum(['draft', 'published']),
    publishedAt: z.string().nullable(),
    lockVersion: z.number().int(),
    items: z.array(
      z.object({
        id: z.uuid(),
        position: z.number().int(),
        sessionId: z.uuid().nullable(),
        sessionTitle: z.string().nullable(),
        topicId: z.uuid().nullable(),
        topicState: z.string().nullable(),
        title: z.string(),
        note: z.string(),
        reasons: ScoreSchema.nullable().openapi({ description: 'The score that put the topic there' }),
      }),
    ),
  })
  .openapi('Agenda')

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
const SessionRef = z.preprocess(blank, z.uuid().optional()).transform((v) => v ?? null)
const Note = z.string().trim().max(2000, { error: 'too_long' }).default('')

export const AgendaEditSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('add_topic'), topicId: z.uuid(), sessionId: SessionRef, note: Note }),
    z.object({
      kind: z.literal('add_free'),
      titles: LocalizedSchema.refine((n) => Object.keys(n).length > 0, { error: 'name_required' }),
      sessionId: SessionRef,
      note: Note,
    }),
    z.object({ kind: z.literal('remove'), itemId: z.uuid() }),
    z.object({ kind: z.literal('move'), itemId: z.uuid(), direction: z.enum(['up', 'down']) }),
    z.object({ kind: z.literal('update'), itemId: z.uuid(), sessionId: SessionRef, note: Note }),
  ])
  .and(z.object({ lockVersion: z.coerce.number().int().min(1).optional() }))
  .openapi('AgendaEdit', {
    description:
      'One change to the working draft. Give the draft’s lockVersion to be told (409) of concurrent edits.',
  })

export const WeightsSchema = z
  .object(
    Object.fromEntries(
      SCORE_COMPONENTS.map((c) => [
        c,
        z.coerce.number({ error: 'number_invalid' }).min(0, { error: 'number_out_of_range' }).max(100, {
          error: 'number_out_of_range',
        }),
      ]),
    ) as Record<(typeof SCORE_COMPONENTS)[number], z.ZodNumber>,
  )
  .openapi('ScoreWeights')

agendasApi.openapi(
  createRoute({
    method: 'get',
    path: '/meetings/{id}/agendas',
    tags,
    summary:
      'A meeting’s published agenda versions (newest first), and the working draft for the secretariat',
    security: publicSecurity,
    request: { params: IdParam },
    responses: {
      200: jsonContent(
        z.object({ published: z.array(AgendaSchema), draft: AgendaSchema.nullable() }),
        'Agendas',
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await agendas.meetingAgendas(db, actor, c.req.valid('param').id, lang), 200)
  },
)

agendasApi.openapi(
  createRoute({
    method: 'get',
    path: '/meetings/{id}/agenda-candidates',
    tags,
    summary: 'Candidate topics ranked by score, with every component and its weight',
    security,
    request: { params: IdParam },
    responses: {
      200: jsonContent(
        z.array(
          z.object({
            topicId: z.uuid(),
            title: z.string(),
            state: z.string(),
            score: ScoreSchema,
            onDraft: z.boolean(),
          }),
        ),
        'Candidates',
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await agendas.candidates(db, actor, c.req.valid('param').id, lang), 200)
  },
)

agendasApi.openapi(
  createRoute({
    method: 'post',
    path: '/meetings/{id}/agenda/edits',
    tags,
    summary:
      'Change the working draft: add a topic or a free item, move, remove, or set an item’s session and note',
    security,
    request: { params: IdParam, body: jsonBody(AgendaEditSchema) },
    responses: { 200: jsonContent(AgendaSchema, 'The draft'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const { lockVersion, ...edit } = c.req.valid('json')
    return c.json(
      await agendas.editAgenda(
        db,
        actor,
        c.req.valid('param').id,
        edit as agendas.AgendaEdit,
        lockVersion,
        lang,
      ),
      200,
    )
  },
)

agendasApi.openapi(
  createRoute({
    method: 'post',
    path: '/meetings/{id}/agenda/publish',
    tags,
    summary: 'Publish the working draft as the next version (published versions never change)',
    security,
    request: { params: IdParam, body: jsonBody(z.object({ lockVersion: z.number().int().min(1) })) },
    responses: { 200: jsonContent(AgendaSchema, 'The published version'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(
      await agendas.publishAgenda(db, actor, c.req.valid('param').id, c.req.valid('json').lockVersion, lang),
      200,
    )
  },
)

agendasApi.openapi(
  createRoute({
    method: 'get',
    path: '/meetings/{id}/agendas/diff',
    tags,
    summary: 'What changed between two published versions',
    security: publicSecurity,
    request: {
      params: IdParam,
      query: z.object({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) }),
    },
    responses: {
      200: jsonContent(
        z.object({
          added: z.array(z.string()),
          removed: z.array(z.string()),
          moved: z.array(z.object({ title: z.string(), from: z.number().int(), to: z.number().int() })),
        }),
        'The differences',
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const { from, to } = c.req.valid('query')
    const { published } = await agendas.meetingAgendas(db, actor, c.req.valid('param').id, lang)
    const a = published.find((x) => x.version === from)
    const b = published.find((x) => x.version === to)
    if (!a || !b) throw new AppError('NOT_FOUND')
    return c.json(agendas.diffAgendas(a, b), 200)
  },
)

agendasApi.openapi(
  createRoute({
    method: 'get',
    path: '/topic-score-weights',
    tags,
    summary: 'The weights of the agenda score',
    security,
    responses: { 200: jsonContent(WeightsSchema, 'Weights'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    if (!isMember(actor)) throw new AppError('UNAUTHENTICATED')
    return c.json(await agendas.scoreWeights(db), 200)
  },
)

agendasApi.openapi(
  createRoute({
    method: 'put',
    path: '/topic-score-weights',
    tags,
    summary: 'Set the weights of the agenda score (secretariat)',
    security,
    request: { body: jsonBody(WeightsSchema) },
    responses: { 200: jsonContent(WeightsSchema, 'Weights'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await agendas.setScoreWeights(db, actor, c.req.valid('json')), 200)
  },
)

function isMember(actor: { kind: string }): boolean {
  return actor.kind === 'user' || actor.kind === 'system'
}
