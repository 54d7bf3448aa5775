import { createRoute, z } from '@hono/zod-openapi'
import { scope } from '../../http/context.ts'
import { attachment, CSV } from '../../http/download.ts'
import { createApi, errorResponses, jsonContent, publicSecurity, security } from '../../http/openapi.ts'
import { assertStaff } from '../auth/auth.policy.ts'
import { SectorCode } from '../structure/scope.ts'
import { exportAttendance, exportMeetings } from './history.import.ts'
import { seriesMetrics } from './series.ts'

export const analyticsApi = createApi()
const tags = ['Analytics']

const share = z.number().min(0).max(1).nullable()

const SeriesMeetingSchema = z
  .object({
    id: z.uuid(),
    date: z.string(),
    kind: z.string(),
    titles: z.record(z.string(), z.string()),
    city: z.string().nullable(),
    country: z.string().nullable(),
    region: z.string().nullable(),
    organizations: z.number().int(),
    participants: z.number().int(),
    byRegion: z.record(z.string(), z.number().int()),
    developingShare: share,
    smeShare: share,
    executiveShare: share,
    principalOrAlternateShare: share,
    jaccardPrevious: share,
    returningPrevious: share,
    newcomers: z.number().int(),
    retainedNext: share,
    byCategory: z.record(z.string(), z.number().int()),
    bySeniority: z.record(z.string(), z.number().int()),
    awayFromHeadquarters: z.boolean().nullable(),
    consulted: z.boolean(),
    consultationLeadDays: z.number().int().nullable(),
    consultationTargets: z.number().int(),
    consultationResponses: z.number().int(),
    consultationResponseRate: share,
    topicsDiscussed: z.number().int(),
    topicsCarried: z.number().int(),
    topicsToStandardization: z.number().int(),
    actions: z.number().int(),
    actionsDone: z.number().int(),
    actionsDropped: z.number().int(),
    actionsOverdue: z.number().int(),
    completionShare: share,
  })
  .openapi('SeriesMeeting')

export const SeriesSchema = z
  .object({
    meetings: z.array(SeriesMeetingSchema),
    summary: z.object({
      meetings: z.number().int(),
      hostCountries: z.number().int(),
      hostRegions: z.number().int(),
      distinctOrganizations: z.number().int(),
      coreOrganizations: z.number().int(),
      medianOrganizationsPerMeeting: z.number().nullable(),
      awayFromHeadquartersShare: share,
      consultedShare: share,
      medianConsultationLeadDays: z.number().nullable(),
      consultationResponseRate: share,
      topicsDiscussed: z.number().int(),
      topicsToStandardization: z.number().int(),
      actions: z.number().int(),
      actionsDone: z.number().int(),
      actionsOverdue: z.number().int(),
      completionShare: share,
    }),
  })
  .openapi('MeetingSeries')

export const SeriesQuery = z.object({
  group: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'An engagement group: its id or one of its names' }),
  kind: z.string().max(200).optional().openapi({ description: 'Meeting kinds, comma-separated' }),
  from: z.string().max(10).optional().openapi({ description: 'First day, YYYY-MM-DD' }),
  to: z.string().max(10).optional().openapi({ description: 'Last day, YYYY-MM-DD' }),
  sector: SectorCode.optional().openapi({
    description:
      'Only meetings of this Sector (its code), or `union` for Union-wide meetings; absent: every Sector',
  }),
})

export const kindsOf = (v: string | undefined) =>
  v
    ? v
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean)
    : undefined

analyticsApi.openapi(
  createRoute({
    method: 'get',
    path: '/metrics/meetings',
    tags,
    summary:
      'Engagement figures of a series of held meetings, per meeting and across the series (aggregates, no personal data: open to all)',
    security: publicSecurity,
    request: { query: SeriesQuery },
    responses: { 200: jsonContent(SeriesSchema, 'The series'), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid('query')
    const db = c.get('deps').database.db
    return c.json(
      await seriesMetrics(db, {
        group: q.group,
        kinds: kindsOf(q.kind),
        from: q.from,
        to: q.to,
        sector: q.sector,
      }),
      200,
    )
  },
)

for (const [kind, run] of [
  ['meetings', exportMeetings],
  ['attendance', exportAttendance],
] as const) {
  analyticsApi.openapi(
    createRoute({
      method: 'get',
      path: `/export/${kind}`,
      tags: ['Import and export'],
      summary: `Held meetings${kind === 'attendance' ? '’ attendance' : ''} as ${kind}.csv, the historical import's format (secretariat)`,
      security,
      responses: {
        200: { description: `${kind}.csv`, content: { 'text/csv': { schema: z.string() } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { db, actor } = scope(c)
      assertStaff(actor)
      return attachment(await run(db), CSV, `engage-${kind}.csv`) as never
    },
  )
}
