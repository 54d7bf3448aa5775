import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { SectorCode, sectorFilter } from '../features/structure/scope.ts'
import { type AppEnv, scope } from '../http/context.ts'
import {
  createApi,
  errorResponses,
  IdParam,
  jsonBody,
  jsonContent,
  PageQuery,
  pageOf,
  security,
} from '../http/openapi.ts'
import { REPORT_KINDS } from './model.ts'
import {
  getIssue,
  getJob,
  ISSUE_SORTS,
  type IssuedReport,
  listIssues,
  type ReportJob,
  ReportRequestSchema,
  requestReport,
  runReportJobs,
  verifyIssue,
} from './reports.service.ts'

/**
 * The reports through the API (issue 11): ask for a report (of a Sector, addressed to a body), follow its
 * generation, and list the issued reports by body or Sector. The documents themselves are downloaded from
 * the pages' download links (DOCX, HTML, JSON, CSV), which accept the same token.
 */
export const reportsApi = createApi()
const tags = ['Reports']

const ParamsSchema = z
  .object({
    meetingId: z.uuid().optional(),
    panelId: z.uuid().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    sector: z
      .string()
      .optional()
      .openapi({ description: 'A Sector’s code or `union`; absent: every Sector' }),
    addressedTo: z.uuid().optional(),
  })
  .openapi('ReportParams')

const AddressedToSchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z
      .string()
      .openapi({ description: 'The body’s name on the report’s date, in the report’s language' }),
  })
  .nullable()
  .openapi('ReportAddressee')

const sectorOut = z
  .string()
  .nullable()
  .openapi({ description: 'The report’s Sector (code); null: Union-wide, or every Sector' })

const ReportJobSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(REPORT_KINDS),
    params: ParamsSchema,
    sector: sectorOut,
    addressedTo: AddressedToSchema,
    lang: z.string(),
    asOf: z.string(),
    status: z.enum(['queued', 'running', 'done', 'failed']),
    progress: z.number().int(),
    step: z.string(),
    error: z.string().nullable(),
    requestedBy: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    download: z.string().openapi({ description: 'Where the generated report is downloaded (?format=docx…)' }),
  })
  .openapi('ReportJob')

const IssuedReportSchema = z
  .object({
    id: z.uuid(),
    jobId: z.uuid().nullable(),
    kind: z.enum(REPORT_KINDS),
    params: ParamsSchema,
    sector: sectorOut,
    addressedTo: AddressedToSchema,
    lang: z.string(),
    asOf: z.string(),
    documentNumber: z.string(),
    title: z.string(),
    checksum: z.string(),
    issuedBy: z.string(),
    issuedAt: z.string(),
    download: z.string(),
  })
  .openapi('IssuedReport')

const IssueDetailSchema = IssuedReportSchema.extend({
  intact: z.boolean().openapi({ description: 'The stored report still matches its checksum' }),
}).openapi('IssuedReportDetail')

const blank = (v: unknown) => (v === '' ? undefined : v)
const IssueQuerySchema = z.object({
  kind: z.preprocess(blank, z.enum(REPORT_KINDS, { error: 'choice_invalid' }).optional()),
  q: z.preprocess(blank, z.string().trim().max(200).optional()),
  body: z.preprocess(blank, z.uuid({ error: 'report_addressee_unknown' }).optional()).openapi({
    description: 'Only the reports addressed to this body (its id)',
  }),
  sector: z.preprocess(blank, SectorCode.optional()).openapi({
    description: 'A Sector’s code, or `union` for the Union-wide reports (and those on every Sector)',
  }),
  sort: z.preprocess(blank, z.enum(ISSUE_SORTS).optional()),
  ...PageQuery,
})

const jobOut = (j: ReportJob) => {
  const { model: _model, findingsEditedAt: _a, findingsEditedBy: _b, ...rest } = j
  return { ...rest, download: `/reports/jobs/${j.id}/download` }
}
const issueOut = (i: IssuedReport) => {
  const { model: _model, ...rest } = i
  return { ...rest, download: `/reports/issued/${i.id}/download` }
}

/** Runs the queue in the background of this instance; the timer in main.ts catches anything left. */
export function kickReportJobs(c: Context<AppEnv>) {
  if (!c.get('deps').kickJobs) return
  const db = c.get('deps').database.db
  setImmediate(() => {
    runReportJobs(db).catch((e) => console.error('report jobs:', e))
  })
}

reportsApi.openapi(
  createRoute({
    method: 'post',
    path: '/reports',
    tags,
    summary: 'Ask for a report (secretariat): generated in the background',
    description:
      'A period report (`follow-up`, `wtsa`) can be limited to a Sector (`sector`); a secretariat limited to ' +
      'a Sector may ask only for its own (403 SECTOR_OUT_OF_SCOPE). `addressedTo` names the body the report ' +
      'goes to; a body that did not exist on the report’s date is refused (422 BODY_NOT_IN_PERIOD, with its ' +
      'dates). `panel`: the Industry Advisory Panel’s report to the Council, for `panelId`.',
    security,
    request: { body: jsonBody(ReportRequestSchema) },
    responses: { 202: jsonContent(ReportJobSchema, 'The queued report'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const job = await requestReport(db, actor, c.req.valid('json'))
    kickReportJobs(c)
    return c.json(jobOut(job), 202)
  },
)

reportsApi.openapi(
  createRoute({
    method: 'get',
    path: '/reports/jobs/{id}',
    tags,
    summary: 'A requested report: its progress, and where to download it once generated (secretariat)',
    security,
    request: { params: IdParam },
    responses: { 200: jsonContent(ReportJobSchema, 'The report job'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(jobOut(await getJob(db, actor, c.req.valid('param').id)), 200)
  },
)

reportsApi.openapi(
  createRoute({
    method: 'get',
    path: '/reports/issued',
    tags,
    summary: 'Issued reports, by kind, body addressed to and Sector (secretariat)',
    security,
    request: { query: IssueQuerySchema },
    responses: {
      200: jsonContent(pageOf(IssuedReportSchema, 'IssuedReportPage'), 'A page'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const q = c.req.valid('query')
    const { items, total } = await listIssues(db, actor, {
      kind: q.kind,
      search: q.q,
      body: q.body,
      sectorId: await sectorFilter(db, q.sector),
      sort: q.sort ?? 'issued',
      page: q.page,
      pageSize: q.pageSize,
    })
    return c.json({ items: items.map(issueOut), total, page: q.page, pageSize: q.pageSize }, 200)
  },
)

reportsApi.openapi(
  createRoute({
    method: 'get',
    path: '/reports/issued/{id}',
    tags,
    summary: 'One issued report, and whether it still matches its checksum (secretariat)',
    security,
    request: { params: IdParam },
    responses: { 200: jsonContent(IssueDetailSchema, 'The issued report'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const issue = await getIssue(db, actor, c.req.valid('param').id)
    return c.json({ ...issueOut(issue), intact: verifyIssue(issue) }, 200)
  },
)
