import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { derived } from '../../db/derived.ts'
import { AppError } from '../../http/errors.ts'
import type { Language } from '../../i18n/i18n.ts'
import { listSectors } from '../structure/structure.service.ts'

/**
 * The Union-wide view (issue 11, item 5): industry engagement across the Sectors side by side — meetings,
 * participation, consultations, topics, follow-up actions and the Panel's advice — for the Secretary-General's
 * office and the Council. Aggregates only (no personal data). One column per Sector, one for Union-wide records,
 * and a total that counts an organization once however many Sectors it took part in. Definitions in
 * docs/metrics.md, "Union-wide view".
 */
export type UnionFigures = {
  meetings: number
  executiveMeetings: number
  workshops: number
  panelMeetings: number
  organizations: number
  participants: number
  developingShare: number | null
  consultations: number
  consultationTargets: number
  consultationResponses: number
  responseRate: number | null
  topics: number
  actions: number
  actionsDone: number
  actionsOverdue: number
  completionShare: number | null
  advice: number
  adviceImplemented: number
}

export type UnionColumn = {
  /** The Sector's code; null for the Union-wide column and for the total. */
  sector: string | null
  kind: 'sector' | 'union' | 'total'
  name: string
  figures: UnionFigures
}

export type UnionView = {
  from: string
  to: string
  columns: UnionColumn[]
  /** Organizations that took part in meetings of two Sectors or more in the period. */
  multiSectorOrganizations: number
}

export const UNION_FIGURES: readonly (keyof UnionFigures)[] = [
  'meetings',
  'executiveMeetings',
  'workshops',
  'panelMeetings',
  'organizations',
  'participants',
  'developingShare',
  'consultations',
  'consultationTargets',
  'consultationResponses',
  'responseRate',
  'topics',
  'actions',
  'actionsDone',
  'actionsOverdue',
  'completionShare',
  'advice',
  'adviceImplemented',
]

const DAY = /^\d{4}-\d{2}-\d{2}$/
/** A day of the calendar: 2025-02-30 is refused (Date.parse would roll it over to March). */
const realDay = (v: string) =>
  DAY.test(v) && !Number.isNaN(Date.parse(v)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v)

/** The default period: the last four calendar years and this one so far (a study period and the current year). */
export function defaultPeriod(today = new Date()): { from: string; to: string } {
  const year = today.getUTCFullYear()
  return { from: `${year - 4}-01-01`, to: today.toISOString().slice(0, 10) }
}

export function checkPeriod(p: {
  from?: string | undefined
  to?: string | undefined
}): Record<string, string[]> {
  const errors: Record<string, string[]> = {}
  if (p.from && !realDay(p.from)) errors.from = ['date_invalid']
  if (p.to && !realDay(p.to)) errors.to = ['date_invalid']
  if (!errors.from && !errors.to && p.from && p.to && p.to < p.from) errors.to = ['end_before_start']
  if (
    !errors.from &&
    !errors.to &&
    p.from &&
    p.to &&
    Number(p.to.slice(0, 4)) - Number(p.from.slice(0, 4)) > 20
  )
    errors.to = ['period_too_long']
  return errors
}

type Row = Record<string, unknown> & { sector_id: string | null }

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null)

export async function unionView(
  db: Db,
  input: { from?: string | undefined; to?: string | undefined },
  lang: Language,
  today = new Date(),
): Promise<UnionView> {
  const errors = checkPeriod(input)
  if (Object.keys(errors).length) throw new AppError('VALIDATION_FAILED', {}, errors)
  const period = {
    ...defaultPeriod(today),
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v)),
  }
  const day = today.toISOString().slice(0, 10)
  const figures = await derived(db, `union:${period.from}:${period.to}:${day}`, () =>
    computeFigures(db, period.from, period.to, day),
  )
  const sectors = await listSectors(db, lang)
  const columnOf = (id: string | null) => figures.bySector[id ?? 'union'] ?? emptyFigures()
  return {
    ...period,
    columns: [
      ...sectors.map((s) => ({
        sector: s.code,
        kind: 'sector' as const,
        name: s.name,
        figures: columnOf(s.id),
      })),
      { sector: null, kind: 'union' as const, name: '', figures: columnOf(null) },
      { sector: null, kind: 'total' as const, name: '', figures: figures.total },
    ],
    multiSectorOrganizations: figures.multiSector,
  }
}

function emptyFigures(): UnionFigures {
  return Object.fromEntries(
    UNION_FIGURES.map((k) => [
      k,
      k === 'developingShare' || k === 'responseRate' || k === 'completionShare' ? null : 0,
    ]),
  ) as UnionFigures
}

