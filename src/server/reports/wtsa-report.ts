import { sql } from 'kysely'
import { barChart, percentChart } from '../charts/charts.ts'
import type { Db } from '../db/database.ts'
import { seriesMetrics } from '../features/analytics/series.ts'
import { type Actor, assertStaff } from '../features/auth/auth.policy.ts'
import { getPlan, listIndicators, scorecard } from '../features/plan/plan.service.ts'
import type { Language } from '../i18n/i18n.ts'
import { actionsAsOf } from './follow-up-report.ts'
import { type Kit, noProgress, type Progress, periodBounds, reportKit } from './kit.ts'
import type { Block, Cell, PeriodParams, Report } from './model.ts'
import { headOf, periodScope, type ReportScope, scopedTitle, sectorIs } from './scope.ts'

const EXECUTIVE = ['cto_meeting', 'cxo_meeting'] as const
const PLAN_READER: Actor = { kind: 'system', label: 'report generation' }
const HELD = ['held', 'concluded'] as const

/** Groups carry no Sector: in a Sector's report, the groups that have met in that Sector. */
const groupsOf = (sector: string | null | undefined) =>
  sector === undefined
    ? sql<boolean>`true`
    : sql<boolean>`EXISTS (SELECT 1 FROM meeting gm WHERE gm.group_id = g.id AND ${sectorIs('gm.sector_id', sector)})`

/** What the findings are drafted from; exported so tests can check the numbers behind each sentence. */
export type WtsaFigures = {
  executiveMeetings: number
  workshops: number
  organizations: number
  countries: number
  developingShareFirst: { year: number; share: number } | null
  developingShareLast: { year: number; share: number } | null
  retention: number | null
  principalOrAlternate: number | null
  consulted: number
  consultable: number
  topics: number
  reachedWorkItem: number
  reachedStandard: number
  actions: number
  actionsDone: number
  actionsDropped: number
  actionsOverdue: number
  clausesMet: number
  clauses: number
}

/**
 * The report to the world assembly (Resolution 68, resolves 12): what the industry-engagement process
 * achieved over a study period, and whether to continue or enhance it. Everything is counted from
 * Engage's records as they stood at `asOf`; the findings are drafted from those counts and edited by the
 * secretariat before the report is issued. Limited to a Sector (or to Union-wide records), every count
 * takes that Sector's meetings, consultations, topics, actions and plan only.
 */
