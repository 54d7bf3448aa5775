import { createRoute, z } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { type AppEnv, scope } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import {
  createApi,
  errorResponses,
  IdParam,
  jsonBody,
  jsonContent,
  ProblemSchema,
  pageOf,
  publicSecurity,
  security,
} from '../../http/openapi.ts'
import {
  CountryCode,
  CountryQuerySchema,
  CountrySchema,
  CountryUpdateSchema,
  CreatedIdSchema,
  GroupDetailSchema,
  GroupInputSchema,
  GroupSchema,
  ImportReportSchema,
  MembershipChangeSchema,
  MembershipEndSchema,
  MembershipInputSchema,
  OrganizationInputSchema,
  OrganizationQuerySchema,
  OrganizationSchema,
  PersonDataExportSchema,
  PersonInputSchema,
  PersonQuerySchema,
  PersonSchema,
} from './directory.schema.ts'
import * as directory from './directory.service.ts'
import { MAX_IMPORT_BYTES } from './import/csv.ts'
import {
  type ExportFormat,
  exportCountries,
  exportOrganizations,
  exportPeople,
} from './import/directory.export.ts'
import { IMPORT_KINDS, importCsv, importCsvOnce } from './import/directory.import.ts'

export const directoryApi = createApi()

const CodeParam = z.object({ code: CountryCode.openapi({ param: { name: 'code', in: 'path' } }) })

// ---------------------------------------------------------------- countries

directoryApi.openapi(
  createRoute({
    method: 'get',
    path: '/countries',
    tags: ['Countries'],
    summary: 'List countries, sorted by name in the requested language',
    security: publicSecurity,
    request: { query: CountryQuerySchema },
    responses: { 200: jsonContent(z.array(CountrySchema), 'The countries'), ...errorResponses },
  }),
  async (c) => {
    const { db, lang } = scope(c)
    return c.json(await directory.listCountries(db, lang, c.req.valid('query')), 200)
  },
)

directoryApi.openapi(
  createRoute({
    method: 'get',
    path: '/countries/{code}',
    tags: ['Countries'],
    summary: 'One country',
    security: publicSecurity,
    request: { params: CodeParam },
    responses: { 200: jsonContent(CountrySchema, 'The country'), ...errorResponses },
  }),
  async (c) => {
    const { db, lang } = scope(c)
    return c.json(await directory.getCountry(db, c.req.valid('param').code, lang), 200)
  },
)

