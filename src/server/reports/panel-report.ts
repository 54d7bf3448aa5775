import { sql } from 'kysely'
import { barChart } from '../charts/charts.ts'
import type { Db } from '../db/database.ts'
import { type Actor, assertStaff } from '../features/auth/auth.policy.ts'
import {
  ADVICE_STATUSES,
  type AdviceStatus,
  AWAITING_RESPONSE,
  OPEN_ADVICE,
} from '../features/panel/panel.policy.ts'
import { bodyNames } from '../features/structure/structure.service.ts'
import { AppError } from '../http/errors.ts'
import type { Language } from '../i18n/i18n.ts'
import { noProgress, type Progress, periodBounds, reportKit } from './kit.ts'
import type { Block, Cell, PanelParams, Report } from './model.ts'
import { headOf, nameOnDay, recordScope } from './scope.ts'

export type AdviceAsOf = {
  id: string
  number: number
  givenOn: string
  advice: string
  /** The body it went to, by its code on the day the advice was given (or the text when not a body). */
  addressedTo: string
  addressedToBodyId: string | null
  status: AdviceStatus
  dueDate: string | null
  response: string
  respondedOn: string | null
  actionTaken: string
  latestNote: string
  overdue: boolean
  updatedInPeriod: boolean
}

/**
 * The Industry Advisory Panel's report to the Council (draft Plenipotentiary resolution; issue 11): the
 * panel and its term, its members, its meetings in the period, and every advice item — what was advised,
 * to whom, the response and what was done — with a summary by status and by body, and the open items past
 * their due date. Statuses are replayed from each item's dated updates, so a report dated in the past says
 * what was known then. Members are named only with their consent to publication, as on public participant
 * lists; otherwise by organization only.
 */
