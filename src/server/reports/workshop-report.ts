import type { Db } from '../db/database.ts'
import { type Actor, assertStaff } from '../features/auth/auth.policy.ts'
import { consultationsForMeeting } from '../features/consultations/consultations.service.ts'
import { rateText } from '../features/consultations/invitations.ts'
import type { Meeting } from '../features/meetings/meetings.schema.ts'
import { figures, getMeeting } from '../features/meetings/meetings.service.ts'
import { formatDateTime, type Language } from '../i18n/i18n.ts'
import { actionsAsOf } from './follow-up-report.ts'
import { type Kit, reportKit } from './kit.ts'
import type { Block, Report } from './model.ts'
import { headOf, meetingParams, meetingScope } from './scope.ts'

const where = (k: Kit, m: Meeting) =>
  m.format === 'online'
    ? k.t('meeting_format.online')
    : [m.city, m.countryName].filter(Boolean).join(', ') || '—'

function notHeld(k: Kit, m: Meeting, blocks: Block[]) {
  if (m.status !== 'held' && m.status !== 'concluded')
    blocks.push({
      kind: 'notice',
      text: k.t('reports.meeting.not_held', { status: k.t(`meeting_status.${m.status}`) }),
    })
}

async function conclusionsAsOf(db: Db, meetingId: string, asOf: Date) {
  return db
    .selectFrom('conclusion as c')
    .leftJoin('topic as tp', 'tp.id', 'c.topic_id')
    .select(['c.id', 'c.texts', 'c.type', 'tp.titles as topic_titles'])
    .where('c.meeting_id', '=', meetingId)
    .where('c.created_at', '<=', asOf)
    .orderBy('c.created_at')
    .orderBy('c.id')
    .execute()
}

/**
 * The workshop report (TSAG resolves 3, and the workshop reports of the action plan): its sessions, the
 * points raised, the actions proposed and, once the action plan is in Engage, the items they feed.
 */
export async function workshopReport(
  db: Db,
  actor: Actor,
  meetingId: string,
  lang: Language,
  asOf = new Date(),
  addressedTo?: string,
): Promise<Report> {
  assertStaff(actor)
  const k = reportKit(lang)
  const { t, nf } = k
  const m = await getMeeting(db, actor, meetingId, lang)
  k.text(m.titles)
  const scope = await meetingScope(db, k, meetingId, addressedTo, asOf.toISOString().slice(0, 10))
  const title = t('reports.workshop.title', { meeting: m.title })
  const blocks: Block[] = [{ kind: 'heading', level: 1, text: title }]
  notHeld(k, m, blocks)
  const [fig, sessions, points, allActions, consultations] = await Promise.all([
    figures(db, meetingId),
    db
      .selectFrom('meeting_session')
      .select(['titles', 'starts_at', 'ends_at', 'outline'])
      .where('meeting_id', '=', meetingId)
      .orderBy('position')
      .execute(),
    conclusionsAsOf(db, meetingId, asOf),
    actionsAsOf(db, k, asOf),
    consultationsForMeeting(db, actor, meetingId, lang),
  ])
  blocks.push({
    kind: 'facts',
    rows: [
      [t('field.kind'), t(`meeting_kind.${m.kind}`)],
      [
        t('reports.meeting.when'),
        `${formatDateTime(m.startsAt, lang, m.timeZone)} – ${formatDateTime(m.endsAt, lang, m.timeZone)}`,
      ],
      [t('reports.meeting.where'), where(k, m)],
      [t('reports.meeting.host'), m.hostOrganizationName ?? '—'],
      [t('reports.organizations'), nf.format(fig.organizations)],
      [t('reports.people'), nf.format(fig.people)],
    ],
  })

  blocks.push({ kind: 'heading', level: 2, text: t('reports.workshop.sessions') })
  if (!sessions.length) blocks.push({ kind: 'paragraph', text: t('reports.workshop.no_sessions') })
  for (const s of sessions) {
    blocks.push({ kind: 'heading', level: 3, text: k.text(s.titles) })
    if (s.starts_at)
      blocks.push({
        kind: 'paragraph',
        text: s.ends_at
          ? `${formatDateTime(s.starts_at.toISOString(), lang, m.timeZone)} – ${formatDateTime(s.ends_at.toISOString(), lang, m.timeZone)}`
          : formatDateTime(s.starts_at.toISOString(), lang, m.timeZone),
      })
    if (s.outline) blocks.push({ kind: 'paragraph', text: s.outline })
  }

  blocks.push({ kind: 'heading', level: 2, text: t('reports.workshop.points') })
  blocks.push({
    kind: 'list',
    items: points.map(
      (p) =>
        `${t(`follow_up.types.${p.type}`)}: ${k.text(p.texts)}${p.topic_titles ? ` (${k.text(p.topic_titles)})` : ''}`,
    ),
    empty: t('reports.workshop.no_points'),
  })

  blocks.push({ kind: 'heading', level: 2, text: t('reports.workshop.actions') })
  blocks.push({
    kind: 'table',
    id: 'proposed_actions',
    title: t('reports.workshop.actions'),
    columns: [
      t('follow_up.what'),
      t('follow_up.body'),
      t('follow_up.responsible'),
      t('follow_up.due'),
      t('field.status'),
      t('reports.follow_up.progress'),
    ],
    rows: allActions
      .filter((a) => a.meetingId === meetingId)
      .map((a) => [
        a.what,
        a.body,
        a.responsible,
        k.day(a.dueDate),
        t(`follow_up.statuses.${a.status}`),
        a.progress,
      ]),
    empty: t('follow_up.no_actions'),
  })

  blocks.push({ kind: 'heading', level: 2, text: t('reports.workshop.action_plan') })
  const planActions = await db
    .selectFrom('plan_action as a')
    .innerJoin('plan_version as v', 'v.id', 'a.version_id')
    .select(['a.code', 'a.point', 'a.sessions', 'a.action', 'a.targets', 'a.target_items'])
    .where('v.current', '=', true)
    .where('a.meeting_id', '=', meetingId)
    .orderBy('a.code')
    .execute()
  blocks.push({
    kind: 'table',
    id: 'plan_actions',
    title: t('reports.workshop.action_plan'),
    columns: [
      t('plan.point'),
      t('plan.sessions'),
      t('plan.action'),
      t('plan.targets'),
      t('plan.target_items'),
    ],
    rows: planActions.map((a) => [
      `${a.code}: ${a.point}`,
      a.sessions.join(', '),
      a.action,
      a.targets.join(', '),
      a.target_items.join(', '),
    ]),
    empty: t('reports.workshop.no_plan_actions'),
  })

  blocks.push({ kind: 'heading', level: 2, text: t('reports.workshop.evaluation') })
  const evaluations = consultations.filter((c) => c.status !== 'draft')
  blocks.push({
    kind: 'list',
    items: evaluations.map(
      (c) => `${c.title} — ${t('consultations.response_rate')}: ${rateText(lang, c.submitted, c.targets)}`,
    ),
    empty: t('reports.workshop.no_evaluation'),
  })
  return k.finish('workshop', meetingParams(meetingId, addressedTo), title, asOf, blocks, headOf(scope))
}

