import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { AppError } from '../../http/errors.ts'
import { MEETING_KINDS } from '../meetings/meetings.schema.ts'

/**
 * The look back at a series of meetings (issue 8): one SQL implementation behind the analysis page, the
 * metrics API, its CSV export and the reports. Only held or concluded meetings count, and only attendance
 * (not registrations). Every definition is in docs/metrics.md, "Series of meetings".
 */
export type SeriesFilter = {
  /** An engagement group, by id or by any of its names (case-insensitive). */
  group?: string | undefined
  kinds?: string[] | undefined
  from?: string | undefined
  to?: string | undefined
}

export type SeriesMeeting = {
  id: string
  date: string
  kind: string
  titles: Record<string, string>
  city: string | null
  country: string | null
  region: string | null
  organizations: number
  participants: number
  byRegion: Record<string, number>
  developingShare: number | null
  smeShare: number | null
  executiveShare: number | null
  principalOrAlternateShare: number | null
  jaccardPrevious: number | null
  newcomers: number
  retainedNext: number | null
}

export type SeriesSummary = {
  meetings: number
  hostCountries: number
  hostRegions: number
  distinctOrganizations: number
  coreOrganizations: number
  medianOrganizationsPerMeeting: number | null
}

export type Series = { meetings: SeriesMeeting[]; summary: SeriesSummary }

const DAY = /^\d{4}-\d{2}-\d{2}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Checks a filter; bad values are field errors, never a crash or a silently wider answer. */
export function checkFilter(f: SeriesFilter): Record<string, string[]> {
  const errors: Record<string, string[]> = {}
  if (f.from && !DAY.test(f.from)) errors.from = ['date_invalid']
  if (f.to && !DAY.test(f.to)) errors.to = ['date_invalid']
  if (f.from && f.to && DAY.test(f.from) && DAY.test(f.to) && f.to < f.from) errors.to = ['end_before_start']
  if (f.kinds?.some((k) => !(MEETING_KINDS as readonly string[]).includes(k)))
    errors.kind = ['choice_invalid']
  return errors
}

