import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { derived } from '../../db/derived.ts'
import { AppError } from '../../http/errors.ts'
import { isUuid } from '../../http/forms.ts'
import { MEETING_KINDS } from '../meetings/meetings.schema.ts'
import { sectorFilter } from '../structure/scope.ts'

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
  /** A Sector's code, or `union` for Union-wide meetings only (issue 11); absent: every Sector. */
  sector?: string | undefined
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
  /** Share of this meeting's organizations that attended the previous meeting in the result. */
  returningPrevious: number | null
  newcomers: number
  retainedNext: number | null
  byCategory: Record<string, number>
  bySeniority: Record<string, number>
  awayFromHeadquarters: boolean | null
  consulted: boolean
  consultationLeadDays: number | null
  consultationTargets: number
  consultationResponses: number
  consultationResponseRate: number | null
  topicsDiscussed: number
  topicsCarried: number
  topicsToStandardization: number
  actions: number
  actionsDone: number
  actionsDropped: number
  actionsOverdue: number
  completionShare: number | null
}

export type SeriesSummary = {
  meetings: number
  hostCountries: number
  hostRegions: number
  distinctOrganizations: number
  coreOrganizations: number
  medianOrganizationsPerMeeting: number | null
  awayFromHeadquartersShare: number | null
  consultedShare: number | null
  medianConsultationLeadDays: number | null
  consultationResponseRate: number | null
  topicsDiscussed: number
  topicsToStandardization: number
  actions: number
  actionsDone: number
  actionsOverdue: number
  completionShare: number | null
}

/** Where the Union sits: meetings held elsewhere count as away from headquarters (ITU: Geneva). */
export const HEADQUARTERS_COUNTRY = 'CH'

export type Series = { meetings: SeriesMeeting[]; summary: SeriesSummary }

const DAY = /^\d{4}-\d{2}-\d{2}$/

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
        isUuid(filter.group!)
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
  const sector = await sectorFilter(db, filter.sector)
  const kinds = filter.kinds?.length ? filter.kinds : null
  const from = filter.from ? new Date(`${filter.from}T00:00:00Z`) : null
  const to = filter.to ? new Date(`${filter.to}T23:59:59.999Z`) : null

  const today = new Date().toISOString().slice(0, 10)
  const key = JSON.stringify([
    groupId,
    kinds,
    filter.from ?? null,
    filter.to ?? null,
    today,
    sector === undefined ? 'all' : sector,
  ])
  return derived(db, `series:${key}`, () => computeSeries(db, { groupId, kinds, from, to, today, sector }))
}