export async function wtsaReport(
  db: Db,
  actor: Actor,
  period: PeriodParams,
  lang: Language,
  asOf = new Date(),
  progress: Progress = noProgress,
): Promise<Report> {
  assertStaff(actor)
  const k = reportKit(lang)
  const { t, nf } = k
  const { start } = periodBounds(period)
  const periodEnd = periodBounds(period).end
  // Nothing after the report's date counts, even inside the period.
  const end = periodEnd < asOf ? periodEnd : asOf
  const scope = await periodScope(db, k, period, asOf.toISOString().slice(0, 10))
  const inScope = scope.sector
  const title = scopedTitle(
    k,
    t('reports.wtsa.title', { from: k.day(period.from), to: k.day(period.to) }),
    scope,
  )
  const blocks: Block[] = [{ kind: 'heading', level: 1, text: title }]
  const fig = { clausesMet: 0, clauses: 0 } as WtsaFigures

  // ------------------------------------------------------------ meetings held
  await progress(t('reports.steps.meetings'), 0.05)
  // The period's meetings, each with its organizations and people counted in one pass over its attendance,
  // and the period's totals, side by side.
  const [meetings, totalRows] = await Promise.all([
    db
      .selectFrom('meeting as m')
      .leftJoin('country as c', 'c.code', 'm.country_code')
      .leftJoinLateral(
        (eb) =>
          eb
            .selectFrom('meeting_attendance as a')
            .whereRef('a.meeting_id', '=', 'm.id')
            .select([
              sql<number>`count(DISTINCT a.organization_id)::int`.as('organizations'),
              sql<number>`count(DISTINCT a.person_id)::int`.as('people'),
            ])
            .as('x'),
        (join) => join.onTrue(),
      )
      .select(['m.id', 'm.kind', 'm.titles', 'm.starts_at', 'm.format', 'm.city', 'c.names as country_names'])
      .select(['x.organizations', 'x.people'])
      .where('m.status', 'in', HELD)
      .where('m.starts_at', '>=', start)
      .where('m.starts_at', '<=', end)
      .where(sectorIs('m.sector_id', inScope))
      .orderBy('m.starts_at')
      .orderBy('m.id')
      .execute(),
    sql<{ organizations: number; people: number; countries: number }>`
      SELECT count(DISTINCT a.organization_id)::int AS organizations, count(DISTINCT a.person_id)::int AS people,
             count(DISTINCT o.country_code)::int AS countries
      FROM meeting_attendance a
      JOIN meeting m ON m.id = a.meeting_id
      JOIN organization o ON o.id = a.organization_id
      WHERE m.status IN ('held', 'concluded') AND m.starts_at >= ${start} AND m.starts_at <= ${end}
        AND ${sectorIs('m.sector_id', inScope)}`.execute(db),
  ])
  fig.executiveMeetings = meetings.filter((m) => (EXECUTIVE as readonly string[]).includes(m.kind)).length
  fig.workshops = meetings.filter((m) => m.kind === 'workshop').length
  const totals = totalRows.rows[0]
  fig.organizations = Number(totals?.organizations ?? 0)
  fig.countries = Number(totals?.countries ?? 0)

  blocks.push({
    kind: 'facts',
    rows: [
      [t('reports.period'), `${k.day(period.from)} – ${k.day(period.to)}`],
      [t('reports.as_of'), k.day(asOf)],
      [t('reports.wtsa.executive_meetings'), nf.format(fig.executiveMeetings)],
      [t('reports.wtsa.workshops'), nf.format(fig.workshops)],
      [t('reports.wtsa.other_meetings'), nf.format(meetings.length - fig.executiveMeetings - fig.workshops)],
      [t('reports.organizations'), nf.format(fig.organizations)],
      [t('reports.people'), nf.format(Number(totals?.people ?? 0))],
      [t('reports.wtsa.countries'), nf.format(fig.countries)],
    ],
  })
  if (!meetings.length) blocks.push({ kind: 'notice', text: t('reports.wtsa.no_meetings') })

  blocks.push({ kind: 'heading', level: 2, text: t('reports.wtsa.meetings_held') })
  blocks.push({
    kind: 'table',
    id: 'meetings',
    title: t('reports.wtsa.meetings_held'),
    columns: [
      t('reports.meeting.meeting'),
      t('field.kind'),
      t('reports.date'),
      t('reports.meeting.where'),
      t('reports.organizations'),
      t('reports.people'),
    ],
    rows: meetings.map((m) => [
      k.text(m.titles),
      t(`meeting_kind.${m.kind}`),
      k.day(m.starts_at),
      m.format === 'online'
        ? t('meeting_format.online')
        : [m.city, m.country_names ? k.text(m.country_names) : null].filter(Boolean).join(', ') || '—',
      m.organizations ?? 0,
      m.people ?? 0,
    ]),
    empty: t('reports.wtsa.no_meetings'),
  })

  // ------------------------------------------------------------ participation trends
  await progress(t('reports.steps.participation'), 0.2)
  await participation(db, k, blocks, fig, start, end, inScope)

  // ------------------------------------------------------------ stability and retention
  await progress(t('reports.steps.stability'), 0.35)
  await stability(db, k, blocks, fig, period, start, end, scope)

  // ------------------------------------------------------------ consultation coverage
  await progress(t('reports.steps.consultations'), 0.5)
  await consultationCoverage(db, k, blocks, fig, start, end, inScope)

  // ------------------------------------------------------------ topics and outcomes
  await progress(t('reports.steps.topics'), 0.6)
  await topicOutcomes(db, k, blocks, fig, start, end, inScope)

  // ------------------------------------------------------------ follow-up completion
  await progress(t('reports.steps.actions'), 0.75)
  // Only their bodies and statuses are shown: the actions' texts go through a kit of their own, so they are
  // not counted among this report's texts shown in another language.
  const created = (await actionsAsOf(db, reportKit(lang), asOf, inScope, start)).filter(
    (a) => a.createdAt >= start && a.createdAt <= end,
  )
  fig.actions = created.length
  fig.actionsDone = created.filter((a) => a.status === 'done').length
  fig.actionsDropped = created.filter((a) => a.status === 'dropped').length
  fig.actionsOverdue = created.filter((a) => a.overdue).length
  blocks.push({ kind: 'heading', level: 2, text: t('reports.wtsa.follow_up') })
  blocks.push({
    kind: 'paragraph',
    text: t('reports.wtsa.follow_up_summary', {
      count: fig.actions,
      n: nf.format(fig.actions),
      done: nf.format(fig.actionsDone),
      dropped: nf.format(fig.actionsDropped),
      overdue: nf.format(fig.actionsOverdue),
      rate: k.percent(fig.actionsDone, fig.actions - fig.actionsDropped),
    }),
  })
  const bodies = [...new Set(created.map((a) => a.body))].sort()
  blocks.push({
    kind: 'table',
    id: 'follow_up_by_body',
    title: t('reports.wtsa.follow_up_by_body'),
    columns: [
      t('follow_up.body'),
      t('reports.wtsa.actions_created'),
      t('follow_up.statuses.done'),
      t('follow_up.statuses.dropped'),
      t('reports.wtsa.still_open'),
      t('follow_up.overdue'),
      t('reports.wtsa.completion'),
    ],
    rows: bodies.map((b) => {
      const of = created.filter((a) => a.body === b)
      const done = of.filter((a) => a.status === 'done').length
      const dropped = of.filter((a) => a.status === 'dropped').length
      return [
        b,
        of.length,
        done,
        dropped,
        of.length - done - dropped,
        of.filter((a) => a.overdue).length,
        k.percent(done, of.length - dropped),
      ]
    }),
    empty: t('reports.wtsa.no_actions'),
  })

  // ------------------------------------------------------------ workshops
  await progress(t('reports.steps.workshops'), 0.85)
  blocks.push({ kind: 'heading', level: 2, text: t('reports.wtsa.workshop_outcomes') })
  const workshops = meetings.filter((m) => m.kind === 'workshop')
  if (!workshops.length) blocks.push({ kind: 'paragraph', text: t('reports.wtsa.no_workshops') })
  if (workshops.length) {
    const points = await db
      .selectFrom('conclusion as c')
      .leftJoin('follow_up_action as a', 'a.conclusion_id', 'c.id')
      .select(['c.id', 'c.meeting_id', 'c.texts', 'c.type', 'a.owner_body'])
      .where(
        'c.meeting_id',
        'in',
        workshops.map((w) => w.id),
      )
      .where('c.created_at', '<=', asOf)
      .orderBy('c.created_at')
      .execute()
    for (const w of workshops) {
      const mine = points.filter((p) => p.meeting_id === w.id)
      const conclusions = [...new Map(mine.map((p) => [p.id, p])).values()]
      blocks.push({ kind: 'heading', level: 3, text: k.text(w.titles) })
      blocks.push({
        kind: 'paragraph',
        text: t('reports.wtsa.workshop_summary', {
          date: k.day(w.starts_at),
          organizations: nf.format(w.organizations ?? 0),
          points: nf.format(conclusions.length),
          actions: nf.format(mine.filter((p) => p.owner_body).length),
        }),
      })
      blocks.push({
        kind: 'list',
        items: conclusions.map((c) => `${t(`follow_up.types.${c.type}`)}: ${k.text(c.texts)}`),
        empty: t('reports.wtsa.no_points'),
      })
    }
  }

  // ------------------------------------------------------------ action plan and scorecard
  await progress(t('reports.steps.plan'), 0.9)
  await actionPlan(db, k, blocks, fig, period, asOf, scope)

  // ------------------------------------------------------------ findings
  await progress(t('reports.steps.findings'), 0.95)
  blocks.push({ kind: 'heading', level: 2, text: t('reports.wtsa.findings') })
  blocks.push({ kind: 'findings', paragraphs: draftFindings(k, fig) })

  await progress(t('reports.steps.done'), 1)
  return k.finish('wtsa', period, title, asOf, blocks, headOf(scope))
}

