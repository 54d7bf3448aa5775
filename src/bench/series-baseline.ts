/**
 * The benchmark's baseline for the series figures (`seriesMetrics`, every held meeting): each figure the
 * series gives a meeting — attendance, breakdowns, neighbours, newcomers, retention, the core, and the
 * engagement cycle (consultations, topics, actions) — written by hand as one SQL statement. `differences`
 * checks that it computes what `seriesMetrics` gives, so the bench compares like with like.
 */
import { sql } from 'kysely'
import type { Db } from '../server/db/database.ts'
import type { Series } from '../server/features/analytics/series.ts'

export type SeriesBaselineRow = {
  id: string
  organizations: number
  participants: number
  developing: number
  sme: number
  named_people: number
  executives: number
  principal_or_alternate: number
  common: number | null
  prev_organizations: number | null
  newcomers: number
  next_common: number | null
  by_region: Record<string, number> | null
  by_category: Record<string, number> | null
  by_seniority: Record<string, number> | null
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
  core: number
  all_topics: number
  all_standardized: number
}

/** Every held meeting's series figures, in the series' order, in one statement. */
export async function seriesBaseline(db: Db, today: string): Promise<SeriesBaselineRow[]> {
  const { rows } = await sql<SeriesBaselineRow>`
    WITH m AS (
      SELECT id, starts_at, row_number() OVER (ORDER BY starts_at, id) AS n FROM meeting
      WHERE status IN ('held', 'concluded')
    ),
    -- One row per meeting and organization; each organization's run of meetings sorted on two narrow
    -- columns only (the meeting it attended before, and how many it attended).
    o AS (
      SELECT a.meeting_id, m.n, a.organization_id, bool_and(a.person_id IS NULL) AS anon,
             bool_or(a.attended_as IN ('principal', 'alternate')) AS pa
      FROM meeting_attendance a JOIN m ON m.id = a.meeting_id GROUP BY a.meeting_id, m.n, a.organization_id
    ),
    runs AS (
      SELECT n, lag(n) OVER (PARTITION BY organization_id ORDER BY n) AS prev_n,
             count(*) OVER (PARTITION BY organization_id) AS attended
      FROM o
    ),
    ow AS (
      SELECT o.meeting_id, o.n, o.anon, o.pa, c.itu_region, c.development_status, org.sme, org.category
      FROM o JOIN organization org ON org.id = o.organization_id JOIN country c ON c.code = org.country_code
    ),
    run_counts AS (
      SELECT n, count(*) FILTER (WHERE prev_n = n - 1)::int AS common,
             count(*) FILTER (WHERE prev_n IS NULL)::int AS newcomers
      FROM runs GROUP BY n
    ),
    per_meeting AS (
      SELECT ow.meeting_id, ow.n, count(*)::int AS organizations, count(*) FILTER (WHERE anon)::int AS anon,
             count(*) FILTER (WHERE development_status = 'developing')::int AS developing,
             count(*) FILTER (WHERE sme)::int AS sme, count(*) FILTER (WHERE pa)::int AS pa,
             max(rc.common) AS common, max(rc.newcomers) AS newcomers
      FROM ow LEFT JOIN run_counts rc ON rc.n = ow.n GROUP BY ow.meeting_id, ow.n
    ),
    breakdowns AS (
      SELECT meeting_id,
             jsonb_object_agg(itu_region, k) FILTER (WHERE regional AND itu_region IS NOT NULL) AS by_region,
             jsonb_object_agg(category, k) FILTER (WHERE NOT regional) AS by_category
      FROM (SELECT meeting_id, GROUPING(itu_region) = 0 AS regional, itu_region, category, count(*)::int AS k FROM ow
            GROUP BY GROUPING SETS ((meeting_id, itu_region), (meeting_id, category))) b
      GROUP BY meeting_id
    ),
    pp AS (
      SELECT DISTINCT a.meeting_id, a.person_id, p.seniority
      FROM meeting_attendance a JOIN m ON m.id = a.meeting_id JOIN person p ON p.id = a.person_id
    ),
    people AS (
      SELECT meeting_id, sum(k)::int AS named_people,
             coalesce(sum(k) FILTER (WHERE seniority = 'c_level'), 0)::int AS executives,
             jsonb_object_agg(seniority, k) AS by_seniority
      FROM (SELECT meeting_id, seniority, count(*)::int AS k FROM pp GROUP BY meeting_id, seniority) s
      GROUP BY meeting_id
    ),
    consult AS (
      SELECT c.meeting_id, bool_or(c.closes_at <= m.starts_at) AS consulted,
             max(extract(epoch FROM m.starts_at - c.opens_at) / 86400) FILTER (WHERE c.closes_at <= m.starts_at) AS lead_days
      FROM consultation c JOIN m ON m.id = c.meeting_id WHERE c.status <> 'draft' GROUP BY c.meeting_id
    ),
    answers AS (
      SELECT c.meeting_id, count(t.id)::int AS targets, count(r.id)::int AS responses
      FROM consultation c JOIN m ON m.id = c.meeting_id JOIN consultation_target t ON t.consultation_id = c.id
      LEFT JOIN consultation_response r ON r.target_id = t.id AND r.state = 'submitted'
      WHERE c.status <> 'draft' AND c.closes_at <= m.starts_at GROUP BY c.meeting_id
    ),
    discussed AS (
      SELECT g.meeting_id, m.n, i.topic_id FROM agenda g JOIN m ON m.id = g.meeting_id
      JOIN agenda_item i ON i.agenda_id = g.id WHERE g.status = 'published' AND i.topic_id IS NOT NULL
      UNION
      SELECT c.meeting_id, m.n, c.topic_id FROM conclusion c JOIN m ON m.id = c.meeting_id WHERE c.topic_id IS NOT NULL
    ),
    standardized AS (
      SELECT DISTINCT e.topic_id FROM topic_event e
      WHERE e.kind = 'transition' AND e.to_state IN ('work_item', 'standard_approved')
    ),
    topics AS (
      SELECT d.meeting_id, count(*)::int AS topics, count(p.topic_id)::int AS carried,
             count(s.topic_id)::int AS to_standardization
      FROM discussed d LEFT JOIN standardized s ON s.topic_id = d.topic_id
      LEFT JOIN discussed p ON p.topic_id = d.topic_id AND p.n = d.n - 1
      GROUP BY d.meeting_id
    ),
    actions AS (
      SELECT c.meeting_id, count(*)::int AS actions, count(*) FILTER (WHERE a.status = 'done')::int AS done,
             count(*) FILTER (WHERE a.status = 'dropped')::int AS dropped,
             count(*) FILTER (WHERE a.status IN ('open', 'in_progress') AND a.due_date < ${today}::date)::int AS overdue
      FROM follow_up_action a JOIN conclusion c ON c.id = a.conclusion_id JOIN m ON m.id = c.meeting_id
      GROUP BY c.meeting_id
    )
    SELECT m.id, coalesce(pm.organizations, 0) AS organizations,
           coalesce(pe.named_people, 0) + coalesce(pm.anon, 0) AS participants,
           coalesce(pm.developing, 0) AS developing, coalesce(pm.sme, 0) AS sme,
           coalesce(pe.named_people, 0) AS named_people, coalesce(pe.executives, 0) AS executives,
           coalesce(pm.pa, 0) AS principal_or_alternate,
           CASE WHEN m.n > 1 THEN coalesce(pm.common, 0) END AS common,
           CASE WHEN m.n > 1 THEN coalesce(prev.organizations, 0) END AS prev_organizations,
           coalesce(pm.newcomers, 0) AS newcomers,
           CASE WHEN nxt.n IS NOT NULL THEN coalesce(nxt.common, 0) END AS next_common,
           b.by_region, b.by_category, pe.by_seniority,
           coalesce(cs.consulted, false) AS consulted, cs.lead_days,
           coalesce(an.targets, 0) AS targets, coalesce(an.responses, 0) AS responses,
           coalesce(tp.topics, 0) AS topics, coalesce(tp.carried, 0) AS carried,
           coalesce(tp.to_standardization, 0) AS to_standardization,
           coalesce(ac.actions, 0) AS actions, coalesce(ac.done, 0) AS done, coalesce(ac.dropped, 0) AS dropped,
           coalesce(ac.overdue, 0) AS overdue,
           (SELECT count(*) FROM runs WHERE prev_n IS NULL AND attended * 2 >= (SELECT count(*) FROM m))::int AS core,
           (SELECT count(DISTINCT topic_id) FROM discussed)::int AS all_topics,
           (SELECT count(DISTINCT d.topic_id) FROM discussed d JOIN standardized s ON s.topic_id = d.topic_id)::int
             AS all_standardized
    FROM m
    LEFT JOIN per_meeting pm ON pm.meeting_id = m.id
    LEFT JOIN per_meeting prev ON prev.n = m.n - 1
    LEFT JOIN (SELECT m2.n, pm2.common FROM m m2 LEFT JOIN per_meeting pm2 ON pm2.meeting_id = m2.id) nxt
      ON nxt.n = m.n + 1
    LEFT JOIN breakdowns b ON b.meeting_id = m.id
    LEFT JOIN people pe ON pe.meeting_id = m.id
    LEFT JOIN consult cs ON cs.meeting_id = m.id
    LEFT JOIN answers an ON an.meeting_id = m.id
    LEFT JOIN topics tp ON tp.meeting_id = m.id
    LEFT JOIN actions ac ON ac.meeting_id = m.id
    ORDER BY m.n`.execute(db)
  return rows
}

