import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { likePattern, localizedText } from '../../db/search.ts'
import { inTransaction } from '../../db/transaction.ts'
import { AppError } from '../../http/errors.ts'
import { type Language, type Localized, pick, translator } from '../../i18n/i18n.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { type Actor, actorLabel, actorUserId, canWrite, deny, isStaff, isUser } from '../auth/auth.policy.ts'
import { enqueueEmail } from '../mail/mail.service.ts'
import {
  assertInScope,
  assertRecordInScope,
  inScope,
  resolveSector,
  sectorFilter,
} from '../structure/scope.ts'
import type { Body, Sector } from '../structure/structure.schema.ts'
import { bodyNamed, listBodies, listSectors, resolveAddressee } from '../structure/structure.service.ts'
import { pathTo } from './lifecycle.ts'
import type { TopicState } from './topics.schema.ts'
import { transitionRules } from './topics.service.ts'

export const CONCLUSION_TYPES = ['recommendation', 'request', 'observation', 'decision'] as const
export const ACTION_STATUSES = ['open', 'in_progress', 'done', 'dropped'] as const
export type ActionStatus = (typeof ACTION_STATUSES)[number]
/** Reminders go this many days before an action is due (or as soon as it is found overdue). */
export const ACTION_REMINDER_DAYS = 7

function assertReader(actor: Actor): void {
  if (!isUser(actor) && actor.kind !== 'system') deny(actor)
}
function assertStaffWrite(actor: Actor): void {
  if (!(isStaff(actor) && canWrite(actor))) deny(actor)
}
const byLabel = (actor: Actor) => (isUser(actor) ? actor.name : actorLabel(actor))

/** Meetings take conclusions once they have started, and until they are cancelled. */
async function concludableMeeting(trx: Db, meetingId: string) {
  const m = await trx
    .selectFrom('meeting')
    .select(['id', 'status', 'starts_at'])
    .where('id', '=', meetingId)
    .executeTakeFirst()
  if (!m) throw new AppError('MEETING_NOT_FOUND')
  if (m.status === 'draft' || m.status === 'cancelled' || m.starts_at > new Date())
    throw new AppError('MEETING_NOT_STARTED', { status: m.status })
  return m
}

/**
 * Moves a topic to the state a conclusion implies, through "discussed" when it was only on the agenda,
 * each step allowed by the lifecycle rules and recorded with the meeting.
 */
async function moveTopic(
  trx: Db,
  actor: Actor,
  topicId: string,
  to: TopicState,
  meetingId: string,
  reason: string,
) {
  const topic = await trx
    .selectFrom('topic')
    .selectAll()
    .where('id', '=', topicId)
    .forUpdate()
    .executeTakeFirst()
  if (!topic) throw new AppError('VALIDATION_FAILED', {}, { topicId: ['topic_unknown'] })
  if (topic.merged_into) throw new AppError('TOPIC_MERGED', { into: topic.merged_into })
  if (topic.state === to) return
  const rules = await transitionRules(trx)
  const path = pathTo(rules, topic.state as TopicState, to)
  if (!path.length)
    throw new AppError('TOPIC_TRANSITION_INVALID', {
      from: topic.state,
      to,
      allowed: rules.get(topic.state as TopicState) ?? [],
    })
  let from = topic.state
  for (const state of path) {
    await trx
      .insertInto('topic_event')
      .values({
        topic_id: topicId,
        kind: 'transition',
        from_state: from,
        to_state: state,
        reason,
        meeting_id: meetingId,
        by_user: actorUserId(actor),
        by_label: byLabel(actor),
      })
      .execute()
    from = state
  }
  await trx
    .updateTable('topic')
    .set({ state: to, version: topic.version + 1, updated_at: new Date() })
    .where('id', '=', topicId)
    .execute()
}

export type ConclusionInput = {
  topicId: string | null
  texts: Localized
  type: (typeof CONCLUSION_TYPES)[number]
  /** Where the topic goes; null leaves it where it is. */
  topicState: TopicState | null
}