async function actionPlan(
  db: Db,
  k: Kit,
  blocks: Block[],
  fig: WtsaFigures,
  period: { from: string; to: string },
  asOf: Date,
  scope: ReportScope,
) {
  const { t } = k
  blocks.push({ kind: 'heading', level: 2, text: t('reports.wtsa.action_plan') })
  // Each Sector (and the Union) has its own current plan: a Sector's report shows that Sector's.
  const plan = await getPlan(db, PLAN_READER, undefined, scope.sectorCode).catch(() => null)
  if (!plan) {
    blocks.push({
      kind: 'notice',
      text:
        scope.sector === undefined
          ? t('reports.wtsa.no_plan')
          : t('reports.scope.no_plan', { sector: scope.sectorLabel }),
    })
    return
  }
  // The plan's items carry no history of their progress: the table shows them as they stand today.
  blocks.push({ kind: 'paragraph', text: t('reports.wtsa.plan_today', { version: plan.version.title }) })
  blocks.push({
    kind: 'table',
    id: 'plan_items',
    title: t('reports.wtsa.plan_items'),
    columns: [t('plan.item'), t('plan.short_name'), t('plan.owner'), t('field.status'), t('plan.progress')],
    rows: plan.items
      .filter((i) => !i.retired)
      .map((i) => [
        i.code,
        i.shortName ?? '',
        i.ownerEntity,
        t(`plan.statuses.${i.status}`),
        `${i.rolledProgress} %`,
      ]),
    empty: t('reports.wtsa.no_plan'),
  })
  const day = asOf.toISOString().slice(0, 10)
  const itemCodes = new Set(plan.items.map((i) => i.code))
  // Indicators hang on plan items by code: a Sector's report keeps those of its own plan's items.
  const indicators = (await listIndicators(db, PLAN_READER, period, day)).filter(
    (i) => scope.sector === undefined || (i.itemCode !== null && itemCodes.has(i.itemCode)),
  )
  const value = (unit: string, v: number | null) =>
    v === null
      ? '—'
      : `${new Intl.NumberFormat(k.lang, { maximumFractionDigits: 1 }).format(v)}${unit === 'percent' ? ' %' : ''}`
  blocks.push({
    kind: 'table',
    id: 'indicators',
    title: t('plan.indicators'),
    columns: [
      t('plan.indicator_name'),
      t('plan.item'),
      t('plan.latest'),
      t('plan.baseline'),
      t('plan.target'),
      t('field.status'),
    ],
    rows: indicators.map((i) => [
      i.name,
      i.itemCode ?? '',
      i.values.length ? value(i.unit, i.values.at(-1)!.value) : '—',
      value(i.unit, i.baselineValue),
      value(i.unit, i.targetValue),
      t(`plan.indicator_status.${i.status}`),
    ]),
    empty: t('plan.no_values'),
  })
  blocks.push({ kind: 'paragraph', text: t('plan.status_rule') })
  // The scorecard counts every Sector's records (it takes no Sector): only the report on all Sectors has it.
  if (scope.sector !== undefined) {
    blocks.push({ kind: 'heading', level: 2, text: t('plan.scorecard') })
    blocks.push({ kind: 'notice', text: t('reports.scope.scorecard_all') })
    return
  }
  const rows = await scorecard(db, PLAN_READER, { from: period.from, to: [period.to, day].sort()[0]! })
  fig.clausesMet = rows.filter((r) => r.status === 'met').length
  fig.clauses = rows.length
  blocks.push({ kind: 'heading', level: 2, text: t('plan.scorecard') })
  blocks.push({
    kind: 'table',
    id: 'scorecard',
    title: t('plan.scorecard'),
    columns: [t('plan.clause'), t('plan.evidence'), t('plan.value'), t('field.status')],
    rows: rows.map((r) => [
      `${t(`plan.clauses.${r.clause}.label`)}: ${t(`plan.clauses.${r.clause}.text`)}`,
      t(`plan.clauses.${r.clause}.evidence`),
      r.value === null
        ? '—'
        : r.unit === 'share'
          ? `${k.pf.format(r.value)} (${k.nf.format(r.part ?? 0)}/${k.nf.format(r.whole ?? 0)})`
          : k.nf.format(r.value),
      t(`plan.clause_status.${r.status}`),
    ]),
    empty: t('plan.no_values'),
  })
}

