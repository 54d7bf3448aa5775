import { createRoute, z } from '@hono/zod-openapi'
import { scope } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import {
  createApi,
  errorResponses,
  IdParam,
  jsonBody,
  jsonContent,
  pageOf,
  publicSecurity,
  security,
} from '../../http/openapi.ts'
import {
  ConsultationInputSchema,
  ConsultationQuerySchema,
  ConsultationSchema,
  ConsultationSummarySchema,
  ResponseInputSchema,
  ResponseSchema,
  ResultsSchema,
  TargetSchema,
} from './consultations.schema.ts'
import * as consultations from './consultations.service.ts'
import { exportTables, tablesToXlsx, tableToCsv } from './export.ts'
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
    path: '/consultations',
    tags,
    summary: 'Consultations you may see: all for the secretariat; those asking you, or published, for others',
    security: publicSecurity,
    request: { query: ConsultationQuerySchema },
    responses: {
      200: jsonContent(pageOf(ConsultationSummarySchema, 'ConsultationPage'), 'A page of consultations'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const q = c.req.valid('query')
    const { items, total } = await consultations.listConsultations(db, actor, q, lang)
    return c.json({ items, total, page: q.page, pageSize: q.pageSize }, 200)
  },
)

consultationsApi.openapi(
  createRoute({
    method: 'put',
    path: '/consultations/{id}',
    tags,
    summary: 'Edit a consultation (a draft in every respect; once open, titles, closing date and questions)',
    security,
    request: { params: IdParam, body: jsonBody(ConsultationInputSchema) },
    responses: { 200: jsonContent(ConsultationSchema, 'The consultation'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(
      await consultations.updateConsultation(db, actor, c.req.valid('param').id, c.req.valid('json'), lang),
      200,
    )
  },
)

consultationsApi.openapi(
  createRoute({
    method: 'get',
    path: '/consultations/{id}/export',
    tags,
    summary: 'Export responses and the results summary as CSV or XLSX',
    description:
      'The secretariat gets every response and the summary; a focal point or representative, their own response; anyone else, the published summary when the consultation publishes aggregates. CSV carries one table (`table=responses` or `summary`); XLSX carries each table as a sheet.',
    security: publicSecurity,
    request: {
      params: IdParam,
      query: z.object({
        format: z.enum(['csv', 'xlsx']).default('csv'),
        table: z.enum(['responses', 'summary']).optional(),
      }),
    },
    responses: {
      200: {
        description: 'The file',
        content: {
          'text/csv': { schema: z.string() },
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
            schema: z.string().openapi({ format: 'binary' }),
          },
        },
      },
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const { id } = c.req.valid('param')
    const { format, table } = c.req.valid('query')
    const tables = await exportTables(db, actor, id, lang)
    const chosen = (table ? [tables[table]] : [tables.responses, tables.summary]).filter(
      (x): x is NonNullable<typeof x> => !!x,
    )
    if (!chosen.length) throw new AppError('CONSULTATION_NOT_FOUND')
    const name = `engage-consultation-${id.slice(0, 8)}`
    if (format === 'xlsx') {
      return new Response(new Uint8Array(await tablesToXlsx(chosen)), {
        status: 200,
        headers: {
          'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'Content-Disposition': `attachment; filename="${name}.xlsx"`,
        },
      })
    }
    return new Response(tableToCsv(chosen[0]!), {
      status: 200,
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${name}.csv"`,
      },
    })
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
      if (verb === 'open') await consultations.openConsultation(db, actor, id, c.get('deps').env.publicUrl)
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