/** Where the baseline and `seriesMetrics` disagree, figure by figure (empty when they agree). */
export function differences(series: Series, rows: SeriesBaselineRow[]): string[] {
  const out: string[] = []
  const share = (part: number, whole: number) => (whole > 0 ? part / whole : null)
  const counts = (o: Record<string, number> | null) =>
    Object.fromEntries(
      Object.entries(o ?? {})
        .map(([k, v]) => [k, Number(v)])
        .sort(),
    )
  const sorted = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort())
  if (series.meetings.length !== rows.length)
    out.push(`meetings: model ${series.meetings.length}, baseline ${rows.length}`)
  series.meetings.forEach((m, i) => {
    const r = rows[i]
    if (!r) return
    const union =
      r.common === null ? null : Number(r.organizations) + Number(r.prev_organizations) - Number(r.common)
    const expected = {
      id: r.id,
      organizations: r.organizations,
      participants: r.participants,
      developingShare: share(r.developing, r.organizations),
      smeShare: share(r.sme, r.organizations),
      executiveShare: share(r.executives, r.named_people),
      principalOrAlternateShare: share(r.principal_or_alternate, r.organizations),
      jaccardPrevious: union === null || union === 0 ? null : Number(r.common) / union,
      returningPrevious: r.common === null ? null : share(r.common, r.organizations),
      newcomers: r.newcomers,
      retainedNext: r.next_common === null ? null : share(r.next_common, r.organizations),
      byRegion: counts(r.by_region),
      byCategory: counts(r.by_category),
      bySeniority: counts(r.by_seniority),
      consulted: r.consulted,
      consultationLeadDays: r.lead_days === null ? null : Math.round(Number(r.lead_days)),
      consultationTargets: r.targets,
      consultationResponses: r.responses,
      topicsDiscussed: r.topics,
      topicsCarried: r.carried,
      topicsToStandardization: r.to_standardization,
      actions: r.actions,
      actionsDone: r.done,
      actionsDropped: r.dropped,
      actionsOverdue: r.overdue,
    }
    const actual: Record<string, unknown> = {
      ...Object.fromEntries(Object.keys(expected).map((k) => [k, m[k as keyof typeof m]])),
      byRegion: sorted(m.byRegion),
      byCategory: sorted(m.byCategory),
      bySeniority: sorted(m.bySeniority),
    }
    for (const [k, v] of Object.entries(expected)) {
      const a = actual[k]
      const same =
        typeof v === 'number' && typeof a === 'number'
          ? Math.abs(v - a) < 1e-9
          : JSON.stringify(v) === JSON.stringify(a)
      if (!same) out.push(`meeting ${i + 1} ${k}: model ${JSON.stringify(a)}, baseline ${JSON.stringify(v)}`)
    }
  })
  const first = rows[0]
  if (first) {
    const s = series.summary
    if (s.coreOrganizations !== first.core)
      out.push(`core organizations: model ${s.coreOrganizations}, baseline ${first.core}`)
    if (s.topicsDiscussed !== first.all_topics)
      out.push(`topics discussed: model ${s.topicsDiscussed}, baseline ${first.all_topics}`)
    if (s.topicsToStandardization !== first.all_standardized)
      out.push(
        `topics to standardization: model ${s.topicsToStandardization}, baseline ${first.all_standardized}`,
      )
  }
  return out
}
