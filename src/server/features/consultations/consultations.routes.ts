import { createRoute, z } from '@hono/zod-openapi'
import { scope } from '../../http/context.ts'
import {
  createApi,
  errorResponses,
  IdParam,
  jsonBody,
  jsonContent,
  publicSecurity,
  security,
} from '../../http/openapi.ts'
import {
  ConsultationInputSchema,
  ConsultationSchema,
  ResponseInputSchema,
  ResponseSchema,
  ResultsSchema,
  TargetSchema,
} from './consultations.schema.ts'
import * as consultations from './consultations.service.ts'
import { QuestionnaireSchema } from './questionnaire.ts'
import { consultationResults, MIN_CELL_SIZE } from './results.ts'

export const consultationsApi = createApi()
const tags = ['Consultations']
const TargetParams = IdParam.extend({
  targetId: z.uuid().openapi({ param: { name: 'targetId', in: 'path' } }),
})

consultationsApi.openapi(
  createRoute({
    method: 'post',
    path: '/consultations',
    tags,
    summary: 'Create a consultation (draft) with its questionnaire',
    security,
    request: { body: jsonBody(ConsultationInputSchema) },
    responses: { 201: jsonContent(ConsultationSchema, 'The consultation'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await consultations.createConsultation(db, actor, c.req.valid('json'), lang), 201)
  },
)

consultationsApi.openapi(
  createRoute({
    method: 'get',
    path: '/consultations/{id}',
    tags,
    summary: 'One consultation with its current questionnaire',
    security,
    request: { params: IdParam },
    responses: { 200: jsonContent(ConsultationSchema, 'The consultation'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await consultations.getConsultation(db, actor, c.req.valid('param').id, lang), 200)
  },
)

consultationsApi.openapi(
  createRoute({
    method: 'put',
    path: '/consultations/{id}/questionnaire',
    tags,
    summary: 'Revise the questionnaire (a new version; earlier answers keep theirs)',
    security,
    request: {
      params: IdParam,
      body: jsonBody(QuestionnaireSchema.openapi('Questionnaire', { type: 'object' })),
    },
    responses: {
      200: jsonContent(z.object({ version: z.number().int() }), 'The new version'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(
      {
        version: await consultations.reviseQuestionnaire(
          db,
          actor,
          c.req.valid('param').id,
          c.req.valid('json'),
        ),
      },
      200,
    )
  },
)

for (const [verb, summary] of [
  ['open', 'Open: resolve the audience into targets'],
  ['close', 'Close: no more answers'],
] as const) {
  consultationsApi.openapi(
    createRoute({
      method: 'post',
      path: `/consultations/{id}/${verb}`,
      tags,
      summary,
      security,
      request: { params: IdParam },
      responses: { 200: jsonContent(ConsultationSchema, 'The consultation'), ...errorResponses },
    }),
    async (c) => {
      const { db, actor, lang } = scope(c)
      const { id } = c.req.valid('param')
      if (verb === 'open') await consultations.openConsultation(db, actor, id)
      else await consultations.closeConsultation(db, actor, id)
      return c.json(await consultations.getConsultation(db, actor, id, lang), 200)
    },
  )
}

consultationsApi.openapi(
  createRoute({
    method: 'get',
    path: '/consultations/{id}/targets',
    tags,
    summary: 'The countries or organizations you answer for (all, for the secretariat)',
    security,
    request: { params: IdParam },
    responses: { 200: jsonContent(z.array(TargetSchema), 'Targets'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await consultations.targetsFor(db, actor, c.req.valid('param').id, lang), 200)
  },
)

consultationsApi.openapi(
  createRoute({
    method: 'get',
    path: '/consultations/{id}/responses/{targetId}',
    tags,
    summary: 'The response of one target',
    security,
    request: { params: TargetParams },
    responses: { 200: jsonContent(ResponseSchema.nullable(), 'The response, or null'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const { id, targetId } = c.req.valid('param')
    return c.json(await consultations.getResponse(db, actor, id, targetId), 200)
  },
)

consultationsApi.openapi(
  createRoute({
    method: 'put',
    path: '/consultations/{id}/responses/{targetId}',
    tags,
    summary: 'Save a draft or submit the response',
    security,
    request: { params: TargetParams, body: jsonBody(ResponseInputSchema) },
    responses: { 200: jsonContent(ResponseSchema, 'The saved response'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const { id, targetId } = c.req.valid('param')
    return c.json(await consultations.saveResponse(db, actor, id, targetId, c.req.valid('json')), 200)
  },
)

consultationsApi.openapi(
  createRoute({
    method: 'get',
    path: '/consultations/{id}/results',
    tags,
    summary: 'Results: response rates and per-question summaries',
    description: `Full results for the secretariat. When the consultation publishes aggregated results, anyone gets counts, with cells under ${MIN_CELL_SIZE} hidden (null) and no free text.`,
    security: publicSecurity,
    request: { params: IdParam },
    responses: { 200: jsonContent(ResultsSchema, 'The results'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await consultationResults(db, actor, c.req.valid('param').id), 200)
  },
)