/**
 * Records what a meeting concluded. A secretariat limited to a Sector concludes its Sector's meetings, and
 * moves only its Sector's topics with a conclusion.
 */
export async function recordConclusion(db: Db, actor: Actor, meetingId: string, input: ConclusionInput) {
  assertStaffWrite(actor)
  return inTransaction(db, async (trx) => {
    await assertRecordInScope(trx, actor, 'meeting', meetingId)
    if (input.topicId && input.topicState) await assertRecordInScope(trx, actor, 'topic', input.topicId)
    await concludableMeeting(trx, meetingId)
    const row = await trx
      .insertInto('conclusion')
      .values({
        meeting_id: meetingId,
        topic_id: input.topicId,
        texts: JSON.stringify(input.texts),
        type: input.type,
        created_by: actorUserId(actor),
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    if (input.topicId && input.topicState)
      await moveTopic(trx, actor, input.topicId, input.topicState, meetingId, `@conclusion:${input.type}`)
    else if (input.topicId) {
      const exists = await trx
        .selectFrom('topic')
        .select('id')
        .where('id', '=', input.topicId)
        .executeTakeFirst()
      if (!exists) throw new AppError('VALIDATION_FAILED', {}, { topicId: ['topic_unknown'] })
    }
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'conclusion',
      entityId: row.id,
      after: row,
    })
    return row.id
  })
}

export type ActionInput = {
  what: Localized
  ownerBody: string
  responsibleUserId: string
  dueDate: string
  /** A Sector's code or `union`; omitted: the Sector of the conclusion's meeting. */
  sector?: string | undefined
}

/**
 * Asks a body for follow-up. The action belongs to the Sector given, else to its meeting's (a Union-wide
 * meeting's actions get the default Sector). A secretariat limited to a Sector creates actions of its
 * Sector only, addressed to its Sector's bodies or the Union's (the Council), not another Sector's.
 */
export async function createAction(db: Db, actor: Actor, conclusionId: string, input: ActionInput) {
  assertStaffWrite(actor)
  return inTransaction(db, async (trx) => {
    const c = await trx
      .selectFrom('conclusion')
      .innerJoin('meeting', 'meeting.id', 'conclusion.meeting_id')
      .select(['conclusion.id', 'conclusion.topic_id', 'meeting.sector_id as meeting_sector_id'])
      .where('conclusion.id', '=', conclusionId)
      .executeTakeFirst()
    if (!c) throw new AppError('CONCLUSION_NOT_FOUND')
    // The conclusion is its meeting's: a Sector-limited secretariat follows up only its own Sector's meetings.
    assertInScope(actor, c.meeting_sector_id)
    const sectorId =
      input.sector || c.meeting_sector_id === null
        ? await resolveSector(trx, actor, input.sector)
        : c.meeting_sector_id
    const user = await trx
      .selectFrom('app_user')
      .select(['id', 'status'])
      .where('id', '=', input.responsibleUserId)
      .executeTakeFirst()
    if (user?.status !== 'active')
      throw new AppError('VALIDATION_FAILED', {}, { responsibleUserId: ['responsible_unknown'] })
    // A body of the structure must exist today (a study group of a past study period is refused, with its
    // dates); the action keeps the code the body has today, whatever it is called later.
    const addressee = await resolveAddressee(trx, input.ownerBody, new Date().toISOString().slice(0, 10))
    if (addressee && addressee.sectorId !== null) assertInScope(actor, addressee.sectorId)
    const row = await trx
      .insertInto('follow_up_action')
      .values({
        conclusion_id: conclusionId,
        topic_id: c.topic_id,
        what: JSON.stringify(input.what),
        owner_body: addressee?.code ?? input.ownerBody,
        owner_body_id: addressee?.id ?? null,
        sector_id: sectorId,
        responsible_user_id: input.responsibleUserId,
        due_date: input.dueDate,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('action_update')
      .values({ action_id: row.id, by_user: actorUserId(actor), by_label: byLabel(actor), status_to: 'open' })
      .execute()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'follow_up_action',
      entityId: row.id,
      after: row,
    })
    return row.id
  })
}

