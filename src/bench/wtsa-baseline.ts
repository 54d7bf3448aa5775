/**
 * The benchmark's baseline for the WTSA report model: every aggregate the report is built from, over all
 * Sectors, written by hand as one SQL statement — one round trip, each table read once per section, the
 * engagement groups' meetings taken from the one before the period only, the indicators' four years in one
 * pass each. It is what a report over these records cannot do much faster than. `differences` checks that
 * it computes the same figures as the model, so the ratio compares like with like (the bench refuses to
 * print a ratio otherwise, and an integration test checks it on generated data).
 */
import { sql } from 'kysely'
import type { Db } from '../server/db/database.ts'
import { periodBounds, reportKit } from '../server/reports/kit.ts'
import { type Report, reportTables } from '../server/reports/model.ts'

type Count = number
type ScorecardFigure =
  | 'd1_part'
  | 'd1_whole'
  | 'd2_part'
  | 'exec_meetings'
  | 'd3'
  | 'd4'
  | 'd5'
  | 'd6_part'
  | 'd6_whole'
  | 'd7_part'
  | 'd7_whole'
  | 'd8_part'
  | 'd9_part'
  | 'd10_part'
  | 'd10_whole'
  | 'd11'
  | 'd12'
  | 't1'
  | 't2'
  | 't3_part'
  | 't3_whole'
  | 'e1_part'
  | 'e1_whole'
  | 'e2_part'
  | 'e2_whole'
export type WtsaBaseline = {
  meetings: { id: string; organizations: Count; people: Count }[]
  totals: { organizations: Count; people: Count; countries: Count }
  participation: {
    year: number
    dimension: string
    key: string | null
    organizations: Count | null
    people: Count | null
    records: Count | null
  }[]
  retention: { id: string; organizations: Count; returned: Count | null; principal_or_alternate: Count }[]
  composition: { group_id: string; at_start: Count; at_end: Count; stayed: Count; changes: Count }[]
  coverage: { consultable: Count; consulted: Count }
  consultations: {
    id: string
    targets: Count
    responded: Count
    developing_targets: Count
    developing_responded: Count
  }[]
  topics: {
    id: string
    before: string
    after: string
    work_item: boolean
    standard: boolean
    meetings: Count
  }[]
  actions: { body: string; created: Count; done: Count; dropped: Count; overdue: Count }[]
  workshops: { id: string; conclusions: Count; actions: Count }[]
  plan_items: { code: string; status: string; progress: number }[]
  indicators: { query: string; year: number; value: number | null }[]
  /** The registered indicators as the report lists them: computed ones name their query, measured ones
   * carry their latest measurement in the period. */
  indicator_list: { query: string | null; unit: string; measured: string | number | null }[]
  scorecard: Record<ScorecardFigure, Count>
  thresholds: { clause: string; met: string; partly: string }[]
}

