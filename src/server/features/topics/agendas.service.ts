import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { inTransaction } from '../../db/transaction.ts'
import { AppError } from '../../http/errors.ts'
import { type Language, type Localized, pick } from '../../i18n/i18n.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { type Actor, actorLabel, actorUserId, canWrite, deny, isStaff, isUser } from '../auth/auth.policy.ts'
import { assertInScope, assertRecordInScope } from '../structure/scope.ts'
import { SCORE_COMPONENTS, type Score, type ScoreComponent, score, staleness, type Weights } from './score.ts'
import { transitionRules } from './topics.service.ts'

function assertStaffWrite(actor: Actor): void {
  if (!(isStaff(actor) && canWrite(actor))) deny(actor)
}

// ---------------------------------------------------------------- weights

export async function scoreWeights(db: Db): Promise<Weights> {
  const rows = await db.selectFrom('topic_score_weight').selectAll().execute()
  const w = Object.fromEntries(SCORE_COMPONENTS.map((c) => [c, 0])) as Weights
  for (const r of rows) w[r.component as ScoreComponent] = Number(r.weight)
  return w
}

export async function setScoreWeights(db: Db, actor: Actor, weights: Weights): Promise<Weights> {
  assertStaffWrite(actor)
  // A Union-wide setting: not for a secretariat limited to a Sector.
  assertInScope(actor, null)
  await inTransaction(db, async (trx) => {
    const before = await scoreWeights(trx)
    for (const c of SCORE_COMPONENTS) {
      await trx
        .updateTable('topic_score_weight')
        .set({ weight: weights[c], updated_at: new Date() })
        .where('component', '=', c)
        .execute()
    }
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'topic_score_weight',
      entityId: 'weights',
      before,
      after: weights,
    })
  })
  return scoreWeights(db)
}

// ---------------------------------------------------------------- candidates

export type Candidate = {
  topicId: string
  title: string
  state: string
  score: Score
  onDraft: boolean
}

/** States a topic can be put on an agenda from: everything still alive. */
const SCHEDULABLE = [
  'proposed',
  'shortlisted',
  'on_agenda',
  'discussed',
  'concluded',
  'referred',
  'work_item',
  'monitoring',
]

async function meetingOf(db: Db, meetingId: string) {
  const m = await db
    .selectFrom('meeting')
    .select(['id', 'status', 'starts_at', 'titles'])
    .where('id', '=', meetingId)
    .executeTakeFirst()
  if (!m) throw new AppError('MEETING_NOT_FOUND')
  return m
}

/**
 * Candidate topics for a meeting, ranked by score, with every component. Demand counts the consultation
 * proposals behind a topic: its own if it came from a consultation, and those merged into it; developing
 * demand counts the ones proposed by a developing country (or an organization based in one).
 */
export async function candidates(
  db: Db,
  actor: Actor,
  meetingId: string,
  lang: Language,
  /** Score only this topic (adding one item need not rank them all). */
  onlyTopicId?: string,
): Promise<Candidate[]> {
  if (!isStaff(actor)) deny(actor)
  const meeting = await meetingOf(db, meetingId)
  const at = meeting.starts_at
  const day = at.toISOString().slice(0, 10)
  const [weights, rows, draft] = await Promise.all([
    scoreWeights(db),
    sql<{
      id: string
      titles: Localized
      state: string
      created_at: Date
      strategic: number | string | null
      demand: number
      developing: number
      supports: number
      open_actions: number
      last_discussed: Date | null
    }>`
      WITH proposals AS (
        -- a consultation proposal stands behind the topic it became, or the topic it was merged into
        SELECT coalesce(p.merged_into, p.id) AS topic_id, coalesce(c1.development_status, c2.development_status) AS status
        FROM topic p
        LEFT JOIN country c1 ON c1.code = p.proposed_by_country_code
        LEFT JOIN organization o ON o.id = p.proposed_by_organization_id
        LEFT JOIN country c2 ON c2.code = o.country_code
        WHERE p.source = 'consultation'
      )
      SELECT t.id, t.titles, t.state, t.created_at,
        (SELECT sum(sp.weight) FROM topic_priority tp JOIN strategic_priority sp ON sp.id = tp.priority_id
          WHERE tp.topic_id = t.id AND sp.archived_at IS NULL AND sp.period_start <= ${day}::date
            AND (sp.period_end IS NULL OR sp.period_end >= ${day}::date)) AS strategic,
        (SELECT count(*) FROM proposals p WHERE p.topic_id = t.id)::int AS demand,
        (SELECT count(*) FROM proposals p WHERE p.topic_id = t.id AND p.status = 'developing')::int AS developing,
        (SELECT count(*) FROM topic_support s WHERE s.topic_id = t.id)::int AS supports,
        (SELECT count(*) FROM follow_up_action a WHERE a.topic_id = t.id AND a.status IN ('open','in_progress'))::int AS open_actions,
        (SELECT max(e.at) FROM topic_event e WHERE e.topic_id = t.id AND e.kind = 'transition' AND e.to_state = 'discussed') AS last_discussed
      FROM topic t
      WHERE t.merged_into IS NULL AND t.state IN (${sql.join(SCHEDULABLE)})
        ${onlyTopicId ? sql`AND t.id = ${onlyTopicId}` : sql``}`.execute(db),
    draftAgenda(db, meetingId),
  ])
  const onDraft = new Set(draft ? (await itemsOf(db, draft.id)).map((i) => i.topic_id) : [])
  return rows.rows
    .map((r) => ({
      topicId: r.id,
      title: pick(r.titles, lang),
      state: r.state,
      onDraft: onDraft.has(r.id),
      score: score(
        {
          strategic: Number(r.strategic ?? 0),
          consultation_demand: Number(r.demand),
          developing_demand: Number(r.developing),
          supports: Number(r.supports),
          open_actions: Number(r.open_actions),
          staleness: staleness(r.last_discussed ?? r.created_at, at),
        },
        weights,
      ),
    }))
    .sort((a, b) => b.score.total - a.score.total || a.title.localeCompare(b.title, lang))
}

