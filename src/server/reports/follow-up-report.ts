import { barChart } from '../charts/charts.ts'
import type { Db } from '../db/database.ts'
import { type Actor, assertStaff } from '../features/auth/auth.policy.ts'
import { reasonText } from '../features/topics/lifecycle.ts'
import type { Language } from '../i18n/i18n.ts'
import { type Kit, noProgress, type Progress, periodBounds, reportKit } from './kit.ts'
import type { Block, PeriodParams, Report } from './model.ts'
import { headOf, periodScope, scopedTitle, sectorIs } from './scope.ts'

export type ActionAsOf = {
  id: string
  meetingId: string
  what: string
  body: string
  responsible: string
  meeting: string
  topic: string
  dueDate: string
  createdAt: Date
  /** The status as it stood at the report's date, from the action's history (not today's). */
  status: 'open' | 'in_progress' | 'done' | 'dropped'
  closedAt: Date | null
  progress: string
  evidence: string
  overdue: boolean
}

/**
 * Every follow-up action as it stood at `asOf`: its status, latest progress note and evidence are replayed
 * from its update history, so a report dated in the past says what was known then. `sector` limits them
 * to one Sector's actions (null: the Union-wide ones); undefined takes every action. `createdFrom` keeps
 * only the actions created at or after it.
 */
export async function actionsAsOf(
  db: Db,
  k: Kit,
  asOf: Date,
  sector?: string | null,
  createdFrom?: Date,
): Promise<ActionAsOf[]> {
  const [rows, updates] = await Promise.all([
    db
      .selectFrom('follow_up_action as a')
      .innerJoin('conclusion as c', 'c.id', 'a.conclusion_id')
      .innerJoin('meeting as m', 'm.id', 'c.meeting_id')
      .innerJoin('app_user as u', 'u.id', 'a.responsible_user_id')
      .leftJoin('topic as tp', 'tp.id', 'a.topic_id')
      .select([
        'a.id',
        'c.meeting_id',
        'a.what',
        'a.owner_body',
        'u.name as responsible',
        'a.due_date',
        'a.created_at',
        'm.titles as meeting_titles',
        'tp.titles as topic_titles',
      ])
      .where('a.created_at', '<=', asOf)
      .$if(createdFrom !== undefined, (q) => q.where('a.created_at', '>=', createdFrom!))
      .where(sectorIs('a.sector_id', sector))
      .orderBy('a.due_date')
      .orderBy('a.id')
      .execute(),
    db
      .selectFrom('action_update as u')
      .innerJoin('follow_up_action as a', 'a.id', 'u.action_id')
      .select(['u.action_id', 'u.at', 'u.status_to', 'u.note', 'u.evidence'])
      .where('a.created_at', '<=', asOf)
      .$if(createdFrom !== undefined, (q) => q.where('a.created_at', '>=', createdFrom!))
      .where(sectorIs('a.sector_id', sector))
      .where('u.at', '<=', asOf)
      .orderBy('u.id')
      .execute(),
  ])
  const day = asOf.toISOString().slice(0, 10)
  const byAction = new Map<string, typeof updates>()
  for (const u of updates) byAction.set(u.action_id, [...(byAction.get(u.action_id) ?? []), u])
  return rows.map((r) => {
    let status: ActionAsOf['status'] = 'open'
    let closedAt: Date | null = null
    let progress = ''
    const evidence: string[] = []
    for (const u of byAction.get(r.id) ?? []) {
      if (u.status_to) {
        status = u.status_to as ActionAsOf['status']
        closedAt = status === 'done' || status === 'dropped' ? u.at : null
      }
      if (u.note) progress = u.note
      if (u.evidence) evidence.push(u.evidence)
    }
    const open = status === 'open' || status === 'in_progress'
    return {
      id: r.id,
      meetingId: r.meeting_id,
      what: k.text(r.what),
      body: r.owner_body,
      responsible: r.responsible,
      meeting: k.text(r.meeting_titles),
      topic: r.topic_titles ? k.text(r.topic_titles) : '',
      dueDate: r.due_date,
      createdAt: r.created_at,
      status,
      closedAt,
      progress,
      evidence: evidence.join('; '),
      overdue: open && r.due_date < day,
    }
  })
}

/**
 * The regular report to TSAG on the follow-up (Resolution 68, resolves 11): every action open at the
 * report's date or closed during the period, by owning body, overdue ones first; then the topics that
 * moved in their lifecycle during the period. Limited to a Sector, it takes that Sector's actions and
 * topics only; addressed to a body (another Sector's advisory group, the Council), its title says so.
 */