export async function panelReport(
  db: Db,
  actor: Actor,
  params: { panelId: string; from?: string | undefined; to?: string | undefined; addressedTo?: string },
  lang: Language,
  asOf = new Date(),
  progress: Progress = noProgress,
): Promise<Report> {
  assertStaff(actor)
  const k = reportKit(lang)
  const { t, nf } = k
  const panel = await db
    .selectFrom('advisory_panel')
    .selectAll()
    .where('id', '=', params.panelId)
    .executeTakeFirst()
  if (!panel) throw new AppError('NOT_FOUND')
  const period = { from: params.from ?? panel.term_starts_on, to: params.to ?? panel.term_ends_on }
  const day = asOf.toISOString().slice(0, 10)
  const addressedTo = params.addressedTo ?? panel.reports_to_body_id ?? undefined
  const scope = await recordScope(db, k, panel.sector_id, addressedTo, day)
  const { start } = periodBounds(period)
  const periodEnd = periodBounds(period).end
  const end = periodEnd < asOf ? periodEnd : asOf
  // The last day the report speaks of: the period's end, or the report's date when that comes first.
  const lastDay = [period.to, day].sort()[0]!
  const name = k.text(panel.names) || panel.code
  const dates = { panel: name, from: k.day(period.from), to: k.day(period.to) }
  const title = scope.addressee
    ? t('reports.panel.title', { ...dates, body: scope.addressee.plain })
    : t('reports.panel.title_unaddressed', dates)
  const blocks: Block[] = [{ kind: 'heading', level: 1, text: title }]

  // ------------------------------------------------------------ members
  await progress(t('reports.panel.steps.members'), 0.1)
  const members = await db
    .selectFrom('advisory_panel_member as mem')
    .innerJoin('person as p', 'p.id', 'mem.person_id')
    .innerJoin('organization as o', 'o.id', 'p.organization_id')
    .leftJoin('country as c', 'c.code', 'o.country_code')
    .select([
      'mem.id',
      'mem.role',
      'mem.alternate_for',
      'mem.starts_on',
      'mem.ends_on',
      'p.name',
      'p.public_consent',
      'p.erased_at',
      'o.name as organization',
      'c.names as country_names',
    ])
    .where('mem.panel_id', '=', panel.id)
    .where('mem.starts_on', '<=', lastDay)
    .where((eb) => eb.or([eb('mem.ends_on', 'is', null), eb('mem.ends_on', '>=', period.from)]))
    .orderBy('o.name')
    .orderBy('mem.role', 'desc') // principal before alternate
    .orderBy('mem.starts_on')
    .execute()
  // Membership is dated (starts_on, ends_on): those dates, not when it was entered, place it in the period.
  // A name is published only with the person's consent (and never once erased), as on participant lists.
  const shownName = (m: (typeof members)[number]) =>
    m.public_consent && !m.erased_at ? m.name : t('reports.panel.name_withheld')
  const byId = new Map(members.map((m) => [m.id, m]))
  const activeAtEnd = members.filter((m) => m.starts_on <= lastDay && (!m.ends_on || m.ends_on >= lastDay))
  const principals = activeAtEnd.filter((m) => m.role === 'principal').length
  const alternates = activeAtEnd.filter((m) => m.role === 'alternate').length

  // ------------------------------------------------------------ meetings
  await progress(t('reports.panel.steps.meetings'), 0.3)
  const meetings = await db
    .selectFrom('meeting as m')
    .leftJoin('country as c', 'c.code', 'm.country_code')
    .select((eb) => [
      'm.id',
      'm.titles',
      'm.starts_at',
      'm.status',
      'm.format',
      'm.city',
      'c.names as country_names',
      eb
        .selectFrom('meeting_attendance as a')
        .whereRef('a.meeting_id', '=', 'm.id')
        .select(sql<number>`count(DISTINCT a.organization_id)::int`.as('n'))
        .as('organizations'),
      eb
        .selectFrom('advisory_panel_advice as ad')
        .whereRef('ad.meeting_id', '=', 'm.id')
        .where('ad.created_at', '<=', asOf)
        .select(sql<number>`count(*)::int`.as('n'))
        .as('advice'),
    ])
    .where('m.panel_id', '=', panel.id)
    .where('m.status', '<>', 'draft')
    .where('m.starts_at', '>=', start)
    .where('m.starts_at', '<=', end)
    .orderBy('m.starts_at')
    .execute()

  // ------------------------------------------------------------ advice, as it stood at the report's date
  await progress(t('reports.panel.steps.advice'), 0.5)
  const advice = await adviceAsOf(db, k, panel.id, period, asOf)

  blocks.push({
    kind: 'facts',
    rows: [
      [t('reports.panel.panel'), panel.code === name ? name : `${name} (${panel.code})`],
      [t('reports.panel.term'), `${k.day(panel.term_starts_on)} – ${k.day(panel.term_ends_on)}`],
      [t('reports.period'), `${k.day(period.from)} – ${k.day(period.to)}`],
      [t('reports.as_of'), k.day(asOf)],
      [
        t('reports.panel.members'),
        t('reports.panel.members_count', {
          principals: nf.format(principals),
          alternates: nf.format(alternates),
        }),
      ],
      [t('reports.panel.meetings'), nf.format(meetings.length)],
      [t('reports.panel.advice_items'), nf.format(advice.length)],
    ],
  })
  const overdue = advice.filter((a) => a.overdue)
  if (overdue.length)
    blocks.push({
      kind: 'notice',
      text: t('reports.panel.overdue_notice', { count: overdue.length, n: nf.format(overdue.length) }),
    })
  const count = (f: (a: AdviceAsOf) => boolean) => advice.filter(f).length
  if (advice.length)
    blocks.push({
      kind: 'paragraph',
      text: t('reports.panel.summary', {
        count: advice.length,
        n: nf.format(advice.length),
        implemented: nf.format(count((a) => a.status === 'implemented')),
        accepted: nf.format(count((a) => a.status === 'accepted' || a.status === 'partly_accepted')),
        awaiting: nf.format(count((a) => a.status === 'given' || a.status === 'under_consideration')),
        not_accepted: nf.format(count((a) => a.status === 'not_accepted')),
        overdue: nf.format(overdue.length),
      }),
    })

  blocks.push({ kind: 'heading', level: 2, text: t('reports.panel.members') })
  blocks.push({ kind: 'paragraph', text: t('reports.panel.members_note') })
  blocks.push({
    kind: 'table',
    id: 'members',
    title: t('reports.panel.members'),
    columns: [
      t('reports.panel.organization'),
      t('field.country'),
      t('reports.panel.role'),
      t('reports.panel.alternate_for'),
      t('reports.panel.name'),
      t('reports.panel.from'),
      t('reports.panel.until'),
    ],
    rows: members.map((m): Cell[] => {
      const principal = m.alternate_for ? byId.get(m.alternate_for) : undefined
      return [
        m.organization,
        m.country_names ? k.text(m.country_names) : '—',
        t(`reports.panel.roles.${m.role}`),
        principal ? `${principal.organization}, ${shownName(principal)}` : '—',
        shownName(m),
        k.day(m.starts_on),
        m.ends_on ? k.day(m.ends_on) : '—',
      ]
    }),
    empty: t('reports.panel.no_members'),
  })

  blocks.push({ kind: 'heading', level: 2, text: t('reports.panel.meetings') })
  blocks.push({
    kind: 'table',
    id: 'meetings',
    title: t('reports.panel.meetings'),
    columns: [
      t('reports.meeting.meeting'),
      t('reports.date'),
      t('reports.meeting.where'),
      t('field.status'),
      t('reports.organizations'),
      t('reports.panel.advice_given'),
    ],
    rows: meetings.map((m) => [
      k.text(m.titles),
      k.day(m.starts_at),
      m.format === 'online'
        ? t('meeting_format.online')
        : [m.city, m.country_names ? k.text(m.country_names) : null].filter(Boolean).join(', ') || '—',
      t(`meeting_status.${m.status}`),
      m.organizations ?? 0,
      m.advice ?? 0,
    ]),
    empty: t('reports.panel.no_meetings'),
  })

  // ------------------------------------------------------------ summaries
  await progress(t('reports.panel.steps.summary'), 0.7)
  // The status with the due date while the item is open: "Accepted, overdue since Mar 31, 2026".
  const status = (a: AdviceAsOf) => {
    const label = t(`reports.panel.statuses.${a.status}`)
    if (!a.dueDate || !AWAITING_RESPONSE.includes(a.status)) return label
    return t(a.overdue ? 'reports.panel.status_overdue' : 'reports.panel.status_due', {
      status: label,
      due: k.day(a.dueDate),
    })
  }
  blocks.push({ kind: 'heading', level: 2, text: t('reports.panel.advice') })
  const byStatusTitle = t('reports.panel.by_status')
  blocks.push({
    kind: 'table',
    id: 'advice_by_status',
    title: byStatusTitle,
    columns: [t('field.status'), t('reports.panel.advice_items'), t('follow_up.overdue')],
    rows: advice.length
      ? ADVICE_STATUSES.map((s) => [
          t(`reports.panel.statuses.${s}`),
          count((a) => a.status === s),
          count((a) => a.status === s && a.overdue),
        ])
      : [],
    empty: t('reports.panel.no_advice'),
  })
  blocks.push({
    kind: 'chart',
    title: byStatusTitle,
    svg: advice.length
      ? barChart({
          title: byStatusTitle,
          bars: ADVICE_STATUSES.map((s) => ({
            label: t(`reports.panel.statuses.${s}`),
            value: count((a) => a.status === s),
          })),
          format: nf.format,
          rtl: k.rtl,
        })
      : null,
    empty: t('reports.panel.no_advice'),
  })
  // By body: grouped by the body (or the text when it is not a body), named as on the report's date.
  const names = await bodyNames(
    db,
    advice.flatMap((a) => (a.addressedToBodyId ? [a.addressedToBodyId] : [])),
  )
  const groups = new Map<string, { label: string; items: AdviceAsOf[] }>()
  for (const a of advice) {
    const key = a.addressedToBodyId ?? `text:${a.addressedTo}`
    const label = a.addressedToBodyId
      ? nameOnDay(names, a.addressedToBodyId, lastDay, k.text).name
      : a.addressedTo
    const g = groups.get(key) ?? { label, items: [] }
    g.items.push(a)
    groups.set(key, g)
  }
  blocks.push({
    kind: 'table',
    id: 'advice_by_body',
    title: t('reports.panel.by_body'),
    columns: [
      t('reports.scope.addressed_to'),
      t('reports.panel.advice_items'),
      t('reports.panel.awaiting'),
      t('reports.panel.accepted'),
      t('reports.panel.statuses.implemented'),
      t('reports.panel.statuses.not_accepted'),
      t('follow_up.overdue'),
    ],
    rows: [...groups.values()]
      .sort((a, b) => a.label.localeCompare(b.label, k.lang))
      .map((g) => {
        const of = (f: (a: AdviceAsOf) => boolean) => g.items.filter(f).length
        return [
          g.label,
          g.items.length,
          of((a) => a.status === 'given' || a.status === 'under_consideration'),
          of((a) => a.status === 'accepted' || a.status === 'partly_accepted'),
          of((a) => a.status === 'implemented'),
          of((a) => a.status === 'not_accepted'),
          of((a) => a.overdue),
        ]
      }),
    empty: t('reports.panel.no_advice'),
  })

  blocks.push({ kind: 'heading', level: 2, text: t('reports.panel.overdue') })
  blocks.push({
    kind: 'table',
    id: 'overdue',
    title: t('reports.panel.overdue'),
    columns: [
      t('reports.panel.number'),
      t('reports.panel.advice_text'),
      t('reports.scope.addressed_to'),
      t('follow_up.due'),
      t('field.status'),
    ],
    rows: overdue.map((a) => [
      a.number,
      a.advice,
      a.addressedTo,
      a.dueDate ? k.day(a.dueDate) : '—',
      t(`reports.panel.statuses.${a.status}`),
    ]),
    empty: t('reports.panel.none_overdue'),
  })

  // ------------------------------------------------------------ every item and what became of it
  await progress(t('reports.panel.steps.items'), 0.85)
  blocks.push({ kind: 'heading', level: 2, text: t('reports.panel.items') })
  blocks.push({
    kind: 'table',
    id: 'advice',
    title: t('reports.panel.items'),
    columns: [
      t('reports.panel.number'),
      t('reports.panel.given_on'),
      t('reports.panel.advice_text'),
      t('reports.scope.addressed_to'),
      t('field.status'),
      t('reports.panel.response'),
      t('reports.panel.action_taken'),
    ],
    rows: advice.map((a) => [
      a.number,
      k.day(a.givenOn),
      a.advice,
      a.addressedTo,
      status(a),
      a.response ? (a.respondedOn ? `${a.response} (${k.day(a.respondedOn)})` : a.response) : '',
      a.actionTaken || a.latestNote,
    ]),
    empty: t('reports.panel.no_advice'),
  })
  const updates = await db
    .selectFrom('advisory_panel_advice_update as u')
    .innerJoin('advisory_panel_advice as a', 'a.id', 'u.advice_id')
    .select(['a.number', 'u.created_at', 'u.status', 'u.note', 'u.author_label'])
    .where('a.panel_id', '=', panel.id)
    .where('u.created_at', '>=', start)
    .where('u.created_at', '<=', end)
    .where('a.created_at', '<=', asOf)
    .orderBy('u.created_at')
    .orderBy('a.number')
    .execute()
  blocks.push({
    kind: 'table',
    id: 'advice_updates',
    title: t('reports.panel.updates'),
    columns: [
      t('reports.panel.number'),
      t('reports.date'),
      t('field.status'),
      t('reports.panel.note'),
      t('reports.panel.by'),
    ],
    rows: updates.map((u) => [
      u.number,
      k.day(u.created_at),
      t(`reports.panel.statuses.${u.status}`, { defaultValue: u.status }),
      u.note,
      u.author_label,
    ]),
    empty: t('reports.panel.no_updates'),
  })

  await progress(t('reports.steps.done'), 1)
  const reportParams: PanelParams = {
    panelId: panel.id,
    from: period.from,
    to: period.to,
    ...(addressedTo ? { addressedTo } : {}),
  }
  return k.finish('panel', reportParams, title, asOf, blocks, headOf(scope))
}