directoryApi.openapi(
  createRoute({
    method: 'patch',
    path: '/countries/{code}',
    tags: ['Countries'],
    summary: 'Update a country’s names, region, status or tags (administrators)',
    security,
    request: { params: CodeParam, body: jsonBody(CountryUpdateSchema) },
    responses: { 200: jsonContent(CountrySchema, 'The updated country'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const { code } = c.req.valid('param')
    const country = await directory.updateCountry(db, actor, code, c.req.valid('json'), lang)
    return c.json(country, 200)
  },
)

// ---------------------------------------------------------------- organizations

directoryApi.openapi(
  createRoute({
    method: 'get',
    path: '/organizations',
    tags: ['Organizations'],
    summary: 'Search organizations',
    security: publicSecurity,
    request: { query: OrganizationQuerySchema },
    responses: {
      200: jsonContent(pageOf(OrganizationSchema, 'OrganizationPage'), 'A page of organizations'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await directory.searchOrganizations(db, actor, c.req.valid('query'), lang), 200)
  },
)

directoryApi.openapi(
  createRoute({
    method: 'post',
    path: '/organizations',
    tags: ['Organizations'],
    summary: 'Create an organization (secretariat)',
    security,
    request: { body: jsonBody(OrganizationInputSchema) },
    responses: { 201: jsonContent(OrganizationSchema, 'The new organization'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await directory.createOrganization(db, actor, c.req.valid('json'), lang), 201)
  },
)

directoryApi.openapi(
  createRoute({
    method: 'get',
    path: '/organizations/{id}',
    tags: ['Organizations'],
    summary: 'One organization',
    security: publicSecurity,
    request: { params: IdParam },
    responses: { 200: jsonContent(OrganizationSchema, 'The organization'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await directory.getOrganization(db, actor, c.req.valid('param').id, lang), 200)
  },
)

directoryApi.openapi(
  createRoute({
    method: 'put',
    path: '/organizations/{id}',
    tags: ['Organizations'],
    summary: 'Replace an organization’s details',
    description: 'Only the secretariat may change the category or country.',
    security,
    request: { params: IdParam, body: jsonBody(OrganizationInputSchema) },
    responses: { 200: jsonContent(OrganizationSchema, 'The updated organization'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const { id } = c.req.valid('param')
    const organization = await directory.updateOrganization(db, actor, id, c.req.valid('json'), lang)
    return c.json(organization, 200)
  },
)

for (const [action, archived] of [
  ['archive', true],
  ['restore', false],
] as const) {
  directoryApi.openapi(
    createRoute({
      method: 'post',
      path: `/organizations/{id}/${action}`,
      tags: ['Organizations'],
      summary: archived
        ? 'Archive an organization (ends its current group memberships)'
        : 'Restore an archived organization',
      security,
      request: { params: IdParam },
      responses: { 200: jsonContent(OrganizationSchema, 'The organization'), ...errorResponses },
    }),
    async (c) => {
      const { db, actor, lang } = scope(c)
      const { id } = c.req.valid('param')
      const organization = await directory.setOrganizationArchived(db, actor, id, archived, lang)
      return c.json(organization, 200)
    },
  )
}

// ---------------------------------------------------------------- people

directoryApi.openapi(
  createRoute({
    method: 'get',
    path: '/people',
    tags: ['People'],
    summary: 'Search people',
    description: 'Anonymous callers and other members see only people who consented to be listed.',
    security: publicSecurity,
    request: { query: PersonQuerySchema },
    responses: {
      200: jsonContent(pageOf(PersonSchema, 'PersonPage'), 'A page of people'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await directory.searchPeople(db, actor, c.req.valid('query')), 200)
  },
)

directoryApi.openapi(
  createRoute({
    method: 'post',
    path: '/people',
    tags: ['People'],
    summary: 'Add a person to an organization',
    security,
    request: { body: jsonBody(PersonInputSchema) },
    responses: { 201: jsonContent(PersonSchema, 'The new person'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await directory.createPerson(db, actor, c.req.valid('json')), 201)
  },
)

directoryApi.openapi(
  createRoute({
    method: 'get',
    path: '/people/{id}',
    tags: ['People'],
    summary: 'One person',
    security: publicSecurity,
    request: { params: IdParam },
    responses: { 200: jsonContent(PersonSchema, 'The person'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await directory.getPerson(db, actor, c.req.valid('param').id), 200)
  },
)

directoryApi.openapi(
  createRoute({
    method: 'put',
    path: '/people/{id}',
    tags: ['People'],
    summary: 'Replace a person’s details',
    security,
    request: { params: IdParam, body: jsonBody(PersonInputSchema) },
    responses: { 200: jsonContent(PersonSchema, 'The updated person'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await directory.updatePerson(db, actor, c.req.valid('param').id, c.req.valid('json')), 200)
  },
)

for (const [action, archived] of [
  ['archive', true],
  ['restore', false],
] as const) {
  directoryApi.openapi(
    createRoute({
      method: 'post',
      path: `/people/{id}/${action}`,
      tags: ['People'],
      summary: archived ? 'Archive a person' : 'Restore an archived person',
      security,
      request: { params: IdParam },
      responses: { 200: jsonContent(PersonSchema, 'The person'), ...errorResponses },
    }),
    async (c) => {
      const { db, actor } = scope(c)
      return c.json(await directory.setPersonArchived(db, actor, c.req.valid('param').id, archived), 200)
    },
  )
}

directoryApi.openapi(
  createRoute({
    method: 'get',
    path: '/people/{id}/export',
    tags: ['People'],
    summary: 'Everything held on one person (subject-access request)',
    security,
    request: { params: IdParam },
    responses: { 200: jsonContent(PersonDataExportSchema, 'The personal data'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    return c.json(await directory.exportPersonData(db, actor, c.req.valid('param').id), 200)
  },
)

directoryApi.openapi(
  createRoute({
    method: 'post',
    path: '/people/{id}/erase',
    tags: ['People'],
    summary: 'Erase a person’s personal data (right to be forgotten)',
    description: 'The record stays as an anonymous placeholder so that history keeps its counts.',
    security,
    request: { params: IdParam },
    responses: { 204: { description: 'Erased (or already erased)' }, ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    await directory.erasePerson(db, actor, c.req.valid('param').id)
    return c.body(null, 204)
  },
)

// ---------------------------------------------------------------- groups and memberships

directoryApi.openapi(
  createRoute({
    method: 'get',
    path: '/groups',
    tags: ['Groups'],
    summary: 'List engagement groups',
    security: publicSecurity,
    responses: { 200: jsonContent(z.array(GroupSchema), 'The groups'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await directory.listGroups(db, actor, lang), 200)
  },
)

directoryApi.openapi(
  createRoute({
    method: 'post',
    path: '/groups',
    tags: ['Groups'],
    summary: 'Create a group (secretariat)',
    security,
    request: { body: jsonBody(GroupInputSchema) },
    responses: { 201: jsonContent(GroupSchema, 'The new group'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    return c.json(await directory.createGroup(db, actor, c.req.valid('json'), lang), 201)
  },
)

directoryApi.openapi(
  createRoute({
    method: 'get',
    path: '/groups/{id}',
    tags: ['Groups'],
    summary: 'One group with its memberships, past and current',
    security: publicSecurity,
    request: { params: IdParam },
    responses: { 200: jsonContent(GroupDetailSchema, 'The group'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const group = await directory.getGroup(db, actor, c.req.valid('param').id, lang)
    return c.json({ ...group, memberships: await directory.listMemberships(db, actor, group.id) }, 200)
  },
)

directoryApi.openapi(
  createRoute({
    method: 'put',
    path: '/groups/{id}',
    tags: ['Groups'],
    summary: 'Replace a group’s kind, names and descriptions',
    security,
    request: { params: IdParam, body: jsonBody(GroupInputSchema) },
    responses: { 200: jsonContent(GroupSchema, 'The updated group'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const group = await directory.updateGroup(db, actor, c.req.valid('param').id, c.req.valid('json'), lang)
    return c.json(group, 200)
  },
)

for (const [action, archived] of [
  ['archive', true],
  ['restore', false],
] as const) {
  directoryApi.openapi(
    createRoute({
      method: 'post',
      path: `/groups/{id}/${action}`,
      tags: ['Groups'],
      summary: archived ? 'Archive a group' : 'Restore an archived group',
      security,
      request: { params: IdParam },
      responses: { 200: jsonContent(GroupSchema, 'The group'), ...errorResponses },
    }),
    async (c) => {
      const { db, actor, lang } = scope(c)
      return c.json(await directory.setGroupArchived(db, actor, c.req.valid('param').id, archived, lang), 200)
    },
  )
}

directoryApi.openapi(
  createRoute({
    method: 'post',
    path: '/groups/{id}/memberships',
    tags: ['Groups'],
    summary: 'Add an organization to a group',
    security,
    request: { params: IdParam, body: jsonBody(MembershipInputSchema) },
    responses: { 201: jsonContent(CreatedIdSchema, 'The new membership'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const id = await directory.addMembership(db, actor, c.req.valid('param').id, c.req.valid('json'))
    return c.json({ id }, 201)
  },
)

directoryApi.openapi(
  createRoute({
    method: 'post',
    path: '/memberships/{id}/change',
    tags: ['Groups'],
    summary: 'Change a membership’s principal or alternate',
    description:
      'From the effective date a new period begins and the current one ends the day before; a change ' +
      'dated on the first day of the period corrects it in place. Answers the id of the current period.',
    security,
    request: { params: IdParam, body: jsonBody(MembershipChangeSchema) },
    responses: { 200: jsonContent(CreatedIdSchema, 'The current membership period'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const id = await directory.changeMembership(db, actor, c.req.valid('param').id, c.req.valid('json'))
    return c.json({ id }, 200)
  },
)

directoryApi.openapi(
  createRoute({
    method: 'post',
    path: '/memberships/{id}/end',
    tags: ['Groups'],
    summary: 'End a membership',
    security,
    request: { params: IdParam, body: jsonBody(MembershipEndSchema) },
    responses: { 204: { description: 'Ended' }, ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    await directory.endMembership(db, actor, c.req.valid('param').id, c.req.valid('json').endDate)
    return c.body(null, 204)
  },
)

// ---------------------------------------------------------------- import and export

const ImportParams = z.object({ kind: z.enum(IMPORT_KINDS).openapi({ param: { name: 'kind', in: 'path' } }) })
const ImportQuery = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .openapi({ description: 'Check the file and report what would change, without writing' }),
})
const ExportQuery = { format: z.enum(['csv', 'json']).default('csv') }

// Counts the bytes as they arrive, so an oversized upload is refused before it is held in memory.
const importBodyLimit: MiddlewareHandler<AppEnv> = bodyLimit({
  maxSize: MAX_IMPORT_BYTES,
  onError: () => {
    throw new AppError('PAYLOAD_TOO_LARGE', { maxBytes: MAX_IMPORT_BYTES })
  },
})

const ImportHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, { error: 'printable ASCII without spaces' })
    .optional()
    .openapi({
      description:
        'Makes a real import safe to retry: the same key with the same file returns the first answer ' +
        '(header Idempotent-Replayed: true) and imports nothing again; the same key with another file is ' +
        'refused (422). Keys are kept a day, per user.',
      example: '2f1c9a64-5b1e-4c55-9a55-3d0c7e1b2a90',
    }),
})

directoryApi.openapi(
  createRoute({
    method: 'post',
    path: '/import/{kind}',
    tags: ['Import and export'],
    summary: 'Import a CSV file, all or nothing',
    description:
      'Every row is checked in one transaction; the import is written only when no row has an error. ' +
      'A dry run reports the same outcome and writes nothing.',
    security,
    middleware: [importBodyLimit] as const,
    request: {
      params: ImportParams,
      query: ImportQuery,
      headers: ImportHeaders,
      body: { required: true, content: { 'text/csv': { schema: z.string() } } },
    },
    responses: {
      200: jsonContent(ImportReportSchema, 'The report of a dry run or of a committed import'),
      ...errorResponses,
      413: {
        description: 'The file is too large',
        content: { 'application/problem+json': { schema: ProblemSchema } },
      },
      422: {
        description:
          'The file has errors and nothing was written (the report), or invalid parameters (a problem)',
        content: {
          'application/json': { schema: ImportReportSchema },
          'application/problem+json': { schema: ProblemSchema },
        },
      },
    },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const { dryRun } = c.req.valid('query')
    const key = c.req.valid('header')['idempotency-key']
    const { kind } = c.req.valid('param')
    const text = await c.req.text()
    const { report, replayed } =
      key && !dryRun
        ? await importCsvOnce(db, actor, kind, text, key)
        : { report: await importCsv(db, actor, kind, text, dryRun), replayed: false }
    if (replayed) c.header('Idempotent-Replayed', 'true')
    const failed = report.fileErrors.length > 0 || report.counts.error > 0
    return c.json(report, failed ? 422 : 200)
  },
)

const csvOrJson = <T extends z.ZodType>(item: T, description: string) => ({
  description,
  content: {
    'text/csv': { schema: z.string() },
    'application/json': { schema: z.array(item) },
  },
})

function download(kind: string, format: ExportFormat, text: string): Response {
  const headers: Record<string, string> =
    format === 'json'
      ? { 'Content-Type': 'application/json; charset=utf-8' }
      : {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="engage-${kind}.csv"`,
        }
  return new Response(text, { status: 200, headers })
}

directoryApi.openapi(
  createRoute({
    method: 'get',
    path: '/export/countries',
    tags: ['Import and export'],
    summary: 'Export all countries (CSV in the import format, or JSON)',
    security: publicSecurity,
    request: { query: z.object(ExportQuery) },
    responses: { 200: csvOrJson(CountrySchema, 'The countries'), ...errorResponses },
  }),
  async (c) => {
    const { db, lang } = scope(c)
    const { format } = c.req.valid('query')
    return download('countries', format, await exportCountries(db, lang, format))
  },
)

directoryApi.openapi(
  createRoute({
    method: 'get',
    path: '/export/organizations',
    tags: ['Import and export'],
    summary: 'Export the organizations matching the filters (all pages)',
    security: publicSecurity,
    request: { query: OrganizationQuerySchema.extend(ExportQuery) },
    responses: { 200: csvOrJson(OrganizationSchema, 'The organizations'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor, lang } = scope(c)
    const { format, ...q } = c.req.valid('query')
    return download('organizations', format, await exportOrganizations(db, actor, q, lang, format))
  },
)

directoryApi.openapi(
  createRoute({
    method: 'get',
    path: '/export/people',
    tags: ['Import and export'],
    summary: 'Export the people matching the filters (all pages; secretariat)',
    security,
    request: { query: PersonQuerySchema.extend(ExportQuery) },
    responses: { 200: csvOrJson(PersonSchema, 'The people'), ...errorResponses },
  }),
  async (c) => {
    const { db, actor } = scope(c)
    const { format, ...q } = c.req.valid('query')
    return download('people', format, await exportPeople(db, actor, q, format))
  },
)