// ---------------------------------------------------------------- agendas

function draftAgenda(db: Db, meetingId: string) {
  return db
    .selectFrom('agenda')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('status', '=', 'draft')
    .executeTakeFirst()
}

function itemsOf(db: Db, agendaId: string) {
  return db
    .selectFrom('agenda_item')
    .selectAll()
    .where('agenda_id', '=', agendaId)
    .orderBy('position')
    .execute()
}

export type AgendaItem = {
  id: string
  position: number
  sessionId: string | null
  sessionTitle: string | null
  topicId: string | null
  topicState: string | null
  title: string
  note: string
  reasons: Score | null
}

export type Agenda = {
  id: string
  meetingId: string
  version: number
  status: 'draft' | 'published'
  publishedAt: string | null
  lockVersion: number
  items: AgendaItem[]
}

async function toAgenda(db: Db, row: NonNullable<Awaited<ReturnType<typeof draftAgenda>>>, lang: Language) {
  const items = await db
    .selectFrom('agenda_item as i')
    .leftJoin('topic as t', 't.id', 'i.topic_id')
    .leftJoin('meeting_session as s', 's.id', 'i.session_id')
    .select([
      'i.id',
      'i.position',
      'i.session_id',
      's.titles as session_titles',
      'i.topic_id',
      't.state as topic_state',
      't.titles as topic_titles',
      'i.titles',
      'i.note',
      'i.reasons',
    ])
    .where('i.agenda_id', '=', row.id)
    .orderBy('i.position')
    .execute()
  const agenda: Agenda = {
    id: row.id,
    meetingId: row.meeting_id,
    version: row.version,
    status: row.status as Agenda['status'],
    publishedAt: row.published_at?.toISOString() ?? null,
    lockVersion: row.lock_version,
    items: items.map((i) => {
      const own = i.titles as Localized
      return {
        id: i.id,
        position: i.position,
        sessionId: i.session_id,
        sessionTitle: i.session_titles ? pick(i.session_titles as Localized, lang) : null,
        topicId: i.topic_id,
        topicState: i.topic_state,
        title: Object.keys(own).length ? pick(own, lang) : pick(i.topic_titles as Localized, lang),
        note: i.note,
        reasons: i.reasons && Object.keys(i.reasons as object).length ? (i.reasons as Score) : null,
      }
    }),
  }
  return agenda
}

/**
 * The agendas of a meeting the actor may see: published versions for everyone who sees the meeting, the
 * working draft for the secretariat.
 */
export async function meetingAgendas(
  db: Db,
  actor: Actor,
  meetingId: string,
  lang: Language,
): Promise<{ published: Agenda[]; draft: Agenda | null }> {
  const meeting = await meetingOf(db, meetingId)
  if (meeting.status === 'draft' && !isStaff(actor)) throw new AppError('MEETING_NOT_FOUND')
  const rows = await db
    .selectFrom('agenda')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .orderBy('version', 'desc')
    .execute()
  const published = await Promise.all(
    rows.filter((r) => r.status === 'published').map((r) => toAgenda(db, r, lang)),
  )
  const draftRow = rows.find((r) => r.status === 'draft')
  return { published, draft: draftRow && isStaff(actor) ? await toAgenda(db, draftRow, lang) : null }
}

