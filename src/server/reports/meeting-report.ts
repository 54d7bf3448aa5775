import { barChart } from '../charts/charts.ts'
import type { Db } from '../db/database.ts'
import { type Actor, assertStaff } from '../features/auth/auth.policy.ts'
import { consultationsForMeeting } from '../features/consultations/consultations.service.ts'
import { invitationsText, rateText } from '../features/consultations/invitations.ts'
import { figures, getMeeting } from '../features/meetings/meetings.service.ts'
import { meetingAgendas } from '../features/topics/agendas.service.ts'
import { actions, conclusions } from '../features/topics/follow-up.service.ts'
import { formatDate, formatDateTime, type Language } from '../i18n/i18n.ts'
import { reportKit } from './kit.ts'
import type { Block, Report } from './model.ts'
import { headOf, meetingParams, meetingScope } from './scope.ts'

/**
 * The report to TSAG after a meeting (Resolution 68, resolves 9): the meeting's facts and participation,
 * its pre-meeting consultation, and for each topic discussed the conclusion, the topic's progression in
 * its lifecycle and how earlier meetings handled it; then the follow-up actions created. Everything is
 * taken as it stood at `asOf`.
 */
export async function meetingReport(
  db: Db,
  actor: Actor,
  meetingId: string,
  lang: Language,
  asOf = new Date(),
  addressedTo?: string,
): Promise<Report> {
  assertStaff(actor)
  const k = reportKit(lang)
  const { t, nf, rtl } = k
  const m = await getMeeting(db, actor, meetingId, lang)
  k.text(m.titles) // counts the title if it is not in the report's language
  const scope = await meetingScope(db, k, meetingId, addressedTo, asOf.toISOString().slice(0, 10))
  // Addressed to a body (by default the advisory group of the meeting's Sector), the title names it.
  const title = scope.addressee
    ? t('reports.scope.meeting_title', { meeting: m.title, body: scope.addressee.code })
    : t('reports.meeting.title', { meeting: m.title })
  const at = asOf.toISOString()
  const [fig, consultations, agendas, allConclusions, allActions] = await Promise.all([
    figures(db, meetingId),
    consultationsForMeeting(db, actor, meetingId, lang),
    meetingAgendas(db, actor, meetingId, lang),
    conclusions(db, actor, { meetingId }, lang),
    actions(db, actor, { meetingId }, lang),
  ])
  const here = allConclusions.filter((c) => c.createdAt <= at)
  const created = allActions.filter((a) => (a.updates[0]?.at ?? '') <= at)
  const agenda = agendas.published.find((a) => (a.publishedAt ?? '') <= at)
  const blocks: Block[] = []

  blocks.push({ kind: 'heading', level: 1, text: title })
  if (m.status !== 'held' && m.status !== 'concluded')
    blocks.push({
      kind: 'notice',
      text: t('reports.meeting.not_held', { status: t(`meeting_status.${m.status}`) }),
    })

  blocks.push({ kind: 'heading', level: 2, text: t('reports.meeting.facts') })
  blocks.push({
    kind: 'facts',
    rows: [
      [t('field.kind'), t(`meeting_kind.${m.kind}`)],
      [
        t('reports.meeting.when'),
        `${formatDateTime(m.startsAt, lang, m.timeZone)} – ${formatDateTime(m.endsAt, lang, m.timeZone)}`,
      ],
      [
        t('reports.meeting.where'),
        m.format === 'online'
          ? t('meeting_format.online')
          : [m.city, m.countryName].filter(Boolean).join(', ') || '—',
      ],
      [t('reports.meeting.group'), m.groupName ?? '—'],
      [t('reports.meeting.host'), m.hostOrganizationName ?? '—'],
    ],
  })

  // Participation
  blocks.push({ kind: 'heading', level: 2, text: t('reports.meeting.participation') })
  blocks.push({
    kind: 'paragraph',
    text: t('reports.meeting.participation_total', {
      organizations: nf.format(fig.organizations),
      people: nf.format(fig.people),
    }),
  })
  const dims = [
    ['region', fig.byRegion, 'region'],
    ['development_status', fig.byDevelopmentStatus, 'development'],
    ['category', fig.byCategory, 'category'],
    ['seniority', fig.bySeniority, 'seniority'],
    ['attended_as', fig.byAttendedAs, 'attended_as'],
  ] as const
  for (const [id, rows, prefix] of dims) {
    const label = (k: string | null) =>
      k ? t(`${prefix}.${k}`, { defaultValue: k }) : t('reports.not_stated')
    const title = t(`reports.meeting.by_${id}`)
    blocks.push({
      kind: 'table',
      id: `participation_${id}`,
      title,
      columns: [t(`reports.meeting.dimension_${id}`), t('reports.organizations'), t('reports.people')],
      rows: rows.map((r) => [label(r.key), r.organizations, r.people]),
      empty: t('reports.no_attendance'),
    })
    if (id === 'region')
      blocks.push({
        kind: 'chart',
        title,
        svg: rows.length
          ? barChart({ title, bars: rows.map((r) => ({ label: label(r.key), value: r.people })), rtl })
          : null,
        empty: t('reports.no_attendance'),
      })
  }

  // The pre-meeting consultation
  blocks.push({ kind: 'heading', level: 2, text: t('reports.meeting.consultation') })
  const asked = consultations.filter((c) => c.status !== 'draft')
  if (!asked.length) blocks.push({ kind: 'paragraph', text: t('reports.meeting.no_consultation') })
  for (const c of asked) {
    blocks.push({ kind: 'heading', level: 3, text: c.title })
    blocks.push({
      kind: 'facts',
      rows: [
        [t('consultations.purpose'), t(`consultations.purposes.${c.purpose}`)],
        [t('consultations.invitations'), invitationsText(t, lang, c.invitations)],
        [t('consultations.response_rate'), rateText(lang, c.submitted, c.targets)],
        [
          t('consultations.lead_time'),
          c.leadDays === null
            ? '—'
            : t('consultations.lead_days', { count: c.leadDays, n: nf.format(c.leadDays) }),
        ],
      ],
    })
    blocks.push({
      kind: 'table',
      id: `consultation_topics_${c.id.slice(0, 8)}`,
      title: t('reports.meeting.topics_raised'),
      columns: [t('topics.title'), t('topics.description'), t('topics.proposed_by')],
      rows: c.topics.map((x) => [x.title, x.description, x.from]),
      empty: t('reports.none_raised'),
    })
    blocks.push({
      kind: 'table',
      id: `consultation_needs_${c.id.slice(0, 8)}`,
      title: t('reports.meeting.needs_raised'),
      columns: [t('reports.meeting.need'), t('topics.proposed_by')],
      rows: c.needs.map((x) => [x.text, x.from]),
      empty: t('reports.none_raised'),
    })
  }

  // Topics: conclusion, progression, and how earlier meetings handled each
  blocks.push({ kind: 'heading', level: 2, text: t('reports.meeting.topics') })
  const topicIds = [
    ...new Set([
      ...(agenda?.items.map((i) => i.topicId).filter((x): x is string => !!x) ?? []),
      ...here.map((c) => c.topicId).filter((x): x is string => !!x),
    ]),
  ]
  if (!topicIds.length) blocks.push({ kind: 'paragraph', text: t('reports.meeting.no_topics') })
  if (topicIds.length) {
    const [events, topicRows, earlier] = await Promise.all([
      db
        .selectFrom('topic_event')
        .select(['topic_id', 'from_state', 'to_state', 'at'])
        .where('topic_id', 'in', topicIds)
        .where('kind', '=', 'transition')
        .where('meeting_id', '=', meetingId)
        .where('at', '<=', asOf)
        .orderBy('id')
        .execute(),
      db.selectFrom('topic').select(['id', 'titles', 'state']).where('id', 'in', topicIds).execute(),
      db
        .selectFrom('conclusion as c')
        .innerJoin('meeting as em', 'em.id', 'c.meeting_id')
        .select(['c.topic_id', 'c.texts', 'c.type', 'em.titles', 'em.starts_at'])
        .where('c.topic_id', 'in', topicIds)
        .where('c.meeting_id', '<>', meetingId)
        .where('em.starts_at', '<', new Date(m.startsAt))
        .orderBy('em.starts_at')
        .execute(),
    ])
    const titleOf = new Map(topicRows.map((r) => [r.id, k.text(r.titles)]))
    for (const id of topicIds) {
      blocks.push({ kind: 'heading', level: 3, text: titleOf.get(id) ?? id })
      const mine = here.filter((c) => c.topicId === id)
      blocks.push({
        kind: 'list',
        items: mine.map((c) => `${t(`follow_up.types.${c.type}`)}: ${c.text}`),
        empty: t('reports.meeting.no_conclusion'),
      })
      const moves = events.filter((e) => e.topic_id === id)
      blocks.push({
        kind: 'paragraph',
        text: moves.length
          ? t('reports.meeting.progression', {
              path: [moves[0]!.from_state, ...moves.map((e) => e.to_state)]
                .map((s) => t(`topics.states.${s}`))
                .join(' → '),
            })
          : t('reports.meeting.no_progression'),
      })
      const before = earlier.filter((e) => e.topic_id === id)
      blocks.push({
        kind: 'table',
        id: `earlier_${id.slice(0, 8)}`,
        title: t('reports.meeting.earlier', { topic: titleOf.get(id) ?? id }),
        columns: [
          t('reports.meeting.meeting'),
          t('reports.date'),
          t('follow_up.type'),
          t('follow_up.conclusion_text'),
        ],
        rows: before.map((e) => [
          k.text(e.titles),
          formatDate(e.starts_at.toISOString().slice(0, 10), lang),
          t(`follow_up.types.${e.type}`),
          k.text(e.texts),
        ]),
        empty: t('reports.meeting.first_time'),
      })
    }
  }

  // Follow-up actions
  blocks.push({ kind: 'heading', level: 2, text: t('reports.meeting.actions') })
  blocks.push({
    kind: 'table',
    id: 'actions',
    title: t('reports.meeting.actions'),
    columns: [
      t('follow_up.what'),
      t('follow_up.body'),
      t('follow_up.responsible'),
      t('follow_up.due'),
      t('field.status'),
    ],
    rows: created.map((a) => [
      a.what,
      a.ownerBody,
      a.responsible,
      a.dueDate,
      t(`follow_up.statuses.${a.status}`),
    ]),
    empty: t('follow_up.no_actions'),
  })

  return k.finish('meeting', meetingParams(meetingId, addressedTo), title, asOf, blocks, headOf(scope))
}