export async function seriesMetrics(db: Db, filter: SeriesFilter): Promise<Series> {
  const errors = checkFilter(filter)
  if (Object.keys(errors).length) throw new AppError('VALIDATION_FAILED', {}, errors)
  let groupId: string | null = null
  if (filter.group) {
    const g = await db
      .selectFrom('engagement_group')
      .select('id')
      .where((eb) =>
        UUID.test(filter.group!)
          ? eb('id', '=', filter.group!)
          : eb.exists(
              eb
                .selectFrom(sql`jsonb_each_text(engagement_group.names)`.as('n'))
                .select(sql`1`.as('x'))
                .where(sql`lower(n.value)`, '=', filter.group!.toLowerCase()),
            ),
      )
      .executeTakeFirst()
    if (!g) throw new AppError('VALIDATION_FAILED', {}, { group: ['group_unknown'] })
    groupId = g.id
  }
  const kinds = filter.kinds?.length ? filter.kinds : null
  const from = filter.from ? new Date(`${filter.from}T00:00:00Z`) : null
  const to = filter.to ? new Date(`${filter.to}T23:59:59.999Z`) : null

  // One statement: the meetings in order, each one's aggregates, and its relation to its neighbours.
  const { rows } = await sql<{
    id: string
    starts_at: Date
    kind: string
    titles: Record<string, string>
    city: string | null
    country_code: string | null
    itu_region: string | null
    organizations: number
    participants: number
    by_region: Record<string, number> | null
    developing: number
    sme: number
    named_people: number
    executives: number
    principal_or_alternate: number
    inter_previous: number | null
    union_previous: number | null
    newcomers: number
    retained_next: number | null
  }>`
    WITH m AS (
      SELECT m.id, m.starts_at, m.kind, m.titles, m.city, m.country_code, c.itu_region,
             row_number() OVER (ORDER BY m.starts_at, m.id) AS n
      FROM meeting m LEFT JOIN country c ON c.code = m.country_code
      WHERE m.status IN ('held', 'concluded')
        AND (${groupId}::uuid IS NULL OR m.group_id = ${groupId}::uuid)
        AND (${kinds}::text[] IS NULL OR m.kind = ANY(${kinds}::text[]))
        AND (${from}::timestamptz IS NULL OR m.starts_at >= ${from}::timestamptz)
        AND (${to}::timestamptz IS NULL OR m.starts_at <= ${to}::timestamptz)
    ),
    a AS (
      SELECT ma.meeting_id, ma.organization_id, ma.person_id, ma.attended_as,
             c.itu_region, c.development_status, o.sme, p.seniority
      FROM meeting_attendance ma
      JOIN m ON m.id = ma.meeting_id
      JOIN organization o ON o.id = ma.organization_id
      JOIN country c ON c.code = o.country_code
      LEFT JOIN person p ON p.id = ma.person_id
    ),
    per_org AS (
      SELECT meeting_id, organization_id, itu_region, development_status, sme,
             bool_and(person_id IS NULL) AS no_person,
             bool_or(attended_as IN ('principal', 'alternate')) AS principal_or_alternate
      FROM a GROUP BY meeting_id, organization_id, itu_region, development_status, sme
    ),
    agg AS (
      SELECT meeting_id,
             count(*)::int AS organizations,
             count(*) FILTER (WHERE no_person)::int AS orgs_without_person,
             count(*) FILTER (WHERE development_status = 'developing')::int AS developing,
             count(*) FILTER (WHERE sme)::int AS sme,
             count(*) FILTER (WHERE principal_or_alternate)::int AS principal_or_alternate
      FROM per_org GROUP BY meeting_id
    ),
    people AS (
      SELECT meeting_id, count(DISTINCT person_id)::int AS named_people,
             count(DISTINCT person_id) FILTER (WHERE seniority = 'c_level')::int AS executives
      FROM a WHERE person_id IS NOT NULL GROUP BY meeting_id
    ),
    regions AS (
      SELECT meeting_id, jsonb_object_agg(itu_region, n) AS by_region
      FROM (SELECT meeting_id, itu_region, count(*)::int AS n FROM per_org WHERE itu_region IS NOT NULL
            GROUP BY meeting_id, itu_region) r
      GROUP BY meeting_id
    )
    SELECT m.id, m.starts_at, m.kind, m.titles, m.city, m.country_code, m.itu_region,
           coalesce(agg.organizations, 0) AS organizations,
           coalesce(people.named_people, 0) + coalesce(agg.orgs_without_person, 0) AS participants,
           regions.by_region,
           coalesce(agg.developing, 0) AS developing,
           coalesce(agg.sme, 0) AS sme,
           coalesce(people.named_people, 0) AS named_people,
           coalesce(people.executives, 0) AS executives,
           coalesce(agg.principal_or_alternate, 0) AS principal_or_alternate,
           CASE WHEN prev.id IS NULL THEN NULL ELSE (
             SELECT count(*) FROM per_org x JOIN per_org y ON y.organization_id = x.organization_id AND y.meeting_id = prev.id
             WHERE x.meeting_id = m.id)::int END AS inter_previous,
           CASE WHEN prev.id IS NULL THEN NULL ELSE (
             SELECT count(DISTINCT organization_id) FROM per_org WHERE meeting_id IN (m.id, prev.id))::int END AS union_previous,
           (SELECT count(*) FROM per_org x WHERE x.meeting_id = m.id AND NOT EXISTS (
              SELECT 1 FROM per_org y JOIN m earlier ON earlier.id = y.meeting_id
              WHERE y.organization_id = x.organization_id AND earlier.n < m.n))::int AS newcomers,
           CASE WHEN nxt.id IS NULL THEN NULL ELSE (
             SELECT count(*) FROM per_org x JOIN per_org y ON y.organization_id = x.organization_id AND y.meeting_id = nxt.id
             WHERE x.meeting_id = m.id)::int END AS retained_next
    FROM m
    LEFT JOIN m prev ON prev.n = m.n - 1
    LEFT JOIN m nxt ON nxt.n = m.n + 1
    LEFT JOIN agg ON agg.meeting_id = m.id
    LEFT JOIN people ON people.meeting_id = m.id
    LEFT JOIN regions ON regions.meeting_id = m.id
    ORDER BY m.n`.execute(db)

  const share = (part: number, whole: number) => (whole > 0 ? part / whole : null)
  const meetings: SeriesMeeting[] = rows.map((r) => {
    const organizations = Number(r.organizations)
    const union = r.union_previous === null ? null : Number(r.union_previous)
    return {
      id: r.id,
      date: r.starts_at.toISOString().slice(0, 10),
      kind: r.kind,
      titles: r.titles,
      city: r.city,
      country: r.country_code,
      region: r.itu_region,
      organizations,
      participants: Number(r.participants),
      byRegion: Object.fromEntries(Object.entries(r.by_region ?? {}).map(([k, v]) => [k, Number(v)])),
      developingShare: share(Number(r.developing), organizations),
      smeShare: share(Number(r.sme), organizations),
      executiveShare: share(Number(r.executives), Number(r.named_people)),
      principalOrAlternateShare: share(Number(r.principal_or_alternate), organizations),
      jaccardPrevious: union === null ? null : union === 0 ? null : Number(r.inter_previous) / union,
      newcomers: Number(r.newcomers),
      retainedNext: r.retained_next === null ? null : share(Number(r.retained_next), organizations),
    }
  })

  const ids = meetings.map((m) => m.id)
  const [summary] = (
    await sql<{ distinct_orgs: number; core: number; median: number | null }>`
      WITH per AS (
        SELECT organization_id, count(DISTINCT meeting_id)::int AS attended
        FROM meeting_attendance WHERE meeting_id = ANY(${ids}::uuid[]) GROUP BY organization_id
      ),
      sizes AS (
        SELECT m.id, (SELECT count(DISTINCT organization_id) FROM meeting_attendance a WHERE a.meeting_id = m.id) AS n
        FROM meeting m WHERE m.id = ANY(${ids}::uuid[])
      )
      SELECT (SELECT count(*) FROM per)::int AS distinct_orgs,
             (SELECT count(*) FROM per WHERE attended * 2 >= ${ids.length})::int AS core,
             (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n) FROM sizes) AS median`.execute(db)
  ).rows
  return {
    meetings,
    summary: {
      meetings: meetings.length,
      hostCountries: new Set(meetings.map((m) => m.country).filter(Boolean)).size,
      hostRegions: new Set(meetings.map((m) => m.region).filter(Boolean)).size,
      distinctOrganizations: Number(summary?.distinct_orgs ?? 0),
      coreOrganizations: meetings.length ? Number(summary?.core ?? 0) : 0,
      medianOrganizationsPerMeeting:
        summary?.median === null || summary?.median === undefined ? null : Number(summary.median),
    },
  }
}