export async function followUpReport(
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
  const { start, end } = periodBounds(period)
  const scope = await periodScope(db, k, period, asOf.toISOString().slice(0, 10))
  const dates = { from: k.day(period.from), to: k.day(period.to) }
  const title = scopedTitle(
    k,
    // Addressed to a body (by default the advisory group of the report's Sector), the title names it.
    scope.addressee
      ? t('reports.scope.follow_up_title', { ...dates, body: scope.addressee.code })
      : t('reports.follow_up.title', dates),
    scope,
  )
  const blocks: Block[] = [{ kind: 'heading', level: 1, text: title }]

  await progress(t('reports.steps.actions'), 0.1)
  const all = await actionsAsOf(db, k, asOf, scope.sector)
  const inPeriod = (d: Date | null) => !!d && d >= start && d <= end
  const listed = all.filter((a) => a.status === 'open' || a.status === 'in_progress' || inPeriod(a.closedAt))
  const count = (f: (a: ActionAsOf) => boolean) => nf.format(listed.filter(f).length)

  blocks.push({
    kind: 'facts',
    rows: [
      [t('reports.period'), `${k.day(period.from)} – ${k.day(period.to)}`],
      [t('reports.as_of'), k.day(asOf)],
      [t('follow_up.statuses.open'), count((a) => a.status === 'open')],
      [t('follow_up.statuses.in_progress'), count((a) => a.status === 'in_progress')],
      [t('follow_up.overdue'), count((a) => a.overdue)],
      [t('reports.follow_up.done_in_period'), count((a) => a.status === 'done')],
      [t('reports.follow_up.dropped_in_period'), count((a) => a.status === 'dropped')],
    ],
  })
  if (!listed.length) blocks.push({ kind: 'notice', text: t('reports.follow_up.nothing') })

  const columns = [
    t('follow_up.what'),
    t('reports.meeting.meeting'),
    t('follow_up.responsible'),
    t('follow_up.due'),
    t('field.status'),
    t('reports.follow_up.progress'),
    t('reports.follow_up.evidence'),
  ]
  const row = (a: ActionAsOf) => [
    a.topic ? `${a.what} (${a.topic})` : a.what,
    a.meeting,
    a.responsible,
    k.day(a.dueDate),
    a.overdue
      ? `${t(`follow_up.statuses.${a.status}`)}, ${t('follow_up.overdue').toLowerCase()}`
      : t(`follow_up.statuses.${a.status}`),
    a.progress,
    a.evidence,
  ]
  // Overdue first, then by due date (the query's order).
  const ordered = [...listed.filter((a) => a.overdue), ...listed.filter((a) => !a.overdue)]

  blocks.push({ kind: 'heading', level: 2, text: t('reports.follow_up.overdue') })
  blocks.push({
    kind: 'table',
    id: 'overdue',
    title: t('reports.follow_up.overdue'),
    columns: [t('follow_up.body'), ...columns],
    rows: ordered.filter((a) => a.overdue).map((a) => [a.body, ...row(a)]),
    empty: t('reports.follow_up.none_overdue'),
  })

  await progress(t('reports.steps.bodies'), 0.5)
  blocks.push({ kind: 'heading', level: 2, text: t('reports.follow_up.by_body') })
  const bodies = [...new Set(listed.map((a) => a.body))].sort()
  const openTitle = t('reports.follow_up.open_by_body')
  blocks.push({
    kind: 'chart',
    title: openTitle,
    svg: bodies.length
      ? barChart({
          title: openTitle,
          bars: bodies.map((b) => ({
            label: b,
            value: listed.filter((a) => a.body === b && (a.status === 'open' || a.status === 'in_progress'))
              .length,
          })),
          format: nf.format,
          rtl: k.rtl,
        })
      : null,
    empty: t('reports.follow_up.nothing'),
  })
  for (const body of bodies) {
    blocks.push({ kind: 'heading', level: 3, text: body })
    blocks.push({
      kind: 'table',
      id: `body_${body.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`,
      title: t('reports.follow_up.actions_of', { body }),
      columns,
      rows: ordered.filter((a) => a.body === body).map(row),
      empty: t('follow_up.no_actions'),
    })
  }

  await progress(t('reports.steps.topics'), 0.8)
  const moves = await db
    .selectFrom('topic_event as e')
    .innerJoin('topic as tp', 'tp.id', 'e.topic_id')
    .leftJoin('meeting as m', 'm.id', 'e.meeting_id')
    .select(['tp.titles', 'e.from_state', 'e.to_state', 'e.at', 'e.reason', 'm.titles as meeting_titles'])
    .where('e.kind', '=', 'transition')
    .where(sectorIs('tp.sector_id', scope.sector))
    .where('e.at', '>=', start)
    .where('e.at', '<=', end < asOf ? end : asOf)
    .orderBy('e.at')
    .orderBy('e.id')
    .execute()
  blocks.push({ kind: 'heading', level: 2, text: t('reports.follow_up.topics_moved') })
  blocks.push({
    kind: 'table',
    id: 'topics_moved',
    title: t('reports.follow_up.topics_moved'),
    columns: [
      t('topics.title'),
      t('reports.follow_up.from_state'),
      t('reports.follow_up.to_state'),
      t('reports.date'),
      t('reports.meeting.meeting'),
      t('reports.follow_up.reason'),
    ],
    rows: moves.map((e) => [
      k.text(e.titles),
      e.from_state ? t(`topics.states.${e.from_state}`) : '—',
      e.to_state ? t(`topics.states.${e.to_state}`) : '—',
      k.day(e.at),
      e.meeting_titles ? k.text(e.meeting_titles) : '—',
      e.reason ? reasonText(t, e.reason) : '',
    ]),
    empty: t('reports.follow_up.no_moves'),
  })
  await progress(t('reports.steps.done'), 1)
  return k.finish('follow-up', period, title, asOf, blocks, headOf(scope))
}