/** The report's aggregates for a period as they stood at `asOf`, in one statement. */
export async function wtsaBaseline(
  db: Db,
  period: { from: string; to: string },
  asOf: Date,
): Promise<WtsaBaseline> {
  const bounds = periodBounds(period)
  const start = bounds.start
  const end = bounds.end < asOf ? bounds.end : asOf
  const day = asOf.toISOString().slice(0, 10)
  const { rows } = await sql<WtsaBaseline>`
    WITH held AS (
      SELECT m.id, m.kind, m.starts_at, m.group_id FROM meeting m
      WHERE m.status IN ('held', 'concluded') AND m.starts_at >= ${start} AND m.starts_at <= ${end}
    ),
    att AS (
      SELECT a.meeting_id, a.organization_id, a.person_id, a.attended_as, extract(year FROM h.starts_at)::int AS year
      FROM meeting_attendance a JOIN held h ON h.id = a.meeting_id
    ),
    per_meeting AS (
      SELECT meeting_id, count(DISTINCT organization_id)::int AS organizations, count(DISTINCT person_id)::int AS people
      FROM att GROUP BY meeting_id
    ),
    wide AS (
      SELECT att.year, att.organization_id, att.person_id, att.attended_as, c.itu_region, c.development_status,
             o.category, o.sme::text AS sme, o.country_code, p.seniority
      FROM att JOIN organization o ON o.id = att.organization_id JOIN country c ON c.code = o.country_code
      LEFT JOIN person p ON p.id = att.person_id
    ),
    orgs_y AS (SELECT DISTINCT year, organization_id, itu_region, development_status, category, sme, country_code FROM wide),
    people_y AS (SELECT DISTINCT year, person_id, seniority FROM wide WHERE person_id IS NOT NULL),
    participation AS (
      SELECT o.year, 'total' AS dimension, NULL::text AS key, o.n AS organizations, coalesce(p.n, 0) AS people,
             r.n AS records
      FROM (SELECT year, count(*)::int AS n FROM orgs_y GROUP BY year) o
      JOIN (SELECT year, count(*)::int AS n FROM wide GROUP BY year) r ON r.year = o.year
      LEFT JOIN (SELECT year, count(*)::int AS n FROM people_y GROUP BY year) p ON p.year = o.year
      UNION ALL
      SELECT year,
        CASE WHEN GROUPING(itu_region) = 0 THEN 'region' WHEN GROUPING(development_status) = 0 THEN 'development_status'
             WHEN GROUPING(category) = 0 THEN 'category' ELSE 'sme' END,
        CASE WHEN GROUPING(itu_region) = 0 THEN itu_region WHEN GROUPING(development_status) = 0 THEN development_status
             WHEN GROUPING(category) = 0 THEN category ELSE sme END,
        count(*)::int, NULL, NULL
      FROM orgs_y GROUP BY GROUPING SETS ((year, itu_region), (year, development_status), (year, category), (year, sme))
      UNION ALL
      SELECT year, 'seniority', seniority, NULL, count(*)::int, NULL FROM people_y GROUP BY year, seniority
      UNION ALL
      SELECT year, 'attended_as', attended_as, NULL, NULL, count(*)::int FROM wide GROUP BY year, attended_as
    ),
    -- Each engagement group's executive meetings with the one before each (lag over the group's meetings).
    gm AS (
      SELECT m.id, m.starts_at,
             lag(m.id) OVER (PARTITION BY m.group_id ORDER BY m.starts_at, m.id) AS previous
      FROM meeting m
      WHERE m.group_id IS NOT NULL AND m.kind IN ('cto_meeting', 'cxo_meeting') AND m.status IN ('held', 'concluded')
        AND m.starts_at <= ${end}
    ),
    gm_in AS (SELECT * FROM gm WHERE starts_at >= ${start}),
    go AS (
      SELECT a.meeting_id, a.organization_id, bool_or(a.attended_as IN ('principal', 'alternate')) AS pa
      FROM meeting_attendance a
      WHERE a.meeting_id IN (SELECT id FROM gm_in UNION SELECT previous FROM gm_in WHERE previous IS NOT NULL)
      GROUP BY a.meeting_id, a.organization_id
    ),
    go_counts AS (
      SELECT meeting_id, count(*)::int AS organizations, count(*) FILTER (WHERE pa)::int AS pa
      FROM go GROUP BY meeting_id
    ),
    go_returned AS (
      SELECT g.id, count(*)::int AS n
      FROM gm_in g JOIN go x ON x.meeting_id = g.id
      JOIN go y ON y.meeting_id = g.previous AND y.organization_id = x.organization_id
      GROUP BY g.id
    ),
    retention AS (
      SELECT g.id, g.starts_at, coalesce(c.organizations, 0) AS organizations,
        CASE WHEN g.previous IS NULL THEN NULL ELSE coalesce(r.n, 0) END AS returned,
        coalesce(c.pa, 0) AS principal_or_alternate
      FROM gm_in g LEFT JOIN go_counts c ON c.meeting_id = g.id LEFT JOIN go_returned r ON r.id = g.id
    ),
    ms AS (
      SELECT group_id, organization_id FROM group_membership
      WHERE start_date <= ${period.from}::date AND (end_date IS NULL OR end_date >= ${period.from}::date)
    ),
    me AS (
      SELECT group_id, organization_id FROM group_membership
      WHERE start_date <= ${period.to}::date AND (end_date IS NULL OR end_date >= ${period.to}::date)
    ),
    composition AS (
      SELECT g.id AS group_id, g.kind,
        (SELECT count(DISTINCT organization_id) FROM ms WHERE ms.group_id = g.id)::int AS at_start,
        (SELECT count(DISTINCT organization_id) FROM me WHERE me.group_id = g.id)::int AS at_end,
        (SELECT count(DISTINCT ms.organization_id) FROM ms JOIN me ON me.group_id = ms.group_id
           AND me.organization_id = ms.organization_id WHERE ms.group_id = g.id)::int AS stayed,
        (SELECT count(*) FROM group_membership x WHERE x.group_id = g.id AND x.start_date > ${period.from}::date
           AND x.start_date <= ${period.to}::date AND EXISTS (SELECT 1 FROM group_membership y
             WHERE y.group_id = x.group_id AND y.organization_id = x.organization_id AND y.start_date < x.start_date))::int AS changes
      FROM engagement_group g WHERE g.archived_at IS NULL OR g.archived_at >= ${start}
    ),
    coverage AS (
      SELECT count(*)::int AS consultable,
        count(*) FILTER (WHERE EXISTS (SELECT 1 FROM consultation c WHERE c.meeting_id = h.id
          AND c.status <> 'draft' AND c.closes_at <= h.starts_at))::int AS consulted
      FROM held h WHERE h.kind IN ('cto_meeting', 'cxo_meeting')
    ),
    picked AS (
      SELECT c.id, c.closes_at FROM consultation c
      WHERE c.status <> 'draft' AND c.opens_at >= ${start} AND c.opens_at <= ${end}
    ),
    consultations AS (
      SELECT picked.id, picked.closes_at, count(ct.id)::int AS targets,
        count(ct.id) FILTER (WHERE r.target_id IS NOT NULL)::int AS responded,
        count(ct.id) FILTER (WHERE coalesce(c1.development_status, c2.development_status) = 'developing')::int
          AS developing_targets,
        count(ct.id) FILTER (WHERE coalesce(c1.development_status, c2.development_status) = 'developing'
          AND r.target_id IS NOT NULL)::int AS developing_responded
      FROM picked
      LEFT JOIN consultation_target ct ON ct.consultation_id = picked.id
      LEFT JOIN country c1 ON c1.code = ct.country_code
      LEFT JOIN organization o ON o.id = ct.organization_id
      LEFT JOIN country c2 ON c2.code = o.country_code
      LEFT JOIN (SELECT r.target_id FROM picked JOIN consultation_response r ON r.consultation_id = picked.id
                 WHERE r.state = 'submitted' AND r.submitted_at <= ${end}) r ON r.target_id = ct.id
      GROUP BY picked.id, picked.closes_at
    ),
    moves AS (
      SELECT e.topic_id,
        (array_agg(e.to_state ORDER BY e.id DESC) FILTER (WHERE e.at < ${start}))[1] AS before,
        (array_agg(e.to_state ORDER BY e.id DESC))[1] AS after,
        bool_or(e.at >= ${start}) AS moved,
        bool_or(e.at >= ${start} AND e.to_state = 'work_item') AS work_item,
        bool_or(e.at >= ${start} AND e.to_state = 'standard_approved') AS standard
      FROM topic_event e
      WHERE e.kind = 'transition' AND e.to_state IS NOT NULL AND e.at <= ${end}
      GROUP BY e.topic_id
    ),
    concluded AS (
      SELECT c.topic_id, count(DISTINCT c.meeting_id)::int AS meetings
      FROM conclusion c JOIN meeting m ON m.id = c.meeting_id
      WHERE c.topic_id IS NOT NULL AND m.starts_at >= ${start} AND m.starts_at <= ${end}
      GROUP BY c.topic_id
    ),
    topics AS (
      SELECT coalesce(moves.topic_id, concluded.topic_id) AS id, coalesce(moves.before, 'proposed') AS before,
        coalesce(moves.after, 'proposed') AS after, coalesce(moves.work_item, false) AS work_item,
        coalesce(moves.standard, false) AS standard, coalesce(concluded.meetings, 0) AS meetings
      FROM moves FULL JOIN concluded ON concluded.topic_id = moves.topic_id
      WHERE moves.moved OR concluded.meetings > 0
    ),
    -- Each action's status at the report's date: its last change of status by then.
    action_status AS (
      SELECT a.owner_body, a.due_date,
        coalesce((SELECT u.status_to FROM action_update u WHERE u.action_id = a.id AND u.status_to IS NOT NULL
                    AND u.at <= ${asOf} ORDER BY u.id DESC LIMIT 1), 'open') AS status
      FROM follow_up_action a WHERE a.created_at >= ${start} AND a.created_at <= ${end}
    ),
    actions AS (
      SELECT owner_body AS body, count(*)::int AS created, count(*) FILTER (WHERE status = 'done')::int AS done,
        count(*) FILTER (WHERE status = 'dropped')::int AS dropped,
        count(*) FILTER (WHERE status IN ('open', 'in_progress') AND due_date < ${day}::date)::int AS overdue
      FROM action_status GROUP BY owner_body
    ),
    workshops AS (
      SELECT h.id, h.starts_at, count(DISTINCT c.id)::int AS conclusions, count(a.id)::int AS actions
      FROM held h LEFT JOIN conclusion c ON c.meeting_id = h.id AND c.created_at <= ${asOf}
      LEFT JOIN follow_up_action a ON a.conclusion_id = c.id
      WHERE h.kind = 'workshop' GROUP BY h.id, h.starts_at
    ),
    -- The plan the report shows: the first Sector's current plan, else the Union's (as getPlan chooses).
    plan_items AS (
      SELECT i.code, i.status, i.progress, i.position FROM plan_item i
      WHERE i.retired_at IS NULL AND i.version_id = (SELECT v.id FROM plan_version v
        LEFT JOIN sector s ON s.id = v.sector_id WHERE v.current ORDER BY v.sector_id IS NULL, s.position, s.code LIMIT 1)
    ),
    -- The computed indicators, each year of the period in one pass.
    years AS (
      SELECT y::int AS year, greatest(make_timestamptz(y::int, 1, 1, 0, 0, 0, 'UTC'), ${bounds.start}) AS y_start,
             least(make_timestamptz(y::int + 1, 1, 1, 0, 0, 0, 'UTC') - interval '1 millisecond', ${bounds.end}) AS y_end
      FROM generate_series(${Number(period.from.slice(0, 4))}::int, ${Number(period.to.slice(0, 4))}::int) y
    ),
    in_years AS (
      SELECT y.year, m.id, m.kind, m.starts_at FROM meeting m JOIN years y ON m.starts_at BETWEEN y.y_start AND y.y_end
      WHERE m.status IN ('held', 'concluded')
    ),
    -- Each organization once per year: whether it attended an executive meeting, and whether it was new.
    ind_orgs AS (
      SELECT m.year, a.organization_id, bool_or(m.kind IN ('cto_meeting', 'cxo_meeting')) AS at_exec,
        bool_or(o.membership_start > (m.starts_at - interval '12 months')::date
          AND o.membership_start <= m.starts_at::date) AS fresh,
        min(o.category) AS category, min(c.development_status) AS development_status
      FROM in_years m JOIN meeting_attendance a ON a.meeting_id = m.id
      JOIN organization o ON o.id = a.organization_id JOIN country c ON c.code = o.country_code
      GROUP BY m.year, a.organization_id
    ),
    ind_execs AS (
      SELECT DISTINCT m.year, a.person_id
      FROM in_years m JOIN meeting_attendance a ON a.meeting_id = m.id
      JOIN person p ON p.id = a.person_id JOIN organization o ON o.id = a.organization_id
      WHERE m.kind IN ('cto_meeting', 'cxo_meeting') AND p.seniority IN ('c_level', 'senior_executive')
        AND o.category <> 'member_state'
    ),
    ind_attendance AS (
      SELECT y.year,
        (SELECT count(*) FROM ind_execs WHERE ind_execs.year = y.year) AS executives,
        count(*) FILTER (WHERE at_exec) AS exec_orgs,
        count(*) FILTER (WHERE at_exec AND development_status = 'developing') AS exec_developing,
        count(*) FILTER (WHERE category <> 'member_state') AS industry_orgs,
        count(*) FILTER (WHERE category <> 'member_state' AND fresh) AS fresh
      FROM years y LEFT JOIN ind_orgs ON ind_orgs.year = y.year
      GROUP BY y.year
    ),
    ind_satisfaction AS (
      SELECT y.year, avg(100.0 * ((r.answers ->> (q ->> 'id'))::numeric - 1)
                     / (coalesce((q ->> 'points')::numeric, 5) - 1)) AS value
      FROM consultation_response r JOIN consultation c ON c.id = r.consultation_id
      JOIN meeting m ON m.id = c.meeting_id JOIN years y ON m.starts_at BETWEEN y.y_start AND y.y_end
      JOIN questionnaire_version qv ON qv.consultation_id = c.id AND qv.version = r.questionnaire_version
      CROSS JOIN LATERAL jsonb_array_elements(coalesce(qv.definition -> 'sections', '[]')) s
      CROSS JOIN LATERAL jsonb_array_elements(coalesce(s -> 'questions', '[]')) q
      WHERE c.purpose = 'workshop_evaluation' AND m.kind = 'workshop' AND r.state = 'submitted'
        AND q ->> 'type' = 'likert' AND jsonb_typeof(r.answers -> (q ->> 'id')) = 'number'
      GROUP BY y.year
    ),
    ind_conclusions AS (
      SELECT y.year, count(*) AS n, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM follow_up_action f
               WHERE f.conclusion_id = c.id AND f.status = 'done')) AS done
      FROM conclusion c JOIN meeting m ON m.id = c.meeting_id JOIN years y ON m.starts_at BETWEEN y.y_start AND y.y_end
      GROUP BY y.year
    ),
    ind_circulars AS (
      SELECT y.year, count(f.id) AS n, count(DISTINCT ci.id) AS circulars
      FROM circular ci JOIN years y ON ci.issued_on BETWEEN y.y_start::date AND y.y_end::date
      LEFT JOIN circular_feedback f ON f.circular_id = ci.id
      GROUP BY y.year
    ),
    exec_in_years AS (
      SELECT year, count(*) AS n FROM in_years WHERE kind IN ('cto_meeting', 'cxo_meeting') GROUP BY year
    ),
    indicators AS (
      SELECT 'industry_executives' AS query, y.year,
        CASE WHEN coalesce(e.n, 0) > 0 THEN coalesce(a.executives, 0) END::float8 AS value
      FROM years y LEFT JOIN exec_in_years e ON e.year = y.year LEFT JOIN ind_attendance a ON a.year = y.year
      UNION ALL
      SELECT 'developing_share', y.year, CASE WHEN a.exec_orgs > 0 THEN 100.0 * a.exec_developing / a.exec_orgs END
      FROM years y LEFT JOIN ind_attendance a ON a.year = y.year
      UNION ALL
      SELECT 'new_member_share', y.year, CASE WHEN a.industry_orgs > 0 THEN 100.0 * a.fresh / a.industry_orgs END
      FROM years y LEFT JOIN ind_attendance a ON a.year = y.year
      UNION ALL
      SELECT 'workshop_satisfaction', y.year, s.value FROM years y LEFT JOIN ind_satisfaction s ON s.year = y.year
      UNION ALL
      SELECT 'conclusions_completed', y.year, CASE WHEN c.n > 0 THEN 100.0 * c.done / c.n END
      FROM years y LEFT JOIN ind_conclusions c ON c.year = y.year
      UNION ALL
      SELECT 'circular_feedback', y.year, CASE WHEN c.circulars > 0 THEN c.n END
      FROM years y LEFT JOIN ind_circulars c ON c.year = y.year
    ),
    -- The Resolution 68 scorecard's evidence over the period (to the report's date).
    exec AS (
      SELECT * FROM held WHERE kind IN ('cto_meeting', 'cxo_meeting')
    ),
    exec_att AS (
      SELECT a.meeting_id, a.organization_id, a.person_id, a.attended_as, h.group_id
      FROM att a JOIN exec h ON h.id = a.meeting_id
    ),
    exec_people AS (SELECT DISTINCT person_id FROM exec_att WHERE person_id IS NOT NULL),
    latest_agenda AS (
      SELECT g.id FROM agenda g JOIN meeting m ON m.id = g.meeting_id
      WHERE g.published_at IS NOT NULL AND m.starts_at BETWEEN ${start} AND ${end}
        AND g.version = (SELECT max(g2.version) FROM agenda g2 WHERE g2.meeting_id = g.meeting_id AND g2.published_at IS NOT NULL)
    ),
    scorecard AS (
      SELECT
        (SELECT count(*) FILTER (WHERE p.seniority IN ('c_level', 'senior_executive'))
           FROM exec_people x JOIN person p ON p.id = x.person_id)::int AS d1_part,
        (SELECT count(*) FROM exec_people)::int AS d1_whole,
        (SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM consultation c WHERE c.meeting_id = e.id
           AND c.purpose = 'pre_meeting_developing_countries' AND c.status <> 'draft' AND c.closes_at <= e.starts_at))
           FROM exec e)::int AS d2_part,
        (SELECT count(*) FROM exec)::int AS exec_meetings,
        (SELECT count(*) FROM held WHERE kind IN ('workshop', 'symposium'))::int AS d3,
        (SELECT count(DISTINCT c.itu_region) FROM exec_att x JOIN organization o ON o.id = x.organization_id
           JOIN country c ON c.code = o.country_code WHERE o.category <> 'member_state')::int AS d4,
        (SELECT count(DISTINCT c.itu_region) FROM exec e JOIN meeting m ON m.id = e.id
           JOIN country c ON c.code = m.country_code WHERE m.format <> 'online')::int AS d5,
        (SELECT count(*) FILTER (WHERE pa) FROM (SELECT bool_or(x.attended_as IN ('principal', 'alternate')) AS pa
           FROM exec_att x WHERE x.group_id IS NOT NULL GROUP BY x.meeting_id, x.organization_id) z)::int AS d6_part,
        (SELECT count(*) FROM (SELECT DISTINCT x.meeting_id, x.organization_id FROM exec_att x
           WHERE x.group_id IS NOT NULL) z)::int AS d6_whole,
        (SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM topic_priority tp WHERE tp.topic_id = i.topic_id))
           FROM agenda_item i JOIN latest_agenda g ON g.id = i.agenda_id)::int AS d7_part,
        (SELECT count(*) FROM agenda_item i JOIN latest_agenda g ON g.id = i.agenda_id)::int AS d7_whole,
        (SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM consultation c WHERE c.meeting_id = e.id
           AND c.purpose = 'membership_agenda' AND c.status <> 'draft' AND c.closes_at <= e.starts_at))
           FROM exec e)::int AS d8_part,
        (SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM report_issue r WHERE r.kind = 'meeting'
           AND r.params ->> 'meetingId' = e.id::text)) FROM exec e)::int AS d9_part,
        (SELECT count(*) FILTER (WHERE f.status = 'done') FROM follow_up_action f
           WHERE f.created_at BETWEEN ${start} AND ${end})::int AS d10_part,
        (SELECT count(*) FILTER (WHERE f.status <> 'dropped') FROM follow_up_action f
           WHERE f.created_at BETWEEN ${start} AND ${end})::int AS d10_whole,
        (SELECT count(*) FILTER (WHERE r.kind = 'follow-up') FROM report_issue r
           WHERE r.issued_at BETWEEN ${start} AND ${end})::int AS d11,
        (SELECT count(*) FILTER (WHERE r.kind = 'wtsa') FROM report_issue r
           WHERE r.issued_at BETWEEN ${start} AND ${end})::int AS d12,
        (SELECT count(*) FROM consultation c WHERE c.purpose IN ('process_evaluation', 'meeting_evaluation')
           AND c.status = 'closed' AND c.closes_at BETWEEN ${start} AND ${end})::int AS t1,
        (SELECT count(*) FROM meeting m WHERE m.kind = 'workshop' AND m.status NOT IN ('draft', 'cancelled')
           AND m.created_at BETWEEN ${start} AND ${end})::int AS t2,
        (SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM consultation c WHERE c.meeting_id = h.id
           AND c.purpose = 'workshop_evaluation' AND c.status <> 'draft') OR EXISTS (SELECT 1 FROM report_issue r
           WHERE r.kind = 'workshop' AND r.params ->> 'meetingId' = h.id::text)) FROM held h
           WHERE h.kind = 'workshop')::int AS t3_part,
        (SELECT count(*) FROM held WHERE kind = 'workshop')::int AS t3_whole,
        (SELECT count(r.id) FILTER (WHERE r.state = 'submitted') FROM consultation c
           JOIN consultation_target t ON t.consultation_id = c.id LEFT JOIN consultation_response r ON r.target_id = t.id
           WHERE c.status <> 'draft' AND c.closes_at BETWEEN ${start} AND ${end})::int AS e1_part,
        (SELECT count(t.id) FROM consultation c JOIN consultation_target t ON t.consultation_id = c.id
           WHERE c.status <> 'draft' AND c.closes_at BETWEEN ${start} AND ${end})::int AS e1_whole,
        (SELECT count(*) FILTER (WHERE i.status IN ('in_progress', 'done')) FROM plan_item i
           JOIN plan_version v ON v.id = i.version_id WHERE v.current AND i.retired_at IS NULL)::int AS e2_part,
        (SELECT count(*) FILTER (WHERE i.status <> 'dropped') FROM plan_item i
           JOIN plan_version v ON v.id = i.version_id WHERE v.current AND i.retired_at IS NULL)::int AS e2_whole
    )
    SELECT
      (SELECT coalesce(jsonb_agg(jsonb_build_object('id', h.id, 'organizations', coalesce(p.organizations, 0),
         'people', coalesce(p.people, 0)) ORDER BY h.starts_at, h.id), '[]')
       FROM held h LEFT JOIN per_meeting p ON p.meeting_id = h.id) AS meetings,
      (SELECT jsonb_build_object('organizations', count(DISTINCT organization_id), 'countries', count(DISTINCT country_code),
         'people', (SELECT count(DISTINCT person_id) FROM people_y)) FROM orgs_y) AS totals,
      (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY year, dimension, key), '[]') FROM participation x) AS participation,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'organizations', organizations, 'returned', returned,
         'principal_or_alternate', principal_or_alternate) ORDER BY (starts_at AT TIME ZONE 'UTC')::date, id), '[]')
       FROM retention) AS retention,
      (SELECT coalesce(jsonb_agg(to_jsonb(x) - 'kind' ORDER BY kind), '[]') FROM composition x
         WHERE at_start > 0 OR at_end > 0) AS composition,
      (SELECT to_jsonb(x) FROM coverage x) AS coverage,
      (SELECT coalesce(jsonb_agg(to_jsonb(x) - 'closes_at' ORDER BY closes_at), '[]') FROM consultations x) AS consultations,
      (SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]') FROM topics x) AS topics,
      (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY body), '[]') FROM actions x) AS actions,
      (SELECT coalesce(jsonb_agg(to_jsonb(x) - 'starts_at' ORDER BY starts_at), '[]') FROM workshops x) AS workshops,
      (SELECT coalesce(jsonb_agg(to_jsonb(x) - 'position' ORDER BY position), '[]') FROM plan_items x) AS plan_items,
      (SELECT jsonb_agg(to_jsonb(x) ORDER BY query, year) FROM indicators x) AS indicators,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('query', i.query, 'unit', i.unit, 'measured',
         (SELECT im.value FROM indicator_measurement im WHERE im.indicator_id = i.id
            AND im.measured_on BETWEEN ${period.from}::date AND ${period.to}::date ORDER BY im.measured_on DESC LIMIT 1))
         ORDER BY i.item_code, i.code), '[]') FROM indicator i) AS indicator_list,
      (SELECT to_jsonb(x) FROM scorecard x) AS scorecard,
      (SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]') FROM scorecard_threshold x) AS thresholds`.execute(db)
  return rows[0]!
}