const CLOSED_MEETINGS = ['concluded', 'cancelled']

/**
 * The working draft, created on first use from the latest published version (so a new version starts
 * from what was published). Edits check the draft's lock version: two people editing at once get a 409.
 */
async function lockDraft(trx: Db, meetingId: string, lockVersion: number | undefined) {
  const meeting = await trx
    .selectFrom('meeting')
    .select(['id', 'status'])
    .where('id', '=', meetingId)
    .forUpdate()
    .executeTakeFirst()
  if (!meeting) throw new AppError('MEETING_NOT_FOUND')
  if (CLOSED_MEETINGS.includes(meeting.status))
    throw new AppError('AGENDA_MEETING_CLOSED', { status: meeting.status })
  let draft = await trx
    .selectFrom('agenda')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where('status', '=', 'draft')
    .forUpdate()
    .executeTakeFirst()
  if (draft) {
    if (lockVersion !== undefined && draft.lock_version !== lockVersion)
      throw new AppError('AGENDA_CONFLICT', { lockVersion: draft.lock_version })
  } else {
    const latest = await trx
      .selectFrom('agenda')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst()
    draft = await trx
      .insertInto('agenda')
      .values({ meeting_id: meetingId, version: (latest?.version ?? 0) + 1, status: 'draft' })
      .returningAll()
      .executeTakeFirstOrThrow()
    if (latest) {
      await sql`
        INSERT INTO agenda_item (agenda_id, position, session_id, topic_id, titles, note, reasons)
        SELECT ${draft.id}, position, session_id, topic_id, titles, note, reasons FROM agenda_item
        WHERE agenda_id = ${latest.id}`.execute(trx)
    }
  }
  await trx
    .updateTable('agenda')
    .set({ lock_version: draft.lock_version + 1, updated_at: new Date() })
    .where('id', '=', draft.id)
    .execute()
  return draft
}

async function renumber(trx: Db, order: string[]): Promise<void> {
  for (const [i, id] of order.entries()) {
    await trx
      .updateTable('agenda_item')
      .set({ position: i + 1 })
      .where('id', '=', id)
      .execute()
  }
}

export type AgendaEdit =
  | { kind: 'add_topic'; topicId: string; sessionId?: string | null; note?: string }
  | { kind: 'add_free'; titles: Localized; sessionId?: string | null; note?: string }
  | { kind: 'remove'; itemId: string }
  | { kind: 'move'; itemId: string; direction: 'up' | 'down' }
  | { kind: 'update'; itemId: string; sessionId: string | null; note: string }

/** One change to the working draft. Adding a topic keeps its score as the reason it is there. */
export async function editAgenda(
  db: Db,
  actor: Actor,
  meetingId: string,
  edit: AgendaEdit,
  lockVersion: number | undefined,
  lang: Language,
): Promise<Agenda> {
  assertStaffWrite(actor)
  const reasons =
    edit.kind === 'add_topic'
      ? (await candidates(db, actor, meetingId, lang, edit.topicId))[0]?.score
      : undefined
  await inTransaction(db, async (trx) => {
    await assertRecordInScope(trx, actor, 'meeting', meetingId)
    const draft = await lockDraft(trx, meetingId, lockVersion)
    const items = await itemsOf(trx, draft.id)
    const sessionOk = async (sessionId: string | null | undefined) => {
      if (!sessionId) return null
      const s = await trx
        .selectFrom('meeting_session')
        .select('id')
        .where('id', '=', sessionId)
        .where('meeting_id', '=', meetingId)
        .executeTakeFirst()
      if (!s) throw new AppError('VALIDATION_FAILED', {}, { sessionId: ['session_unknown'] })
      return s.id
    }
    const item = 'itemId' in edit ? items.find((i) => i.id === edit.itemId) : undefined
    if ('itemId' in edit && !item) throw new AppError('AGENDA_ITEM_NOT_FOUND')
    switch (edit.kind) {
      case 'add_topic': {
        if (!reasons) throw new AppError('VALIDATION_FAILED', {}, { topicId: ['topic_not_schedulable'] })
        if (items.some((i) => i.topic_id === edit.topicId))
          throw new AppError('VALIDATION_FAILED', {}, { topicId: ['topic_already_on_agenda'] })
        await trx
          .insertInto('agenda_item')
          .values({
            agenda_id: draft.id,
            position: items.length + 1,
            session_id: await sessionOk(edit.sessionId),
            topic_id: edit.topicId,
            note: edit.note ?? '',
            reasons: JSON.stringify(reasons),
          })
          .execute()
        break
      }
      case 'add_free':
        await trx
          .insertInto('agenda_item')
          .values({
            agenda_id: draft.id,
            position: items.length + 1,
            session_id: await sessionOk(edit.sessionId),
            titles: JSON.stringify(edit.titles),
            note: edit.note ?? '',
          })
          .execute()
        break
      case 'remove':
        await trx.deleteFrom('agenda_item').where('id', '=', edit.itemId).execute()
        await renumber(
          trx,
          items.filter((i) => i.id !== edit.itemId).map((i) => i.id),
        )
        break
      case 'move': {
        const order = items.map((i) => i.id)
        const at = order.indexOf(edit.itemId)
        const to = edit.direction === 'up' ? at - 1 : at + 1
        if (to >= 0 && to < order.length) {
          order.splice(at, 1)
          order.splice(to, 0, edit.itemId)
          await renumber(trx, order)
        }
        break
      }
      case 'update':
        await trx
          .updateTable('agenda_item')
          .set({ session_id: await sessionOk(edit.sessionId), note: edit.note })
          .where('id', '=', edit.itemId)
          .execute()
        break
    }
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'agenda',
      entityId: draft.id,
      summary: edit.kind,
    })
  })
  return (await meetingAgendas(db, actor, meetingId, lang)).draft!
}