/** The series' figures as computed from the data; seriesMetrics keeps them under the data version. */
async function computeSeries(
  db: Db,
  {
    groupId,
    kinds,
    from,
    to,
    today,
    sector,
  }: {
    groupId: string | null
    kinds: readonly string[] | null
    from: Date | null
    to: Date | null
    today: string
    /** undefined: every Sector; null: Union-wide meetings only; else a Sector's id. */
    sector: string | null | undefined
  },
): Promise<Series> {
  // The meetings of the series, in both statements below.
  const selected = sql`m.status IN ('held', 'concluded')
    AND (${groupId}::uuid IS NULL OR m.group_id = ${groupId}::uuid)
    AND (${kinds}::text[] IS NULL OR m.kind = ANY(${kinds}::text[]))
    AND (${from}::timestamptz IS NULL OR m.starts_at >= ${from}::timestamptz)
    AND (${to}::timestamptz IS NULL OR m.starts_at <= ${to}::timestamptz)
    AND (${sector === undefined}::boolean OR m.sector_id IS NOT DISTINCT FROM ${sector ?? null}::uuid)`
  // Two statements, independent of each other, so PostgreSQL runs them at once on two connections (the
  // embedded database, one after the other): the meetings in order with their attendance aggregates and
  // their relation to their neighbours; and the engagement cycle around each meeting.
  const [{ rows }, { rows: cycle }] = await Promise.all([
    sql<{
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
      by_category: Record<string, number> | null
      by_seniority: Record<string, number> | null
      newcomers: number
      retained_next: number | null
      core: number
    }>`
    WITH m AS (
      SELECT m.id, m.starts_at, m.kind, m.titles, m.city, m.country_code, c.itu_region,
             row_number() OVER (ORDER BY m.starts_at, m.id) AS n
      FROM meeting m LEFT JOIN country c ON c.code = m.country_code
      WHERE ${selected}
    ),
    -- Attendance folded to one row per meeting and organization first (hash aggregates on two ids), then
    -- the organization's attributes joined: no sort of wide rows.
    pa AS (
      SELECT ma.meeting_id, ma.organization_id,
             bool_and(ma.person_id IS NULL) AS no_person,
             bool_or(ma.attended_as IN ('principal', 'alternate')) AS principal_or_alternate
      FROM meeting_attendance ma JOIN m ON m.id = ma.meeting_id
      GROUP BY ma.meeting_id, ma.organization_id
    ),
    per_org AS (
      SELECT pa.meeting_id, m.n, pa.organization_id, c.itu_region, c.development_status, o.sme, o.category,
             pa.no_person, pa.principal_or_alternate
      FROM pa JOIN m ON m.id = pa.meeting_id
      JOIN organization o ON o.id = pa.organization_id
      JOIN country c ON c.code = o.country_code
    ),
    -- Named people, once per meeting.
    pp AS (
      SELECT DISTINCT ma.meeting_id, ma.person_id, p.seniority
      FROM meeting_attendance ma JOIN m ON m.id = ma.meeting_id JOIN person p ON p.id = ma.person_id
    ),
    -- Each organization's meetings in order (one sort): the meeting it attended before each (in common
    -- with the meeting before when that is n - 1, a newcomer when there is none), and how many it attended.
    org_seq AS (
      SELECT n, lag(n) OVER (PARTITION BY organization_id ORDER BY n) AS prev_n,
             count(*) OVER (PARTITION BY organization_id) AS attended
      FROM per_org
    ),
    seq AS (
      SELECT n, count(*) FILTER (WHERE prev_n = n - 1)::int AS common,
             count(*) FILTER (WHERE prev_n IS NULL)::int AS newcomers
      FROM org_seq GROUP BY n
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
      SELECT meeting_id, count(*)::int AS named_people,
             count(*) FILTER (WHERE seniority = 'c_level')::int AS executives
      FROM pp GROUP BY meeting_id
    ),
    regions AS (
      SELECT meeting_id, jsonb_object_agg(itu_region, n) AS by_region
      FROM (SELECT meeting_id, itu_region, count(*)::int AS n FROM per_org WHERE itu_region IS NOT NULL
            GROUP BY meeting_id, itu_region) r
      GROUP BY meeting_id
    ),
    categories AS (
      SELECT meeting_id, jsonb_object_agg(category, n) AS by_category
      FROM (SELECT meeting_id, category, count(*)::int AS n FROM per_org GROUP BY meeting_id, category) r
      GROUP BY meeting_id
    ),
    seniorities AS (
      SELECT meeting_id, jsonb_object_agg(seniority, n) AS by_seniority
      FROM (SELECT meeting_id, seniority, count(*)::int AS n FROM pp GROUP BY meeting_id, seniority) r
      GROUP BY meeting_id
    )
    SELECT m.id, m.starts_at, m.kind, m.titles, m.city, m.country_code, m.itu_region,
           coalesce(agg.organizations, 0) AS organizations,
           coalesce(people.named_people, 0) + coalesce(agg.orgs_without_person, 0) AS participants,
           regions.by_region, categories.by_category, seniorities.by_seniority,
           coalesce(agg.developing, 0) AS developing,
           coalesce(agg.sme, 0) AS sme,
           coalesce(people.named_people, 0) AS named_people,
           coalesce(people.executives, 0) AS executives,
           coalesce(agg.principal_or_alternate, 0) AS principal_or_alternate,
           CASE WHEN prev.id IS NULL THEN NULL ELSE coalesce(seq.common, 0) END AS inter_previous,
           CASE WHEN prev.id IS NULL THEN NULL
                ELSE coalesce(agg.organizations, 0) + coalesce(prev_agg.organizations, 0) - coalesce(seq.common, 0)
           END AS union_previous,
           coalesce(seq.newcomers, 0) AS newcomers,
           CASE WHEN nxt.id IS NULL THEN NULL ELSE coalesce(next_seq.common, 0) END AS retained_next,
           -- Across the series (the same on every row): organizations at half the meetings or more, each
           -- counted once (at its first meeting).
           (SELECT count(*) FROM org_seq
             WHERE prev_n IS NULL AND attended * 2 >= (SELECT count(*) FROM m))::int AS core
    FROM m
    LEFT JOIN m prev ON prev.n = m.n - 1
    LEFT JOIN m nxt ON nxt.n = m.n + 1
    LEFT JOIN agg ON agg.meeting_id = m.id
    LEFT JOIN agg prev_agg ON prev_agg.meeting_id = prev.id
    LEFT JOIN seq ON seq.n = m.n
    LEFT JOIN seq next_seq ON next_seq.n = m.n + 1
    LEFT JOIN people ON people.meeting_id = m.id
    LEFT JOIN regions ON regions.meeting_id = m.id
    LEFT JOIN categories ON categories.meeting_id = m.id
    LEFT JOIN seniorities ON seniorities.meeting_id = m.id
    ORDER BY m.n`.execute(db),
    // Each meeting's consultations, the topics it took up, and the actions its conclusions gave.
    sql<{
      id: string
      consulted: boolean
      lead_days: number | null
      targets: number
      responses: number
      topics: number
      carried: number
      to_standardization: number
      actions: number
      done: number
      dropped: number
      overdue: number
      all_topics: number
      all_standardized: number
    }>`
    WITH m AS (
      SELECT m.id, m.starts_at, row_number() OVER (ORDER BY m.starts_at, m.id) AS n
      FROM meeting m WHERE ${selected}
    ),
    consult AS (
      SELECT c.meeting_id,
             bool_or(c.closes_at <= m.starts_at) AS consulted,
             max(extract(epoch FROM m.starts_at - c.opens_at) / 86400)
               FILTER (WHERE c.closes_at <= m.starts_at) AS lead_days
      FROM consultation c JOIN m ON m.id = c.meeting_id
      WHERE c.status <> 'draft' GROUP BY c.meeting_id
    ),
    -- Targets and submitted answers to them, each counted by consultation (a response to a target belongs
    -- to the target's consultation: migration 0031), not looked up target by target.
    answers AS (
      SELECT c.meeting_id,
             sum((SELECT count(*) FROM consultation_target ct WHERE ct.consultation_id = c.id))::int AS targets,
             sum((SELECT count(*) FROM consultation_response r
                  WHERE r.consultation_id = c.id AND r.target_id IS NOT NULL AND r.state = 'submitted'))::int AS responses
      FROM consultation c JOIN m ON m.id = c.meeting_id
      WHERE c.status <> 'draft' AND c.closes_at <= m.starts_at GROUP BY c.meeting_id
    ),
    discussed AS (
      SELECT ag.meeting_id, m.n, ai.topic_id FROM agenda ag JOIN m ON m.id = ag.meeting_id
      JOIN agenda_item ai ON ai.agenda_id = ag.id
      WHERE ag.status = 'published' AND ai.topic_id IS NOT NULL
      UNION
      SELECT c.meeting_id, m.n, c.topic_id FROM conclusion c JOIN m ON m.id = c.meeting_id WHERE c.topic_id IS NOT NULL
    ),
    standardized AS (
      SELECT DISTINCT e.topic_id FROM topic_event e
      WHERE e.kind = 'transition' AND e.to_state IN ('work_item', 'standard_approved')
        AND e.topic_id IN (SELECT topic_id FROM discussed)
    ),
    carried AS (
      SELECT d.meeting_id, count(*)::int AS c
      FROM discussed d JOIN discussed p ON p.topic_id = d.topic_id AND p.n = d.n - 1
      GROUP BY d.meeting_id
    ),
    topics AS (
      SELECT d.meeting_id, count(*)::int AS topics, coalesce(max(carried.c), 0) AS carried,
             count(s.topic_id)::int AS to_standardization
      FROM discussed d LEFT JOIN standardized s ON s.topic_id = d.topic_id
      LEFT JOIN carried ON carried.meeting_id = d.meeting_id
      GROUP BY d.meeting_id
    ),
    actions AS (
      SELECT c.meeting_id, count(*)::int AS actions,
             count(*) FILTER (WHERE a.status = 'done')::int AS done,
             count(*) FILTER (WHERE a.status = 'dropped')::int AS dropped,
             count(*) FILTER (WHERE a.status IN ('open', 'in_progress') AND a.due_date < ${today}::date)::int AS overdue
      FROM follow_up_action a JOIN conclusion c ON c.id = a.conclusion_id JOIN m ON m.id = c.meeting_id
      GROUP BY c.meeting_id
    )
    SELECT m.id, coalesce(consult.consulted, false) AS consulted, consult.lead_days,
           coalesce(answers.targets, 0) AS targets, coalesce(answers.responses, 0) AS responses,
           coalesce(topics.topics, 0) AS topics, coalesce(topics.carried, 0) AS carried,
           coalesce(topics.to_standardization, 0) AS to_standardization,
           coalesce(actions.actions, 0) AS actions, coalesce(actions.done, 0) AS done,
           coalesce(actions.dropped, 0) AS dropped, coalesce(actions.overdue, 0) AS overdue,
           (SELECT count(DISTINCT topic_id) FROM discussed)::int AS all_topics,
           (SELECT count(*) FROM standardized)::int AS all_standardized
    FROM m
    LEFT JOIN consult ON consult.meeting_id = m.id
    LEFT JOIN answers ON answers.meeting_id = m.id
    LEFT JOIN topics ON topics.meeting_id = m.id
    LEFT JOIN actions ON actions.meeting_id = m.id
    ORDER BY m.n`.execute(db),
  ])
  const cycleOf = new Map(cycle.map((r) => [r.id, r]))

  const share = (part: number, whole: number) => (whole > 0 ? part / whole : null)
  const counts = (o: Record<string, number> | null) =>
    Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, Number(v)]))
  const meetings: SeriesMeeting[] = rows.map((r) => {
    const organizations = Number(r.organizations)
    const union = r.union_previous === null ? null : Number(r.union_previous)
    const c = cycleOf.get(r.id)
    const targets = Number(c?.targets ?? 0)
    const responses = Number(c?.responses ?? 0)
    const actions = Number(c?.actions ?? 0)
    const done = Number(c?.done ?? 0)
    const dropped = Number(c?.dropped ?? 0)
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
      byRegion: counts(r.by_region),
      developingShare: share(Number(r.developing), organizations),
      smeShare: share(Number(r.sme), organizations),
      executiveShare: share(Number(r.executives), Number(r.named_people)),
      principalOrAlternateShare: share(Number(r.principal_or_alternate), organizations),
      jaccardPrevious: union === null ? null : union === 0 ? null : Number(r.inter_previous) / union,
      returningPrevious: r.inter_previous === null ? null : share(Number(r.inter_previous), organizations),
      newcomers: Number(r.newcomers),
      retainedNext: r.retained_next === null ? null : share(Number(r.retained_next), organizations),
      byCategory: counts(r.by_category),
      bySeniority: counts(r.by_seniority),
      awayFromHeadquarters: r.country_code === null ? null : r.country_code !== HEADQUARTERS_COUNTRY,
      consulted: Boolean(c?.consulted),
      consultationLeadDays:
        c?.lead_days === null || c?.lead_days === undefined ? null : Math.round(Number(c.lead_days)),
      consultationTargets: targets,
      consultationResponses: responses,
      consultationResponseRate: share(responses, targets),
      topicsDiscussed: Number(c?.topics ?? 0),
      topicsCarried: Number(c?.carried ?? 0),
      topicsToStandardization: Number(c?.to_standardization ?? 0),
      actions,
      actionsDone: done,
      actionsDropped: dropped,
      actionsOverdue: Number(c?.overdue ?? 0),
      completionShare: share(done, actions - dropped),
    }
  })

  const sum = (f: (m: SeriesMeeting) => number) => meetings.reduce((s, m) => s + f(m), 0)
  const located = meetings.filter((m) => m.awayFromHeadquarters !== null)
  const consultable = meetings.filter((m) => m.consulted)
  const actions = sum((m) => m.actions)
  const done = sum((m) => m.actionsDone)
  return {
    meetings,
    summary: {
      meetings: meetings.length,
      hostCountries: new Set(meetings.map((m) => m.country).filter(Boolean)).size,
      hostRegions: new Set(meetings.map((m) => m.region).filter(Boolean)).size,
      // Every organization is a newcomer exactly once within the result.
      distinctOrganizations: sum((m) => m.newcomers),
      coreOrganizations: Number(rows[0]?.core ?? 0),
      medianOrganizationsPerMeeting: median(meetings.map((m) => m.organizations)),
      awayFromHeadquartersShare: share(located.filter((m) => m.awayFromHeadquarters).length, located.length),
      consultedShare: share(consultable.length, meetings.length),
      medianConsultationLeadDays: median(
        consultable.map((m) => m.consultationLeadDays).filter((d): d is number => d !== null),
      ),
      consultationResponseRate: share(
        sum((m) => m.consultationResponses),
        sum((m) => m.consultationTargets),
      ),
      topicsDiscussed: Number(cycle[0]?.all_topics ?? 0),
      topicsToStandardization: Number(cycle[0]?.all_standardized ?? 0),
      actions,
      actionsDone: done,
      actionsOverdue: sum((m) => m.actionsOverdue),
      completionShare: share(done, actions - sum((m) => m.actionsDropped)),
    },
  }
}

/** The middle value, or the mean of the two middle values; null for none. */
function median(values: number[]): number | null {
  if (!values.length) return null
  const v = [...values].sort((a, b) => a - b)
  const mid = Math.floor(v.length / 2)
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2
}