/** Does the actor lead this body (a study group, a rapporteur group)? The one check for every body's leads. */
export async function leadsBody(db: Db, actor: Actor, body: string): Promise<boolean> {
  if (!isUser(actor)) return false
  return !!(await db
    .selectFrom('body_lead')
    .select('body')
    .where('body', '=', body)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst())
}

type ActionRights = {
  owner_body: string
  owner_body_id: string | null
  responsible_user_id: string
  sector_id: string | null
}

/**
 * Does the actor lead the body an action is addressed to: by the code the action was given, or, for a body
 * of the structure, by any code that names that body — its old name, or the one it took later.
 */
async function leadsActionBody(db: Db, actor: Actor, action: ActionRights): Promise<boolean> {
  if (!isUser(actor)) return false
  const bodyId = action.owner_body_id
  return !!(await db
    .selectFrom('body_lead')
    .select('body')
    .where('user_id', '=', actor.userId)
    .where((eb) =>
      bodyId
        ? eb.or([eb('body_lead.body', '=', action.owner_body), namesOnly(bodyId)])
        : eb('body_lead.body', '=', action.owner_body),
    )
    .executeTakeFirst())
}

/** SQL: the lead's code names this body of the structure and no other (as bodiesNamed decides). */
function namesOnly(bodyId: string) {
  return sql<boolean>`(
    SELECT array_agg(DISTINCT n.body_id) FROM org_body_name n
    JOIN org_body b ON b.id = n.body_id LEFT JOIN sector s ON s.id = b.sector_id
    WHERE lower(n.code) = lower(body_lead.body) OR lower(s.code || ' ' || n.code) = lower(body_lead.body)
  ) = ARRAY[${bodyId}]::uuid[]`
}

/**
 * Who may report on an action: the person responsible for it, its body's leads, and the secretariat — a
 * secretariat limited to a Sector for that Sector's actions only.
 */
export async function canUpdateAction(db: Db, actor: Actor, action: ActionRights): Promise<boolean> {
  if (!canWrite(actor)) return false
  if (isStaff(actor) && inScope(actor, action.sector_id)) return true
  if (isUser(actor) && actor.userId === action.responsible_user_id) return true
  return leadsActionBody(db, actor, action)
}

/** Whether the actor may report on this action (the action page shows its form then). */
export async function mayUpdateAction(db: Db, actor: Actor, actionId: string): Promise<boolean> {
  const a = await db
    .selectFrom('follow_up_action')
    .select(['owner_body', 'owner_body_id', 'responsible_user_id', 'sector_id'])
    .where('id', '=', actionId)
    .executeTakeFirst()
  return !!a && canUpdateAction(db, actor, a)
}

export async function updateAction(
  db: Db,
  actor: Actor,
  actionId: string,
  input: { status: ActionStatus; note: string; evidence: string; version: number },
) {
  assertReader(actor)
  await inTransaction(db, async (trx) => {
    const a = await trx
      .selectFrom('follow_up_action')
      .selectAll()
      .where('id', '=', actionId)
      .forUpdate()
      .executeTakeFirst()
    if (!a) throw new AppError('ACTION_NOT_FOUND')
    if (!(await canUpdateAction(trx, actor, a))) {
      // A secretariat limited to another Sector is told why.
      if (isStaff(actor) && canWrite(actor))
        await assertRecordInScope(trx, actor, 'follow_up_action', actionId)
      deny(actor)
    }
    if (a.version !== input.version) throw new AppError('ACTION_CONFLICT', { version: a.version })
    if (input.status === a.status && !input.note && !input.evidence)
      throw new AppError('VALIDATION_FAILED', {}, { note: ['update_empty'] })
    await trx
      .updateTable('follow_up_action')
      .set({ status: input.status, version: a.version + 1, updated_at: new Date() })
      .where('id', '=', actionId)
      .execute()
    await trx
      .insertInto('action_update')
      .values({
        action_id: actionId,
        by_user: actorUserId(actor),
        by_label: byLabel(actor),
        status_from: a.status,
        status_to: input.status === a.status ? null : input.status,
        note: input.note,
        evidence: input.evidence,
      })
      .execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'follow_up_action',
      entityId: actionId,
      summary: input.status === a.status ? 'progress note' : `${a.status} → ${input.status}`,
    })
  })
}