/**
 * Publishes the working draft as the next version. Published versions never change: the next edit starts
 * a new draft. Topics on the agenda move to "on an agenda" where the lifecycle allows it, with the meeting
 * named in their story — whatever their Sector: the move follows from the meeting's own agenda, which is
 * what the Sector scope checks.
 */
export async function publishAgenda(
  db: Db,
  actor: Actor,
  meetingId: string,
  lockVersion: number,
  lang: Language,
): Promise<Agenda> {
  assertStaffWrite(actor)
  await inTransaction(db, async (trx) => {
    await assertRecordInScope(trx, actor, 'meeting', meetingId)
    const draft = await lockDraft(trx, meetingId, lockVersion)
    const items = await itemsOf(trx, draft.id)
    if (!items.length) throw new AppError('VALIDATION_FAILED', {}, { items: ['agenda_empty'] })
    const now = new Date()
    await trx
      .updateTable('agenda')
      .set({ status: 'published', published_at: now, published_by: actorUserId(actor), updated_at: now })
      .where('id', '=', draft.id)
      .execute()
    const rules = await transitionRules(trx)
    const topicIds = items.map((i) => i.topic_id).filter((x): x is string => !!x)
    const topics = topicIds.length
      ? await trx
          .selectFrom('topic')
          .select(['id', 'state', 'version'])
          .where('id', 'in', topicIds)
          .forUpdate()
          .execute()
      : []
    for (const t of topics) {
      if (t.state === 'on_agenda' || !rules.get(t.state as never)?.includes('on_agenda')) continue
      await trx
        .updateTable('topic')
        .set({ state: 'on_agenda', version: t.version + 1, updated_at: now })
        .where('id', '=', t.id)
        .execute()
      await trx
        .insertInto('topic_event')
        .values({
          topic_id: t.id,
          kind: 'transition',
          from_state: t.state,
          to_state: 'on_agenda',
          reason: `@agenda_published:${draft.version}`,
          meeting_id: meetingId,
          at: now,
          by_user: actorUserId(actor),
          by_label: isUser(actor) ? actor.name : actorLabel(actor),
        })
        .execute()
    }
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'agenda',
      entityId: draft.id,
      summary: `published version ${draft.version}`,
    })
  })
  const { published } = await meetingAgendas(db, actor, meetingId, lang)
  return published[0]!
}

export type AgendaDiff = {
  added: string[]
  removed: string[]
  moved: { title: string; from: number; to: number }[]
}

/** What changed between two versions: items added, removed, and moved (by topic, or by a free item's title). */
export function diffAgendas(from: Agenda, to: Agenda): AgendaDiff {
  const key = (i: AgendaItem) => i.topicId ?? `free:${i.title}`
  const before = new Map(from.items.map((i) => [key(i), i]))
  const after = new Map(to.items.map((i) => [key(i), i]))
  return {
    added: to.items.filter((i) => !before.has(key(i))).map((i) => i.title),
    removed: from.items.filter((i) => !after.has(key(i))).map((i) => i.title),
    moved: to.items
      .filter((i) => before.has(key(i)) && before.get(key(i))!.position !== i.position)
      .map((i) => ({ title: i.title, from: before.get(key(i))!.position, to: i.position })),
  }
}