/**
 * The panel's advice items in a period as they stood at `asOf`: those given in the period, and those given
 * before it that were still open at the report's date or followed up during the period. Each item's
 * status is replayed from its dated updates (the status recorded today when it has none); a response
 * dated after the report's date is not shown yet.
 */
export async function adviceAsOf(
  db: Db,
  k: ReturnType<typeof reportKit>,
  panelId: string,
  period: { from: string; to: string },
  asOf: Date,
): Promise<AdviceAsOf[]> {
  const day = asOf.toISOString().slice(0, 10)
  const lastDay = [period.to, day].sort()[0]!
  const { start, end } = periodBounds(period)
  const [rows, updates] = await Promise.all([
    db
      .selectFrom('advisory_panel_advice as a')
      .select([
        'a.id',
        'a.number',
        'a.given_on',
        'a.advice',
        'a.addressed_to',
        'a.addressed_to_body_id',
        'a.status',
        'a.due_date',
        'a.response',
        'a.responded_on',
        'a.action_taken',
        'a.updated_at',
      ])
      .where('a.panel_id', '=', panelId)
      .where('a.given_on', '<=', lastDay)
      .where('a.created_at', '<=', asOf)
      .orderBy('a.number')
      .execute(),
    db
      .selectFrom('advisory_panel_advice_update as u')
      .innerJoin('advisory_panel_advice as a', 'a.id', 'u.advice_id')
      .select(['u.advice_id', 'u.status', 'u.note', 'u.created_at'])
      .where('a.panel_id', '=', panelId)
      .where('u.created_at', '<=', asOf)
      .orderBy('u.created_at')
      .orderBy('u.id')
      .execute(),
  ])
  const byAdvice = new Map<string, typeof updates>()
  for (const u of updates) {
    const list = byAdvice.get(u.advice_id)
    if (list) list.push(u)
    else byAdvice.set(u.advice_id, [u])
  }
  const names = await bodyNames(
    db,
    rows.flatMap((r) => (r.addressed_to_body_id ? [r.addressed_to_body_id] : [])),
  )
  const endOfPeriod = end < asOf ? end : asOf
  const out: AdviceAsOf[] = []
  for (const r of rows) {
    // The updates up to the report's date (filtered in SQL): the status and notes as known then.
    const known = byAdvice.get(r.id) ?? []
    const status = (known.length ? known.at(-1)!.status : r.status) as AdviceStatus
    const open = OPEN_ADVICE.includes(status)
    const updatedInPeriod = known.some((u) => u.created_at >= start && u.created_at <= endOfPeriod)
    const inPeriod = r.given_on >= period.from
    if (!inPeriod && !open && !updatedInPeriod) continue
    const responded = r.responded_on === null || r.responded_on <= day
    out.push({
      id: r.id,
      number: r.number,
      givenOn: r.given_on,
      advice: k.text(r.advice),
      // The body's code as it was on the day (SG9 before it became SG21); the summary by body names it in full.
      addressedTo: r.addressed_to_body_id
        ? nameOnDay(names, r.addressed_to_body_id, r.given_on, k.text).code || r.addressed_to
        : r.addressed_to,
      addressedToBodyId: r.addressed_to_body_id,
      status,
      dueDate: r.due_date,
      response: responded ? (r.response ?? '') : '',
      respondedOn: responded ? r.responded_on : null,
      // What was done as the record stood at the report's date: the row's text when it has not changed since,
      // or when the item was implemented by then (implementing records it).
      actionTaken: r.updated_at <= asOf || status === 'implemented' ? (r.action_taken ?? '') : '',
      latestNote: known.at(-1)?.note ?? '',
      overdue: AWAITING_RESPONSE.includes(status) && !!r.due_date && r.due_date < day,
      updatedInPeriod,
    })
  }
  return out
}