// ---------------------------------------------------------------- reading

export type ActionView = {
  id: string
  conclusionId: string
  topicId: string | null
  topicTitle: string | null
  meetingId: string
  meetingTitle: string
  what: string
  ownerBody: string
  /** The body of the structure the action is addressed to; null for an addressee outside it. */
  ownerBodyId: string | null
  /** The Sector's code; null: Union-wide. */
  sector: string | null
  responsible: string
  responsibleUserId: string
  dueDate: string
  status: ActionStatus
  overdue: boolean
  version: number
  updates: {
    at: string
    by: string
    statusFrom: string | null
    statusTo: string | null
    note: string
    evidence: string
  }[]
}

const today = () => new Date().toISOString().slice(0, 10)

export type ActionFilter = {
  /** The addressee's code: the actions given that code, and those of the body of the structure it names. */
  body?: string | undefined
  topicId?: string | undefined
  meetingId?: string | undefined
  actionId?: string | undefined
  /** A Sector's code, or `union` for the Union-wide actions only. */
  sector?: string | undefined
  status?: ActionStatus | undefined
}

export async function actions(
  db: Db,
  actor: Actor,
  filter: ActionFilter,
  lang: Language,
): Promise<ActionView[]> {
  assertReader(actor)
  const [sectorId, bodyId] = await Promise.all([
    sectorFilter(db, filter.sector),
    filter.body ? bodyNamed(db, filter.body) : undefined,
  ])
  let q = db
    .selectFrom('follow_up_action as a')
    .innerJoin('conclusion as c', 'c.id', 'a.conclusion_id')
    .innerJoin('meeting as m', 'm.id', 'c.meeting_id')
    .innerJoin('app_user as u', 'u.id', 'a.responsible_user_id')
    .leftJoin('topic as t', 't.id', 'a.topic_id')
    .leftJoin('sector as s', 's.id', 'a.sector_id')
    .select([
      'a.owner_body_id',
      's.code as sector_code',
      'a.id',
      'a.conclusion_id',
      'a.topic_id',
      't.titles as topic_titles',
      'c.meeting_id',
      'm.titles as meeting_titles',
      'a.what',
      'a.owner_body',
      'u.name as responsible',
      'a.responsible_user_id',
      'a.due_date',
      'a.status',
      'a.version',
    ])
  const body = filter.body
  if (body)
    q = q.where((eb) =>
      bodyId
        ? eb.or([eb('a.owner_body', '=', body), eb('a.owner_body_id', '=', bodyId)])
        : eb('a.owner_body', '=', body),
    )
  if (sectorId !== undefined)
    q = sectorId === null ? q.where('a.sector_id', 'is', null) : q.where('a.sector_id', '=', sectorId)
  if (filter.status) q = q.where('a.status', '=', filter.status)
  if (filter.topicId) q = q.where('a.topic_id', '=', filter.topicId)
  if (filter.meetingId) q = q.where('c.meeting_id', '=', filter.meetingId)
  if (filter.actionId) q = q.where('a.id', '=', filter.actionId)
  const rows = await q.orderBy('a.due_date').orderBy('a.id').limit(500).execute()
  const updates = rows.length
    ? await db
        .selectFrom('action_update')
        .selectAll()
        .where(
          'action_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('id')
        .execute()
    : []
  const now = today()
  return rows.map((r) => ({
    id: r.id,
    conclusionId: r.conclusion_id,
    topicId: r.topic_id,
    topicTitle: r.topic_titles ? pick(r.topic_titles as Localized, lang) : null,
    meetingId: r.meeting_id,
    meetingTitle: pick(r.meeting_titles as Localized, lang),
    what: pick(r.what as Localized, lang),
    ownerBody: r.owner_body,
    ownerBodyId: r.owner_body_id,
    sector: r.sector_code,
    responsible: r.responsible,
    responsibleUserId: r.responsible_user_id,
    dueDate: r.due_date,
    status: r.status as ActionStatus,
    overdue: (r.status === 'open' || r.status === 'in_progress') && r.due_date < now,
    version: r.version,
    updates: updates
      .filter((u) => u.action_id === r.id)
      .map((u) => ({
        at: u.at.toISOString(),
        by: u.by_label,
        statusFrom: u.status_from,
        statusTo: u.status_to,
        note: u.note,
        evidence: u.evidence,
      })),
  }))
}

export type ConclusionView = {
  id: string
  meetingId: string
  meetingTitle: string
  topicId: string | null
  topicTitle: string | null
  text: string
  type: string
  createdAt: string
}

export async function conclusions(
  db: Db,
  actor: Actor,
  filter: { meetingId?: string; topicId?: string },
  lang: Language,
): Promise<ConclusionView[]> {
  assertReader(actor)
  let q = db
    .selectFrom('conclusion as c')
    .innerJoin('meeting as m', 'm.id', 'c.meeting_id')
    .leftJoin('topic as t', 't.id', 'c.topic_id')
    .select([
      'c.id',
      'c.meeting_id',
      'm.titles as meeting_titles',
      'c.topic_id',
      't.titles as topic_titles',
      'c.texts',
      'c.type',
      'c.created_at',
    ])
  if (filter.meetingId) q = q.where('c.meeting_id', '=', filter.meetingId)
  if (filter.topicId) q = q.where('c.topic_id', '=', filter.topicId)
  const rows = await q.orderBy('c.created_at').execute()
  return rows.map((r) => ({
    id: r.id,
    meetingId: r.meeting_id,
    meetingTitle: pick(r.meeting_titles as Localized, lang),
    topicId: r.topic_id,
    topicTitle: r.topic_titles ? pick(r.topic_titles as Localized, lang) : null,
    text: pick(r.texts as Localized, lang),
    type: r.type,
    createdAt: r.created_at.toISOString(),
  }))
}

export type BodySummary = { body: string; open: number; overdue: number; done: number; dropped: number }

/**
 * The addressees with their actions counted. A body of the structure is one line under the code it has
 * today, whatever codes its actions were given (a body renamed keeps its history on one line).
 */
export async function bodies(
  db: Db,
  actor: Actor,
  filter: { sector?: string | undefined } = {},
): Promise<BodySummary[]> {
  assertReader(actor)
  const sectorId = await sectorFilter(db, filter.sector)
  const now = today()
  const { rows } = await sql<BodySummary>`
    WITH a AS (
      SELECT coalesce(
          (SELECT n.code FROM org_body_name n WHERE n.body_id = f.owner_body_id AND n.valid_from <= ${now}::date
            ORDER BY n.valid_from DESC LIMIT 1),
          f.owner_body) AS body,
        f.status, f.due_date
      FROM follow_up_action f
      WHERE ${sectorId === undefined ? sql`true` : sectorId === null ? sql`f.sector_id IS NULL` : sql`f.sector_id = ${sectorId}`}
    )
    SELECT body,
      count(*) FILTER (WHERE status IN ('open','in_progress'))::int AS open,
      count(*) FILTER (WHERE status IN ('open','in_progress') AND due_date < ${now}::date)::int AS overdue,
      count(*) FILTER (WHERE status = 'done')::int AS done,
      count(*) FILTER (WHERE status = 'dropped')::int AS dropped
    FROM a GROUP BY body ORDER BY body`.execute(db)
  return rows.map((r) => ({
    ...r,
    open: Number(r.open),
    overdue: Number(r.overdue),
    done: Number(r.done),
    dropped: Number(r.dropped),
  }))
}

/**
 * A body's leads: those named under this code and, for a body of the structure, under any other code that
 * names it (its old or later name). Each comes with the code it was named under.
 */
export async function bodyLeads(db: Db, actor: Actor, body: string) {
  assertReader(actor)
  const bodyId = await bodyNamed(db, body)
  return db
    .selectFrom('body_lead')
    .innerJoin('app_user', 'app_user.id', 'body_lead.user_id')
    .select(['app_user.id', 'app_user.name', 'app_user.email', 'body_lead.body as key'])
    .where((eb) =>
      bodyId ? eb.or([eb('body_lead.body', '=', body), namesOnly(bodyId)]) : eb('body_lead.body', '=', body),
    )
    .orderBy('app_user.name')
    .orderBy('body_lead.body')
    .execute()
}

/** Names or removes a lead; a secretariat limited to a Sector does so for its Sector's bodies and the Union's. */
export async function setBodyLead(db: Db, actor: Actor, body: string, email: string, lead: boolean) {
  assertStaffWrite(actor)
  await inTransaction(db, async (trx) => {
    const bodyId = await bodyNamed(trx, body)
    if (bodyId) {
      const b = await trx
        .selectFrom('org_body')
        .select('sector_id')
        .where('id', '=', bodyId)
        .executeTakeFirstOrThrow()
      if (b.sector_id !== null) assertInScope(actor, b.sector_id)
    }
    const user = await trx
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', email.trim().toLowerCase())
      .executeTakeFirst()
    if (!user) throw new AppError('VALIDATION_FAILED', {}, { email: ['user_unknown'] })
    if (lead)
      await trx
        .insertInto('body_lead')
        .values({ body, user_id: user.id })
        .onConflict((oc) => oc.doNothing())
        .execute()
    else await trx.deleteFrom('body_lead').where('body', '=', body).where('user_id', '=', user.id).execute()
    await recordAudit(trx, actor, {
      action: lead ? 'create' : 'delete',
      entityType: 'body_lead',
      entityId: `${body}/${user.id}`,
    })
  })
}

/**
 * Reminds each responsible person once, when their open action falls due within ACTION_REMINDER_DAYS or
 * is found overdue. Claimed with SKIP LOCKED so several instances never both send.
 */
export async function sendActionReminders(db: Db, publicUrl: string, now = new Date()): Promise<number> {
  return inTransaction(db, async (trx) => {
    const horizon = new Date(now.getTime() + ACTION_REMINDER_DAYS * 86400_000).toISOString().slice(0, 10)
    const { rows } = await sql<{
      id: string
      what: Localized
      due_date: string
      owner_body: string
      email: string
      name: string
      preferred_language: string | null
    }>`
      SELECT a.id, a.what, a.due_date::text AS due_date, a.owner_body, u.email, u.name, u.preferred_language
      FROM follow_up_action a JOIN app_user u ON u.id = a.responsible_user_id AND u.status = 'active'
      WHERE a.status IN ('open','in_progress') AND a.reminded_at IS NULL AND a.due_date <= ${horizon}::date
      ORDER BY a.id LIMIT 500
      FOR UPDATE OF a SKIP LOCKED`.execute(trx)
    for (const r of rows) {
      const lang = (r.preferred_language as Language | null) ?? 'en'
      const t = translator(lang)
      const what = pick(r.what, lang)
      await enqueueEmail(trx, {
        to: r.email,
        subject: t('mail.action_reminder.subject', { what }),
        text: t('mail.action_reminder.body', {
          name: r.name,
          what,
          body: r.owner_body,
          due: r.due_date,
          link: `${publicUrl}/actions/${r.id}`,
        }),
      })
      await trx.updateTable('follow_up_action').set({ reminded_at: now }).where('id', '=', r.id).execute()
    }
    return rows.length
  })
}

/**
 * What the conclusion and action forms offer: the topics (agenda topics first), the active accounts, the
 * Sectors and the bodies of the structure that exist today (an action's addressee, by code).
 */
export async function followUpChoices(
  db: Db,
  meetingId: string,
  lang: Language,
  { search, limit }: { search?: string | undefined; limit: number },
) {
  const like = search?.trim() ? likePattern(search.trim()) : null
  // The meeting's agenda topics first, then the most recent: two short statements, instead of asking of
  // every open topic whether it is on this agenda. One past the limit says there are more.
  const open = db
    .selectFrom('topic')
    .select(['topic.id', 'topic.titles'])
    .where('topic.merged_into', 'is', null)
    .where('topic.state', '<>', 'closed')
    .$if(like !== null, (q) => q.where(localizedText('topic.titles'), 'ilike', like))
    .orderBy('topic.created_at', 'desc')
    .orderBy('topic.id')
    .limit(limit + 1)
  const [onAgenda, recent, users, sectors, bodies] = await Promise.all([
    open
      .where('topic.id', 'in', (eb) =>
        eb
          .selectFrom('agenda_item')
          .innerJoin('agenda', 'agenda.id', 'agenda_item.agenda_id')
          .select('agenda_item.topic_id')
          .where('agenda.meeting_id', '=', meetingId)
          .where('agenda_item.topic_id', 'is not', null),
      )
      .execute(),
    open.execute(),
    db
      .selectFrom('app_user')
      .select(['id', 'name'])
      .where('status', '=', 'active')
      .orderBy('name')
      .limit(2000)
      .execute(),
    listSectors(db, lang),
    listBodies(db, { at: today() }, lang),
  ])
  const first = new Set(onAgenda.map((t) => t.id))
  const topics = [...onAgenda, ...recent.filter((t) => !first.has(t.id))]
  return {
    more: topics.length > limit,
    topics: topics
      .slice(0, limit)
      .map((t) => ({ id: t.id, title: pick(t.titles as Localized, lang), first: first.has(t.id) }))
      .sort((a, b) => Number(b.first) - Number(a.first) || a.title.localeCompare(b.title, lang)),
    users,
    sectors,
    bodies,
  }
}

/** What the action form needs on its own page: its conclusion and meeting, and the form's choices. */
export async function actionFormChoices(
  db: Db,
  actor: Actor,
  conclusionId: string,
  lang: Language,
): Promise<{
  conclusion: ConclusionView & { meetingSectorId: string | null }
  users: { id: string; name: string }[]
  sectors: Sector[]
  bodies: Body[]
}> {
  if (!isStaff(actor)) deny(actor)
  const row = await db
    .selectFrom('conclusion')
    .innerJoin('meeting', 'meeting.id', 'conclusion.meeting_id')
    .select(['conclusion.meeting_id', 'meeting.sector_id'])
    .where('conclusion.id', '=', conclusionId)
    .executeTakeFirst()
  if (!row) throw new AppError('CONCLUSION_NOT_FOUND')
  const [list, users, sectors, bodies] = await Promise.all([
    conclusions(db, actor, { meetingId: row.meeting_id }, lang),
    db
      .selectFrom('app_user')
      .select(['id', 'name'])
      .where('status', '=', 'active')
      .orderBy('name')
      .limit(2000)
      .execute(),
    listSectors(db, lang),
    listBodies(db, { at: today() }, lang),
  ])
  const conclusion = list.find((c) => c.id === conclusionId)
  if (!conclusion) throw new AppError('CONCLUSION_NOT_FOUND')
  return { conclusion: { ...conclusion, meetingSectorId: row.sector_id }, users, sectors, bodies }
}