async function participation(
  db: Db,
  k: Kit,
  blocks: Block[],
  fig: WtsaFigures,
  start: Date,
  end: Date,
  sector: string | null | undefined,
) {
  const { t, nf } = k
  const { rows } = await sql<{
    year: number
    dimension: string
    key: string | null
    organizations: number | null
    people: number | null
    records: number | null
  }>`
    WITH a AS (
      SELECT extract(year FROM m.starts_at)::int AS year, ma.organization_id, ma.person_id, ma.attended_as,
             c.itu_region, c.development_status, o.category, o.sme::text AS sme, p.seniority
      FROM meeting_attendance ma
      JOIN meeting m ON m.id = ma.meeting_id
      JOIN organization o ON o.id = ma.organization_id
      JOIN country c ON c.code = o.country_code
      LEFT JOIN person p ON p.id = ma.person_id
      WHERE m.status IN ('held', 'concluded') AND m.starts_at >= ${start} AND m.starts_at <= ${end}
        AND ${sectorIs('m.sector_id', sector)}
    ),
    -- Each organization and each person once per year (their attributes are their own, not the
    -- attendance's), so every count below is a plain count, not a count of distinct ids over a large sort.
    -- Each row carries the figures the report reads of it; the others are null.
    orgs AS (SELECT DISTINCT year, organization_id, itu_region, development_status, category, sme FROM a),
    people AS (SELECT DISTINCT year, person_id, seniority FROM a WHERE person_id IS NOT NULL)
    SELECT year, 'total' AS dimension, NULL::text AS key,
      (SELECT count(*) FROM orgs WHERE orgs.year = a.year)::int AS organizations,
      (SELECT count(*) FROM people WHERE people.year = a.year)::int AS people, count(*)::int AS records
    FROM a GROUP BY year
    UNION ALL
    SELECT year,
      CASE WHEN GROUPING(itu_region) = 0 THEN 'region' WHEN GROUPING(development_status) = 0 THEN 'development_status'
           WHEN GROUPING(category) = 0 THEN 'category' ELSE 'sme' END,
      CASE WHEN GROUPING(itu_region) = 0 THEN itu_region WHEN GROUPING(development_status) = 0 THEN development_status
           WHEN GROUPING(category) = 0 THEN category ELSE sme END,
      count(*)::int, NULL, NULL
    FROM orgs GROUP BY GROUPING SETS ((year, itu_region), (year, development_status), (year, category), (year, sme))
    UNION ALL
    SELECT year, 'seniority', seniority, NULL, count(*)::int, NULL FROM people GROUP BY year, seniority
    UNION ALL
    SELECT year, 'attended_as', attended_as, NULL, NULL, count(*)::int FROM a GROUP BY year, attended_as
    ORDER BY 1, 2, 3`.execute(db)
  const years = [...new Set(rows.map((r) => Number(r.year)))].sort()
  const get = (year: number, dimension: string, key: string | null) =>
    rows.find((r) => Number(r.year) === year && r.dimension === dimension && r.key === key)
  blocks.push({ kind: 'heading', level: 2, text: t('reports.wtsa.participation') })
  if (!years.length) {
    blocks.push({ kind: 'paragraph', text: t('reports.no_attendance') })
    fig.developingShareFirst = null
    fig.developingShareLast = null
    return
  }
  const total = (y: number) => Number(get(y, 'total', null)?.organizations ?? 0)
  const totalRecords = (y: number) => Number(get(y, 'total', null)?.records ?? 0)
  const share = (y: number, dimension: string, key: string) =>
    total(y) ? Number(get(y, dimension, key)?.organizations ?? 0) / total(y) : 0
  fig.developingShareFirst = { year: years[0]!, share: share(years[0]!, 'development_status', 'developing') }
  fig.developingShareLast = {
    year: years.at(-1)!,
    share: share(years.at(-1)!, 'development_status', 'developing'),
  }
  const yearCols = years.map(String)
  blocks.push({
    kind: 'table',
    id: 'participation_by_year',
    title: t('reports.wtsa.by_year'),
    columns: [
      t('reports.wtsa.year'),
      t('reports.organizations'),
      t('reports.people'),
      t('reports.wtsa.developing_share'),
      t('reports.wtsa.sme_share'),
      t('reports.wtsa.executive_share'),
      t('reports.wtsa.principal_alternate_share'),
    ],
    rows: years.map((y) => {
      const people = Number(get(y, 'total', null)?.people ?? 0)
      const execs =
        Number(get(y, 'seniority', 'c_level')?.people ?? 0) +
        Number(get(y, 'seniority', 'senior_executive')?.people ?? 0)
      const pa =
        Number(get(y, 'attended_as', 'principal')?.records ?? 0) +
        Number(get(y, 'attended_as', 'alternate')?.records ?? 0)
      return [
        String(y),
        total(y),
        people,
        k.percent(Number(get(y, 'development_status', 'developing')?.organizations ?? 0), total(y)),
        k.percent(Number(get(y, 'sme', 'true')?.organizations ?? 0), total(y)),
        k.percent(execs, people),
        k.percent(pa, totalRecords(y)),
      ]
    }),
    empty: t('reports.no_attendance'),
  })
  const peopleTitle = t('reports.wtsa.people_per_year')
  blocks.push({
    kind: 'chart',
    title: peopleTitle,
    svg: barChart({
      title: peopleTitle,
      bars: years.map((y) => ({ label: String(y), value: Number(get(y, 'total', null)?.people ?? 0) })),
      format: nf.format,
      rtl: k.rtl,
    }),
    empty: t('reports.no_attendance'),
  })
  const devTitle = t('reports.wtsa.developing_share_chart')
  blocks.push({
    kind: 'chart',
    title: devTitle,
    svg: percentChart(
      devTitle,
      years.map((y) => ({
        label: String(y),
        part: Number(get(y, 'development_status', 'developing')?.organizations ?? 0),
        whole: total(y),
      })),
      { rtl: k.rtl, locale: k.lang },
    ),
    empty: t('reports.no_attendance'),
  })
  // One table per breakdown: organizations per year for each value.
  const breakdowns = [
    ['region', 'region', 'dimension_region'],
    ['development_status', 'development', 'dimension_development_status'],
    ['category', 'category', 'dimension_category'],
  ] as const
  for (const [dimension, prefix, label] of breakdowns) {
    const keys = [...new Set(rows.filter((r) => r.dimension === dimension).map((r) => r.key))]
    blocks.push({
      kind: 'table',
      id: `trend_${dimension}`,
      title: t(`reports.meeting.by_${dimension}`),
      columns: [t(`reports.meeting.${label}`), ...yearCols],
      rows: keys.map((key): Cell[] => [
        key ? t(`${prefix}.${key}`, { defaultValue: key }) : t('reports.not_stated'),
        ...years.map((y) => Number(get(y, dimension, key)?.organizations ?? 0)),
      ]),
      empty: t('reports.no_attendance'),
    })
  }
}