/** Six short grouped statements (one per area), each aggregated by Sector with a rollup for the total. */
async function computeFigures(
  db: Db,
  from: string,
  to: string,
  day: string,
): Promise<{ bySector: Record<string, UnionFigures>; total: UnionFigures; multiSector: number }> {
  const start = `${from}T00:00:00Z`
  const end = `${to}T23:59:59.999Z`
  const [meetings, participation, multi, consultations, topics, actions, advice] = await Promise.all([
    sql<Row>`
      SELECT sector_id, GROUPING(sector_id) AS total, count(*)::int AS meetings,
             count(*) FILTER (WHERE kind IN ('cto_meeting', 'cxo_meeting'))::int AS executive,
             count(*) FILTER (WHERE kind IN ('workshop', 'symposium'))::int AS workshops,
             count(*) FILTER (WHERE kind = 'advisory_panel')::int AS panel
      FROM meeting
      WHERE status IN ('held', 'concluded') AND starts_at BETWEEN ${start}::timestamptz AND ${end}::timestamptz
      GROUP BY ROLLUP (sector_id)`.execute(db),
    sql<Row>`
      WITH att AS (
        SELECT m.sector_id, ma.organization_id, count(*)::int AS records
        FROM meeting m JOIN meeting_attendance ma ON ma.meeting_id = m.id
        WHERE m.status IN ('held', 'concluded') AND m.starts_at BETWEEN ${start}::timestamptz AND ${end}::timestamptz
        GROUP BY m.sector_id, ma.organization_id
      )
      SELECT att.sector_id, GROUPING(att.sector_id) AS total,
             count(DISTINCT att.organization_id)::int AS organizations,
             sum(att.records)::int AS participants,
             count(DISTINCT att.organization_id) FILTER (WHERE c.development_status = 'developing')::int AS developing
      FROM att JOIN organization o ON o.id = att.organization_id JOIN country c ON c.code = o.country_code
      GROUP BY ROLLUP (att.sector_id)`.execute(db),
    sql<{ n: number }>`
      SELECT count(*)::int AS n FROM (
        SELECT ma.organization_id
        FROM meeting m JOIN meeting_attendance ma ON ma.meeting_id = m.id
        WHERE m.status IN ('held', 'concluded') AND m.starts_at BETWEEN ${start}::timestamptz AND ${end}::timestamptz
          AND m.sector_id IS NOT NULL
        GROUP BY ma.organization_id HAVING count(DISTINCT m.sector_id) > 1) x`.execute(db),
    sql<Row>`
      WITH c AS (
        SELECT c.id, c.sector_id FROM consultation c
        WHERE c.status <> 'draft' AND c.opens_at BETWEEN ${start}::timestamptz AND ${end}::timestamptz
      ),
      t AS (
        SELECT c.id, count(ct.id)::int AS targets, count(r.id)::int AS responses
        FROM c JOIN consultation_target ct ON ct.consultation_id = c.id
        LEFT JOIN consultation_response r ON r.target_id = ct.id AND r.state = 'submitted'
        GROUP BY c.id
      )
      SELECT c.sector_id, GROUPING(c.sector_id) AS total, count(*)::int AS consultations,
             coalesce(sum(t.targets), 0)::int AS targets, coalesce(sum(t.responses), 0)::int AS responses
      FROM c LEFT JOIN t ON t.id = c.id
      GROUP BY ROLLUP (c.sector_id)`.execute(db),
    sql<Row>`
      SELECT sector_id, GROUPING(sector_id) AS total, count(*)::int AS topics
      FROM topic WHERE created_at BETWEEN ${start}::timestamptz AND ${end}::timestamptz AND merged_into IS NULL
      GROUP BY ROLLUP (sector_id)`.execute(db),
    sql<Row>`
      SELECT sector_id, GROUPING(sector_id) AS total, count(*)::int AS actions,
             count(*) FILTER (WHERE status = 'done')::int AS done,
             count(*) FILTER (WHERE status = 'dropped')::int AS dropped,
             count(*) FILTER (WHERE status IN ('open', 'in_progress') AND due_date < ${day}::date)::int AS overdue
      FROM follow_up_action WHERE created_at BETWEEN ${start}::timestamptz AND ${end}::timestamptz
      GROUP BY ROLLUP (sector_id)`.execute(db),
    sql<Row>`
      SELECT p.sector_id, GROUPING(p.sector_id) AS total, count(*)::int AS advice,
             count(*) FILTER (WHERE a.status = 'implemented')::int AS implemented
      FROM advisory_panel_advice a JOIN advisory_panel p ON p.id = a.panel_id
      WHERE a.given_on BETWEEN ${from}::date AND ${to}::date
      GROUP BY ROLLUP (p.sector_id)`.execute(db),
  ])
  const bySector: Record<string, UnionFigures> = {}
  const total = emptyFigures()
  const slot = (r: Row): UnionFigures => {
    if (Number(r.total) === 1) return total
    const key = r.sector_id ?? 'union'
    bySector[key] ??= emptyFigures()
    return bySector[key]
  }
  const n = (v: unknown) => Number(v ?? 0)
  for (const r of meetings.rows)
    Object.assign(slot(r), {
      meetings: n(r.meetings),
      executiveMeetings: n(r.executive),
      workshops: n(r.workshops),
      panelMeetings: n(r.panel),
    })
  for (const r of participation.rows)
    Object.assign(slot(r), {
      organizations: n(r.organizations),
      participants: n(r.participants),
      developingShare: share(n(r.developing), n(r.organizations)),
    })
  for (const r of consultations.rows)
    Object.assign(slot(r), {
      consultations: n(r.consultations),
      consultationTargets: n(r.targets),
      consultationResponses: n(r.responses),
      responseRate: share(n(r.responses), n(r.targets)),
    })
  for (const r of topics.rows) Object.assign(slot(r), { topics: n(r.topics) })
  for (const r of actions.rows)
    Object.assign(slot(r), {
      actions: n(r.actions),
      actionsDone: n(r.done),
      actionsOverdue: n(r.overdue),
      completionShare: share(n(r.done), n(r.actions) - n(r.dropped)),
    })
  for (const r of advice.rows)
    Object.assign(slot(r), { advice: n(r.advice), adviceImplemented: n(r.implemented) })
  return { bySector, total, multiSector: n(multi.rows[0]?.n) }
}