/**
 * Where the baseline's figures and the report model's tables disagree (empty when they agree): the
 * meetings with their organizations and people, the totals, participation per year, retention per group
 * meeting, topics, follow-up per body, consultations, workshops, indicators and scorecard clauses.
 */
export function differences(report: Report, b: WtsaBaseline, period: { from: string; to: string }): string[] {
  const k = reportKit('en')
  const out: string[] = []
  const tables = new Map(reportTables(report).map((t) => [t.id, t.rows]))
  const same = (what: string, model: unknown, baseline: unknown) => {
    if (JSON.stringify(model) !== JSON.stringify(baseline))
      out.push(`${what}: model ${JSON.stringify(model)}, baseline ${JSON.stringify(baseline)}`)
  }
  const rows = (id: string) => tables.get(id) ?? []
  same(
    'meetings (organizations, people)',
    rows('meetings').map((r) => [r[4], r[5]]),
    b.meetings.map((m) => [m.organizations, m.people]),
  )
  const facts = report.blocks.find((x) => x.kind === 'facts')
  const fact = (i: number) => (facts?.kind === 'facts' ? facts.rows[i]?.[1] : undefined)
  same(
    'totals (organizations, people, countries)',
    [fact(5), fact(6), fact(7)],
    [b.totals.organizations, b.totals.people, b.totals.countries].map((n) => k.nf.format(n)),
  )
  same(
    'participation per year (organizations, people)',
    rows('participation_by_year').map((r) => [Number(r[0]), r[1], r[2]]),
    b.participation.filter((p) => p.dimension === 'total').map((p) => [p.year, p.organizations, p.people]),
  )
  const share = (part: number | null, whole: number) =>
    part === null ? '—' : whole ? k.pf.format(part / whole) : '—'
  same(
    'retention (organizations, returning, principal or alternate)',
    rows('retention').map((r) => [r[3], r[4], r[5]]),
    b.retention.map((r) => [
      r.organizations,
      share(r.returned, r.organizations),
      share(r.principal_or_alternate, r.organizations),
    ]),
  )
  same(
    'composition (start, end, changes)',
    rows('composition').map((r) => [r[1], r[2], r[4]]),
    b.composition.map((c) => [c.at_start, c.at_end, c.changes]),
  )
  same('consultations', rows('consultations').length, b.consultations.length)
  same(
    'topics (count, meetings concluding)',
    [rows('topics').length, rows('topics').reduce((s, r) => s + Number(r[3]), 0)],
    [b.topics.length, b.topics.reduce((s, t) => s + t.meetings, 0)],
  )
  same(
    'follow-up per body (created, done, dropped, overdue)',
    rows('follow_up_by_body').map((r) => [r[0], r[1], r[2], r[3], r[5]]),
    b.actions.map((a) => [a.body, a.created, a.done, a.dropped, a.overdue]),
  )
  same('plan items', rows('plan_items').length, b.plan_items.length)
  const figure = (unit: string, v: number | null) =>
    v === null
      ? '—'
      : `${new Intl.NumberFormat('en', { maximumFractionDigits: 1 }).format(v)}${unit === 'percent' ? ' %' : ''}`
  same(
    'indicators (latest value)',
    rows('indicators').map((r) => r[2]),
    b.indicator_list.map((i) => {
      if (!i.query) return figure(i.unit, i.measured === null ? null : Number(i.measured))
      const last = b.indicators.filter((x) => x.query === i.query && x.value !== null).at(-1)
      return last ? figure(i.unit, Math.round(last.value! * 10) / 10) : '—'
    }),
  )
  const c = b.scorecard
  const ratio = (part: number, whole: number) =>
    whole ? `${k.pf.format(part / whole)} (${k.nf.format(part)}/${k.nf.format(whole)})` : '—'
  const years = Number(period.to.slice(0, 4)) - Number(period.from.slice(0, 4)) + 1
  same(
    'scorecard values',
    rows('scorecard').map((r) => r[2]),
    [
      ratio(c.d1_part, c.d1_whole),
      ratio(c.d2_part, c.exec_meetings),
      k.nf.format(c.d3),
      k.nf.format(c.d4),
      k.nf.format(c.d5),
      ratio(c.d6_part, c.d6_whole),
      ratio(c.d7_part, c.d7_whole),
      ratio(c.d8_part, c.exec_meetings),
      ratio(c.d9_part, c.exec_meetings),
      ratio(c.d10_part, c.d10_whole),
      k.nf.format(c.d11 / Math.max(1, years)),
      k.nf.format(c.d12),
      k.nf.format(c.t1),
      k.nf.format(c.t2),
      ratio(c.t3_part, c.t3_whole),
      ratio(c.e1_part, c.e1_whole),
      ratio(c.e2_part, c.e2_whole),
    ],
  )
  return out
}