async function stability(
  db: Db,
  k: Kit,
  blocks: Block[],
  fig: WtsaFigures,
  period: { from: string; to: string },
  start: Date,
  end: Date,
  scope: ReportScope,
) {
  const { t, nf } = k
  blocks.push({ kind: 'heading', level: 2, text: t('reports.wtsa.stability') })
  // Each group's meetings through the series figures (the analytics' one implementation): returning
  // organizations are those at the group's previous executive meeting, even when it was before the period.
  // The series starts on the day of that previous meeting: the figures of the period's meetings depend on
  // their predecessor only, so the group's earlier years need not be computed.
  const { rows: groups } = await sql<{ id: string; names: unknown; previous: Date | null }>`
    SELECT g.id, g.names,
      (SELECT max(pm.starts_at) FROM meeting pm
        WHERE pm.group_id = g.id AND pm.status IN ('held', 'concluded') AND pm.kind IN ('cto_meeting', 'cxo_meeting')
          AND pm.starts_at < ${start} AND ${sectorIs('pm.sector_id', scope.sector)}) AS previous
    FROM engagement_group g
    WHERE EXISTS (SELECT 1 FROM meeting m
      WHERE m.group_id = g.id AND m.status IN ('held', 'concluded') AND m.kind IN ('cto_meeting', 'cxo_meeting')
        AND m.starts_at >= ${start} AND m.starts_at <= ${end} AND ${sectorIs('m.sector_id', scope.sector)})`.execute(
    db,
  )
  const perMeeting: {
    id: string
    group_names: unknown
    titles: unknown
    date: string
    organizations: number
    returningPrevious: number | null
    principalOrAlternateShare: number | null
  }[] = []
  const series = await Promise.all(
    groups.map((g) =>
      seriesMetrics(db, {
        group: g.id,
        kinds: ['cto_meeting', 'cxo_meeting'],
        from: g.previous ? g.previous.toISOString().slice(0, 10) : period.from,
        // Nothing after the report's date: the period's end, or the report's day if earlier.
        to: end.toISOString().slice(0, 10),
        sector: scope.sectorCode,
      }),
    ),
  )
  groups.forEach((g, i) => {
    for (const m of series[i]!.meetings)
      if (m.date >= period.from) perMeeting.push({ group_names: g.names, ...m })
  })
  // By day, then a fixed order (the meeting's id), so the same records always give the same report.
  perMeeting.sort((a, b) => a.date.localeCompare(b.date) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const withPrevious = perMeeting.filter((r) => r.returningPrevious !== null)
  const weighted = (rows: typeof perMeeting, f: (r: (typeof perMeeting)[number]) => number | null) => {
    const whole = rows.reduce((s, r) => s + r.organizations, 0)
    return whole ? rows.reduce((s, r) => s + (f(r) ?? 0) * r.organizations, 0) / whole : null
  }
  fig.retention = withPrevious.length ? weighted(withPrevious, (r) => r.returningPrevious) : null
  const attended = perMeeting.filter((r) => r.organizations > 0)
  fig.principalOrAlternate = attended.length ? weighted(attended, (r) => r.principalOrAlternateShare) : null
  const share = (v: number | null) => (v === null ? '—' : k.pf.format(v))
  blocks.push({
    kind: 'table',
    id: 'retention',
    title: t('reports.wtsa.retention_table'),
    columns: [
      t('reports.meeting.meeting'),
      t('reports.meeting.group'),
      t('reports.date'),
      t('reports.organizations'),
      t('reports.wtsa.returning'),
      t('reports.wtsa.principal_alternate'),
    ],
    rows: perMeeting.map((r) => [
      k.text(r.titles),
      k.text(r.group_names),
      k.day(r.date),
      r.organizations,
      share(r.returningPrevious),
      share(r.principalOrAlternateShare),
    ]),
    empty: t('reports.wtsa.no_group_meetings'),
  })

  // The composition: members at the start and at the end of the period, and the changes between.
  const { rows: composition } = await sql<{
    names: unknown
    at_start: number
    at_end: number
    stayed: number
    representative_changes: number
  }>`
    WITH s AS (
      SELECT group_id, organization_id FROM group_membership
      WHERE start_date <= ${period.from}::date AND (end_date IS NULL OR end_date >= ${period.from}::date)
    ), e AS (
      SELECT group_id, organization_id FROM group_membership
      WHERE start_date <= ${period.to}::date AND (end_date IS NULL OR end_date >= ${period.to}::date)
    )
    SELECT g.names,
      (SELECT count(DISTINCT organization_id) FROM s WHERE s.group_id = g.id)::int AS at_start,
      (SELECT count(DISTINCT organization_id) FROM e WHERE e.group_id = g.id)::int AS at_end,
      (SELECT count(DISTINCT s.organization_id) FROM s JOIN e ON e.group_id = s.group_id AND e.organization_id = s.organization_id
        WHERE s.group_id = g.id)::int AS stayed,
      (SELECT count(*) FROM group_membership gm2
        WHERE gm2.group_id = g.id AND gm2.start_date > ${period.from}::date AND gm2.start_date <= ${period.to}::date
          AND EXISTS (SELECT 1 FROM group_membership gm3 WHERE gm3.group_id = gm2.group_id
            AND gm3.organization_id = gm2.organization_id AND gm3.start_date < gm2.start_date))::int AS representative_changes
    FROM engagement_group g
    WHERE (g.archived_at IS NULL OR g.archived_at >= ${start}) AND ${groupsOf(scope.sector)}
    ORDER BY g.kind`.execute(db)
  blocks.push({
    kind: 'table',
    id: 'composition',
    title: t('reports.wtsa.composition'),
    columns: [
      t('reports.meeting.group'),
      t('reports.wtsa.members_start'),
      t('reports.wtsa.members_end'),
      t('reports.wtsa.stayed'),
      t('reports.wtsa.representative_changes'),
    ],
    rows: composition
      .filter((c) => c.at_start || c.at_end)
      .map((c) => [
        k.text(c.names),
        c.at_start,
        c.at_end,
        c.at_start ? `${nf.format(c.stayed)} (${k.percent(c.stayed, c.at_start)})` : '—',
        c.representative_changes,
      ]),
    empty: t('reports.wtsa.no_groups'),
  })
}

async function consultationCoverage(
  db: Db,
  k: Kit,
  blocks: Block[],
  fig: WtsaFigures,
  start: Date,
  end: Date,
  sector: string | null | undefined,
) {
  const { t } = k
  blocks.push({ kind: 'heading', level: 2, text: t('reports.wtsa.consultations') })
  const { rows: coverage } = await sql<{ consultable: number; consulted: number }>`
    SELECT count(*)::int AS consultable,
      count(*) FILTER (WHERE EXISTS (
        SELECT 1 FROM consultation c WHERE c.meeting_id = m.id AND c.status <> 'draft' AND c.closes_at <= m.starts_at))::int AS consulted
    FROM meeting m
    WHERE m.kind IN ('cto_meeting', 'cxo_meeting') AND m.status IN ('held', 'concluded')
      AND m.starts_at >= ${start} AND m.starts_at <= ${end} AND ${sectorIs('m.sector_id', sector)}`.execute(
    db,
  )
  fig.consultable = Number(coverage[0]?.consultable ?? 0)
  fig.consulted = Number(coverage[0]?.consulted ?? 0)
  blocks.push({
    kind: 'paragraph',
    text: t('reports.wtsa.coverage', {
      consulted: k.nf.format(fig.consulted),
      count: fig.consultable,
      n: k.nf.format(fig.consultable),
      share: k.percent(fig.consulted, fig.consultable),
    }),
  })
  const { rows } = await sql<{
    titles: unknown
    meeting_titles: unknown
    purpose: string
    closes_at: Date
    targets: number
    responded: number
    developing_targets: number
    developing_responded: number
  }>`
    WITH picked AS (
      SELECT c.id FROM consultation c
      WHERE c.status <> 'draft' AND c.opens_at >= ${start} AND c.opens_at <= ${end} AND ${sectorIs('c.sector_id', sector)}
    ),
    -- The targets of the period's consultations only, counted per consultation before the consultation's
    -- titles are joined (no grouping on JSON values).
    t AS (
      SELECT ct.consultation_id, coalesce(c1.development_status, c2.development_status) = 'developing' AS developing,
             r.target_id IS NOT NULL AS responded
      FROM picked JOIN consultation_target ct ON ct.consultation_id = picked.id
      LEFT JOIN country c1 ON c1.code = ct.country_code
      LEFT JOIN organization o ON o.id = ct.organization_id
      LEFT JOIN country c2 ON c2.code = o.country_code
      LEFT JOIN (SELECT r.target_id FROM picked JOIN consultation_response r ON r.consultation_id = picked.id
                 WHERE r.state = 'submitted' AND r.submitted_at <= ${end}) r ON r.target_id = ct.id
    ),
    agg AS (
      SELECT consultation_id, count(*)::int AS targets, count(*) FILTER (WHERE responded)::int AS responded,
        count(*) FILTER (WHERE developing)::int AS developing_targets,
        count(*) FILTER (WHERE developing AND responded)::int AS developing_responded
      FROM t GROUP BY consultation_id
    )
    SELECT c.titles, m.titles AS meeting_titles, c.purpose, c.closes_at,
      coalesce(agg.targets, 0) AS targets, coalesce(agg.responded, 0) AS responded,
      coalesce(agg.developing_targets, 0) AS developing_targets,
      coalesce(agg.developing_responded, 0) AS developing_responded
    FROM picked JOIN consultation c ON c.id = picked.id
    LEFT JOIN meeting m ON m.id = c.meeting_id
    LEFT JOIN agg ON agg.consultation_id = c.id
    ORDER BY c.closes_at`.execute(db)
  blocks.push({
    kind: 'table',
    id: 'consultations',
    title: t('reports.wtsa.consultations_table'),
    columns: [
      t('reports.wtsa.consultation'),
      t('reports.meeting.meeting'),
      t('consultations.purpose'),
      t('reports.wtsa.closed'),
      t('consultations.response_rate'),
      t('reports.wtsa.developing_rate'),
    ],
    rows: rows.map((r) => [
      k.text(r.titles),
      r.meeting_titles ? k.text(r.meeting_titles) : '—',
      t(`consultations.purposes.${r.purpose}`),
      k.day(r.closes_at),
      `${k.percent(r.responded, r.targets)} (${k.nf.format(r.responded)}/${k.nf.format(r.targets)})`,
      r.developing_targets
        ? `${k.percent(r.developing_responded, r.developing_targets)} (${k.nf.format(r.developing_responded)}/${k.nf.format(r.developing_targets)})`
        : '—',
    ]),
    empty: t('reports.wtsa.no_consultations'),
  })
}

async function topicOutcomes(
  db: Db,
  k: Kit,
  blocks: Block[],
  fig: WtsaFigures,
  start: Date,
  end: Date,
  sector: string | null | undefined,
) {
  const { t, nf } = k
  blocks.push({ kind: 'heading', level: 2, text: t('reports.wtsa.topics') })
  // Per topic, in the database: its state before the period (its last transition before it), its state at the
  // end, the states it moved to during the period, and the period's meetings that concluded on it. Only the
  // topics that moved or were concluded on come back.
  const { rows: active } = await sql<{
    titles: unknown
    before: string
    after: string
    work_item: boolean
    standard: boolean
    meetings: number
  }>`
    WITH e AS (
      SELECT e.topic_id, e.id, e.to_state, e.at >= ${start} AS inside
      FROM topic_event e JOIN topic tp ON tp.id = e.topic_id
      WHERE e.kind = 'transition' AND e.to_state IS NOT NULL AND e.at <= ${end} AND ${sectorIs('tp.sector_id', sector)}
    ), moves AS (
      SELECT topic_id,
        (array_agg(to_state ORDER BY id DESC) FILTER (WHERE NOT inside))[1] AS before,
        (array_agg(to_state ORDER BY id DESC))[1] AS after,
        bool_or(inside) AS moved,
        bool_or(inside AND to_state = 'work_item') AS work_item,
        bool_or(inside AND to_state = 'standard_approved') AS standard
      FROM e GROUP BY topic_id
    ), concluded AS (
      SELECT c.topic_id, count(DISTINCT c.meeting_id)::int AS meetings
      FROM conclusion c JOIN meeting m ON m.id = c.meeting_id JOIN topic tp ON tp.id = c.topic_id
      WHERE m.starts_at >= ${start} AND m.starts_at <= ${end} AND ${sectorIs('tp.sector_id', sector)}
      GROUP BY c.topic_id
    )
    SELECT tp.titles, coalesce(moves.before, 'proposed') AS before, coalesce(moves.after, 'proposed') AS after,
           coalesce(moves.work_item, false) AS work_item, coalesce(moves.standard, false) AS standard,
           coalesce(concluded.meetings, 0) AS meetings
    FROM topic tp
    LEFT JOIN moves ON moves.topic_id = tp.id
    LEFT JOIN concluded ON concluded.topic_id = tp.id
    WHERE moves.moved OR concluded.meetings > 0`.execute(db)
  fig.topics = active.length
  fig.reachedWorkItem = active.filter((r) => r.work_item).length
  fig.reachedStandard = active.filter((r) => r.standard).length
  blocks.push({
    kind: 'paragraph',
    text: t('reports.wtsa.topics_summary', {
      count: fig.topics,
      n: nf.format(fig.topics),
      work_items: nf.format(fig.reachedWorkItem),
      standards: nf.format(fig.reachedStandard),
    }),
  })
  const states = [...new Set(active.map((r) => r.after))]
  const stateTitle = t('reports.wtsa.topics_by_state')
  blocks.push({
    kind: 'chart',
    title: stateTitle,
    svg: states.length
      ? barChart({
          title: stateTitle,
          bars: states.map((s) => ({
            label: t(`topics.states.${s}`),
            value: active.filter((r) => r.after === s).length,
          })),
          format: nf.format,
          rtl: k.rtl,
        })
      : null,
    empty: t('reports.wtsa.no_topics'),
  })
  blocks.push({
    kind: 'table',
    id: 'topics',
    title: t('reports.wtsa.topics_table'),
    columns: [
      t('topics.title'),
      t('reports.wtsa.state_start'),
      t('reports.wtsa.state_end'),
      t('reports.wtsa.meetings_concluding'),
    ],
    rows: active
      .map((r) => ({ ...r, title: k.text(r.titles) }))
      .sort((a, b) => a.title.localeCompare(b.title, k.lang))
      .map((r) => [r.title, t(`topics.states.${r.before}`), t(`topics.states.${r.after}`), r.meetings]),
    empty: t('reports.wtsa.no_topics'),
  })
}

/**
 * The findings, one paragraph per question the assembly asks, and a closing proposal: continue the process,
 * and enhance it where a figure falls short. Thresholds are written here, next to the sentences they trigger.
 */
export function draftFindings(k: Kit, f: WtsaFigures): string[] {
  const { t, nf, pf } = k
  const out: string[] = []
  const enhance: string[] = []
  out.push(
    t('reports.wtsa.finding_activity', {
      meetings: nf.format(f.executiveMeetings),
      workshops: nf.format(f.workshops),
      organizations: nf.format(f.organizations),
      countries: nf.format(f.countries),
    }),
  )
  if (f.developingShareFirst && f.developingShareLast) {
    out.push(
      t('reports.wtsa.finding_developing', {
        first: pf.format(f.developingShareFirst.share),
        firstYear: String(f.developingShareFirst.year),
        last: pf.format(f.developingShareLast.share),
        lastYear: String(f.developingShareLast.year),
      }),
    )
    if (f.developingShareLast.share < f.developingShareFirst.share)
      enhance.push(t('reports.wtsa.enhance_developing'))
  }
  if (f.retention !== null || f.principalOrAlternate !== null)
    out.push(
      t('reports.wtsa.finding_stability', {
        retention: f.retention === null ? '—' : pf.format(f.retention),
        principal: f.principalOrAlternate === null ? '—' : pf.format(f.principalOrAlternate),
      }),
    )
  // Resolves 6 asks for regular participation by the principal or the alternate.
  if (f.principalOrAlternate !== null && f.principalOrAlternate < 0.75)
    enhance.push(t('reports.wtsa.enhance_stability'))
  if (f.consultable) {
    out.push(
      t('reports.wtsa.finding_consultation', {
        consulted: nf.format(f.consulted),
        count: f.consultable,
        n: nf.format(f.consultable),
      }),
    )
    // Resolves 2: consult the membership and developing countries before each meeting.
    if (f.consulted < f.consultable) enhance.push(t('reports.wtsa.enhance_consultation'))
  }
  out.push(
    t('reports.wtsa.finding_topics', {
      count: f.topics,
      n: nf.format(f.topics),
      work_items: nf.format(f.reachedWorkItem),
      standards: nf.format(f.reachedStandard),
    }),
  )
  if (f.actions) {
    const rate = f.actions - f.actionsDropped > 0 ? f.actionsDone / (f.actions - f.actionsDropped) : 0
    out.push(
      t('reports.wtsa.finding_follow_up', {
        rate: pf.format(rate),
        overdue: nf.format(f.actionsOverdue),
        count: f.actions,
        n: nf.format(f.actions),
      }),
    )
    if (rate < 0.6 || f.actionsOverdue > 0) enhance.push(t('reports.wtsa.enhance_follow_up'))
  }
  if (f.clauses)
    out.push(t('reports.wtsa.finding_scorecard', { met: nf.format(f.clausesMet), n: nf.format(f.clauses) }))
  if (!f.executiveMeetings && !f.workshops) out.push(t('reports.wtsa.finding_nothing'))
  else
    out.push(
      enhance.length
        ? t('reports.wtsa.proposal_enhance', { points: enhance.join(' ') })
        : t('reports.wtsa.proposal_continue'),
    )
  return out
}