/**
 * The short public statement that followed a meeting in the 2016 style, for organizations that still want
 * one: where and when, who took part (organizations, never people), and the recommendations and decisions.
 */
export async function communique(
  db: Db,
  actor: Actor,
  meetingId: string,
  lang: Language,
  asOf = new Date(),
  addressedTo?: string,
): Promise<Report> {
  assertStaff(actor)
  const k = reportKit(lang)
  const { t, nf } = k
  const m = await getMeeting(db, actor, meetingId, lang)
  k.text(m.titles)
  const scope = await meetingScope(db, k, meetingId, addressedTo, asOf.toISOString().slice(0, 10))
  const title = t('reports.communique.title', { meeting: m.title })
  const blocks: Block[] = [{ kind: 'heading', level: 1, text: title }]
  notHeld(k, m, blocks)
  const [organizations, points, next] = await Promise.all([
    db
      .selectFrom('meeting_attendance as a')
      .innerJoin('organization as o', 'o.id', 'a.organization_id')
      .innerJoin('country as c', 'c.code', 'o.country_code')
      .select(['o.id', 'o.name', 'c.names as country_names'])
      .distinct()
      .where('a.meeting_id', '=', meetingId)
      .orderBy('o.name')
      .execute(),
    conclusionsAsOf(db, meetingId, asOf),
    m.groupId
      ? db
          .selectFrom('meeting')
          .select(['titles', 'starts_at', 'city'])
          .where('group_id', '=', m.groupId)
          .where('starts_at', '>', new Date(m.startsAt))
          .where('status', 'not in', ['draft', 'cancelled'])
          .orderBy('starts_at')
          .limit(1)
          .executeTakeFirst()
      : undefined,
  ])
  const countries = new Set(organizations.map((o) => k.text(o.country_names)))
  blocks.push({
    kind: 'paragraph',
    text: t('reports.communique.opening', {
      kind: t(`meeting_kind.${m.kind}`),
      where: where(k, m),
      date: k.day(m.startsAt.slice(0, 10)),
      organizations: nf.format(organizations.length),
      countries: nf.format(countries.size),
    }),
  })
  if (m.hostOrganizationName)
    blocks.push({ kind: 'paragraph', text: t('reports.communique.host', { host: m.hostOrganizationName }) })
  blocks.push({ kind: 'heading', level: 2, text: t('reports.communique.conclusions') })
  blocks.push({
    kind: 'list',
    items: points
      .filter((p) => p.type === 'recommendation' || p.type === 'decision')
      .map((p) => k.text(p.texts)),
    empty: t('reports.communique.no_conclusions'),
  })
  blocks.push({ kind: 'heading', level: 2, text: t('reports.communique.participants') })
  blocks.push({
    kind: 'list',
    items: organizations.map((o) => `${o.name} (${k.text(o.country_names)})`),
    empty: t('reports.no_attendance'),
  })
  if (next)
    blocks.push({
      kind: 'paragraph',
      text: t('reports.communique.next', {
        meeting: k.text(next.titles),
        date: k.day(next.starts_at),
      }),
    })
  return k.finish('communique', meetingParams(meetingId, addressedTo), title, asOf, blocks, headOf(scope))
}
