import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { likePattern, localizedText } from '../../db/search.ts'
import { inTransaction } from '../../db/transaction.ts'
import { AppError } from '../../http/errors.ts'
import { type Language, type Localized, pick } from '../../i18n/i18n.ts'
import { recordAudit } from '../audit/audit.service.ts'
import {
  type Actor,
  actorLabel,
  actorUserId,
  assertAdmin,
  assertSignedIn,
  canWrite,
  deny,
  focalPointCountries,
  isStaff,
  isUser,
  representedOrganizationIds,
} from '../auth/auth.policy.ts'
import { assertInScope, assertRecordInScope, resolveSector, sectorFilter } from '../structure/scope.ts'
import { canMove, type TransitionRules } from './lifecycle.ts'
import {
  type Priority,
  type PriorityInput,
  TOPIC_STATES,
  type Topic,
  type TopicEvent,
  type TopicInput,
  type TopicQuery,
  type TopicState,
  type TopicUpdate,
  type TransitionInput,
} from './topics.schema.ts'

// ---------------------------------------------------------------- access

/** Topics are the membership's shared registry: every signed-in member reads it. */
function assertReader(actor: Actor): void {
  if (!isUser(actor) && actor.kind !== 'system') deny(actor)
}

function assertStaffWrite(actor: Actor): void {
  if (!(isStaff(actor) && canWrite(actor))) deny(actor)
}

/** The organizations an actor may support or propose for: those they represent, and their country's government. */
async function speakableOrganizations(db: Db, actor: Actor): Promise<Set<string>> {
  const ids = new Set(representedOrganizationIds(actor))
  const countries = focalPointCountries(actor)
  if (countries.length) {
    const rows = await db
      .selectFrom('organization')
      .select('id')
      .where('category', '=', 'member_state')
      .where('country_code', 'in', countries)
      .where('archived_at', 'is', null)
      .execute()
    for (const r of rows) ids.add(r.id)
  }
  return ids
}

/** The organizations an actor speaks for, named, for the propose and support forms. */
export async function speakableOrganizationChoices(db: Db, actor: Actor) {
  const ids = await speakableOrganizations(db, actor)
  if (!ids.size) return []
  return db
    .selectFrom('organization')
    .select(['id', 'name', 'country_code'])
    .where('id', 'in', [...ids])
    .orderBy('name')
    .execute()
}

// ---------------------------------------------------------------- lifecycle

export async function transitionRules(db: Db): Promise<TransitionRules> {
  const rows = await db.selectFrom('topic_transition_rule').selectAll().execute()
  const rules: TransitionRules = new Map(TOPIC_STATES.map((s) => [s, []]))
  for (const r of rows) rules.get(r.from_state as TopicState)?.push(r.to_state as TopicState)
  for (const [k, v] of rules)
    rules.set(
      k,
      TOPIC_STATES.filter((s) => v.includes(s)),
    )
  return rules
}

export async function readTransitionRules(db: Db, actor: Actor): Promise<TransitionRules> {
  assertReader(actor)
  return transitionRules(db)
}

/** Admins change which moves the lifecycle allows; the change is audited like any other. */
export async function setTransitionRules(
  db: Db,
  actor: Actor,
  rules: { from: TopicState; to: TopicState }[],
): Promise<TransitionRules> {
  assertAdmin(actor, true)
  // No move at all would freeze every topic where it is: refused.
  if (!rules.length) throw new AppError('VALIDATION_FAILED', {}, { rules: ['rules_required'] })
  await inTransaction(db, async (trx) => {
    const before = await trx.selectFrom('topic_transition_rule').selectAll().execute()
    await trx.deleteFrom('topic_transition_rule').execute()
    const unique = [...new Map(rules.map((r) => [`${r.from}>${r.to}`, r])).values()]
    if (unique.length)
      await trx
        .insertInto('topic_transition_rule')
        .values(unique.map((r) => ({ from_state: r.from, to_state: r.to })))
        .execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'topic_lifecycle',
      entityId: 'rules',
      before,
      after: unique,
    })
  })
  return transitionRules(db)
}

// ---------------------------------------------------------------- reading

/** A topic with who proposed it and its number of supports. */
function topicQuery(db: Db) {
  return db
    .selectFrom('topic')
    .leftJoin('organization', 'organization.id', 'topic.proposed_by_organization_id')
    .leftJoin('country', 'country.code', 'topic.proposed_by_country_code')
    .leftJoin('sector', 'sector.id', 'topic.sector_id')
    .selectAll('topic')
    .select([
      'sector.code as sector_code',
      'organization.name as organization_name',
      'country.names as country_names',
      (eb) =>
        eb
          .selectFrom('topic_support')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('topic_support.topic_id', '=', 'topic.id')
          .as('supports'),
    ])
}
type TopicRow = NonNullable<Awaited<ReturnType<ReturnType<typeof topicQuery>['executeTakeFirst']>>>

function proposedBy(r: TopicRow, lang: Language): Topic['proposedBy'] {
  if (!r.proposed_by_organization_id && !r.proposed_by_country_code) return null
  return {
    organizationId: r.proposed_by_organization_id,
    countryCode: r.proposed_by_country_code,
    name:
      r.organization_name ??
      (r.country_names ? pick(r.country_names as Localized, lang) : (r.proposed_by_country_code ?? '')),
  }
}

export async function getTopic(db: Db, actor: Actor, id: string, lang: Language): Promise<Topic> {
  assertReader(actor)
  const row = await topicQuery(db).where('topic.id', '=', id).executeTakeFirst()
  if (!row) throw new AppError('TOPIC_NOT_FOUND')
  const [priorities, mine, rules] = await Promise.all([
    db
      .selectFrom('topic_priority')
      .innerJoin('strategic_priority', 'strategic_priority.id', 'topic_priority.priority_id')
      .select(['strategic_priority.id', 'strategic_priority.titles', 'strategic_priority.weight'])
      .where('topic_priority.topic_id', '=', id)
      .execute(),
    speakableOrganizations(db, actor),
    transitionRules(db),
  ])
  const supportedByYou = mine.size
    ? (
        await db
          .selectFrom('topic_support')
          .select('organization_id')
          .where('topic_id', '=', id)
          .where('organization_id', 'in', [...mine])
          .execute()
      ).map((r) => r.organization_id)
    : []
  const titles = row.titles as Localized
  const descriptions = row.descriptions as Localized
  return {
    id: row.id,
    title: pick(titles, lang),
    titles: titles as Record<string, string>,
    description: pick(descriptions, lang),
    descriptions: descriptions as Record<string, string>,
    keywords: row.keywords,
    studyGroups: row.study_groups,
    source: row.source as Topic['source'],
    state: row.state as TopicState,
    proposedBy: proposedBy(row, lang),
    sector: row.sector_code,
    consultationId: row.consultation_id,
    mergedInto: row.merged_into,
    splitFrom: row.split_from,
    priorities: priorities.map((p) => ({
      id: p.id,
      title: pick(p.titles as Localized, lang),
      weight: Number(p.weight),
    })),
    supports: Number(row.supports ?? 0),
    supportedByYou,
    allowedTransitions: row.merged_into ? [] : (rules.get(row.state as TopicState) ?? []),
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

export type TopicSummary = {
  id: string
  title: string
  state: TopicState
  source: Topic['source']
  studyGroups: string[]
  supports: number
  proposedBy: string | null
  /** The Sector's code; null: Union-wide. */
  sector: string | null
  mergedInto: string | null
  updatedAt: string
}

export async function listTopics(
  db: Db,
  actor: Actor,
  q: TopicQuery,
  lang: Language,
): Promise<{ items: TopicSummary[]; total: number; byState: Record<TopicState, number> }> {
  assertReader(actor)
  const sectorId = await sectorFilter(db, q.sector)
  let query = db.selectFrom('topic')
  if (sectorId !== undefined)
    query =
      sectorId === null
        ? query.where('topic.sector_id', 'is', null)
        : query.where('topic.sector_id', '=', sectorId)
  if (!q.includeMerged) query = query.where('topic.merged_into', 'is', null)
  if (q.source) query = query.where('topic.source', '=', q.source)
  if (q.groupId) {
    const groupId = q.groupId
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('agenda_item')
          .innerJoin('agenda', 'agenda.id', 'agenda_item.agenda_id')
          .innerJoin('meeting', 'meeting.id', 'agenda.meeting_id')
          .select('agenda_item.id')
          .whereRef('agenda_item.topic_id', '=', 'topic.id')
          .where('agenda.status', '=', 'published')
          .where('meeting.group_id', '=', groupId),
      ),
    )
  }
  if (q.year)
    query = query
      .where('topic.created_at', '>=', new Date(Date.UTC(q.year, 0, 1)))
      .where('topic.created_at', '<', new Date(Date.UTC(q.year + 1, 0, 1)))
  if (q.studyGroup) query = query.where(sql<boolean>`${q.studyGroup} = ANY(topic.study_groups)`)
  if (q.priorityId) {
    const priorityId = q.priorityId
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('topic_priority')
          .select('topic_priority.topic_id')
          .whereRef('topic_priority.topic_id', '=', 'topic.id')
          .where('topic_priority.priority_id', '=', priorityId),
      ),
    )
  }
  if (q.q) {
    const like = likePattern(q.q)
    query = query.where((eb) =>
      eb.or([
        eb(localizedText('topic.titles'), 'ilike', like),
        eb(localizedText('topic.descriptions'), 'ilike', like),
        eb(sql`array_to_string(topic.keywords, ' ')`, 'ilike', like),
      ]),
    )
  }
  // The funnel counts every state under the other filters; the state filter then narrows the list.
  const counts = await query
    .select(['topic.state', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('topic.state')
    .execute()
  const byState = Object.fromEntries(TOPIC_STATES.map((s) => [s, 0])) as Record<TopicState, number>
  for (const c of counts) byState[c.state as TopicState] = Number(c.n)
  if (q.state) query = query.where('topic.state', '=', q.state)
  const total = q.state ? byState[q.state] : Object.values(byState).reduce((a, b) => a + b, 0)
  const supports = sql<number>`(SELECT count(*) FROM topic_support s WHERE s.topic_id = topic.id)::int`
  let rows = query
    .leftJoin('organization', 'organization.id', 'topic.proposed_by_organization_id')
    .leftJoin('country', 'country.code', 'topic.proposed_by_country_code')
    .leftJoin('sector', 'sector.id', 'topic.sector_id')
    .select([
      'topic.id',
      'sector.code as sector_code',
      'topic.titles',
      'topic.state',
      'topic.source',
      'topic.study_groups',
      'topic.merged_into',
      'topic.updated_at',
      'organization.name as organization_name',
      'country.names as country_names',
      'topic.proposed_by_country_code',
      supports.as('supports'),
    ])
  if (q.sort === 'title')
    rows = rows.orderBy(sql`coalesce(nullif(topic.titles->>${lang}, ''), topic.titles->>'en')`, q.dir)
  else if (q.sort === 'supports') rows = rows.orderBy(supports, q.dir)
  else if (q.sort === 'state')
    rows = rows.orderBy(
      sql`array_position(${sql.raw(`ARRAY[${TOPIC_STATES.map((s) => `'${s}'`).join(',')}]`)}::text[], topic.state)`,
      q.dir,
    )
  else rows = rows.orderBy('topic.updated_at', q.dir)
  const items = await rows
    .orderBy('topic.id')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute()
  return {
    total,
    byState,
    items: items.map((r) => ({
      id: r.id,
      title: pick(r.titles as Localized, lang),
      state: r.state as TopicState,
      source: r.source as Topic['source'],
      studyGroups: r.study_groups,
      supports: Number(r.supports),
      proposedBy:
        r.organization_name ??
        (r.country_names ? pick(r.country_names as Localized, lang) : r.proposed_by_country_code),
      sector: r.sector_code,
      mergedInto: r.merged_into,
      updatedAt: r.updated_at.toISOString(),
    })),
  }
}

/** The topic's story, oldest first: creation, edits, transitions, merges, splits, supports. */
export async function topicTimeline(db: Db, actor: Actor, id: string, lang: Language): Promise<TopicEvent[]> {
  assertReader(actor)
  const rows = await db
    .selectFrom('topic_event as e')
    .leftJoin('meeting as m', 'm.id', 'e.meeting_id')
    .leftJoin('topic as r', 'r.id', 'e.related_topic_id')
    .leftJoin('organization as o', 'o.id', 'e.organization_id')
    .select([
      'e.kind',
      'e.at',
      'e.by_label',
      'e.from_state',
      'e.to_state',
      'e.reason',
      'e.meeting_id',
      'm.titles as meeting_titles',
      'e.evidence_url',
      'e.related_topic_id',
      'r.titles as related_titles',
      'o.name as organization_name',
    ])
    .where('e.topic_id', '=', id)
    .orderBy('e.id')
    .execute()
  return rows.map((r) => ({
    kind: r.kind,
    at: r.at.toISOString(),
    by: r.by_label,
    fromState: r.from_state,
    toState: r.to_state,
    reason: r.reason,
    meetingId: r.meeting_id,
    meetingTitle: r.meeting_titles ? pick(r.meeting_titles as Localized, lang) : null,
    evidenceUrl: r.evidence_url,
    relatedTopicId: r.related_topic_id,
    relatedTopicTitle: r.related_titles ? pick(r.related_titles as Localized, lang) : null,
    organizationName: r.organization_name,
  }))
}

// ---------------------------------------------------------------- writing

type EventInput = {
  topicId: string
  kind: string
  fromState?: string | null
  toState?: string | null
  reason?: string | null
  meetingId?: string | null
  evidenceUrl?: string | null
  relatedTopicId?: string | null
  organizationId?: string | null
}

async function event(trx: Db, actor: Actor, e: EventInput, at = new Date()): Promise<void> {
  await trx
    .insertInto('topic_event')
    .values({
      topic_id: e.topicId,
      kind: e.kind,
      from_state: e.fromState ?? null,
      to_state: e.toState ?? null,
      reason: e.reason ?? null,
      meeting_id: e.meetingId ?? null,
      evidence_url: e.evidenceUrl ?? null,
      related_topic_id: e.relatedTopicId ?? null,
      organization_id: e.organizationId ?? null,
      at,
      by_user: actorUserId(actor),
      by_label: isUser(actor) ? actor.name : actorLabel(actor),
    })
    .execute()
}

async function assertPriorities(trx: Db, ids: string[]): Promise<void> {
  if (!ids.length) return
  const found = await trx.selectFrom('strategic_priority').select('id').where('id', 'in', ids).execute()
  if (found.length !== new Set(ids).size)
    throw new AppError('VALIDATION_FAILED', {}, { priorityIds: ['priority_unknown'] })
}

async function setPriorities(trx: Db, topicId: string, ids: string[]): Promise<void> {
  await trx.deleteFrom('topic_priority').where('topic_id', '=', topicId).execute()
  const unique = [...new Set(ids)]
  if (unique.length)
    await trx
      .insertInto('topic_priority')
      .values(unique.map((priority_id) => ({ topic_id: topicId, priority_id })))
      .execute()
}

/**
 * Proposes a topic. The secretariat records any source; a member proposes for an organization it speaks
 * for (its own, or its country's government), and the topic starts as "proposed". The topic belongs to the
 * Sector given (or is Union-wide), else to the default one; a secretariat limited to a Sector proposes in
 * its own only.
 */
export async function createTopic(db: Db, actor: Actor, input: TopicInput, lang: Language): Promise<Topic> {
  assertSignedIn(actor)
  if (!canWrite(actor)) deny(actor)
  const staff = isStaff(actor)
  let source = input.source
  let organizationId = input.proposedByOrganizationId
  if (!staff) {
    source = 'member_proposal'
    const mine = await speakableOrganizations(db, actor)
    if (!organizationId && mine.size === 1) organizationId = [...mine][0]!
    if (!organizationId || !mine.has(organizationId))
      throw new AppError('VALIDATION_FAILED', {}, { proposedByOrganizationId: ['organization_not_yours'] })
  }
  const id = await inTransaction(db, async (trx) => {
    const sectorId = await resolveSector(trx, actor, input.sector)
    await assertPriorities(trx, input.priorityIds)
    if (
      organizationId &&
      !(await trx.selectFrom('organization').select('id').where('id', '=', organizationId).executeTakeFirst())
    )
      throw new AppError('VALIDATION_FAILED', {}, { proposedByOrganizationId: ['organization_unknown'] })
    const row = await trx
      .insertInto('topic')
      .values({
        titles: JSON.stringify(input.titles),
        descriptions: JSON.stringify(input.descriptions),
        keywords: input.keywords,
        study_groups: input.studyGroups,
        source,
        proposed_by_organization_id: organizationId,
        sector_id: sectorId,
        created_by: actor.userId,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await setPriorities(trx, row.id, input.priorityIds)
    await event(trx, actor, { topicId: row.id, kind: 'created', toState: 'proposed', organizationId })
    await recordAudit(trx, actor, { action: 'create', entityType: 'topic', entityId: row.id, after: row })
    return row.id
  })
  return getTopic(db, actor, id, lang)
}

async function lockTopic(trx: Db, id: string, version?: number) {
  const row = await trx.selectFrom('topic').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
  if (!row) throw new AppError('TOPIC_NOT_FOUND')
  if (version !== undefined && row.version !== version)
    throw new AppError('TOPIC_CONFLICT', { version: row.version })
  return row
}

/**
 * The secretariat edits any topic (of its Sector, when its role is limited to one); a proposer edits its
 * own while it is only proposed. Without a Sector in the input, the topic keeps its own.
 */
export async function updateTopic(
  db: Db,
  actor: Actor,
  id: string,
  input: TopicUpdate,
  lang: Language,
): Promise<Topic> {
  assertSignedIn(actor)
  if (!canWrite(actor)) deny(actor)
  const mine = isStaff(actor) ? new Set<string>() : await speakableOrganizations(db, actor)
  await inTransaction(db, async (trx) => {
    if (isStaff(actor)) await assertRecordInScope(trx, actor, 'topic', id)
    const before = await lockTopic(trx, id)
    const ownProposal =
      before.state === 'proposed' &&
      !!before.proposed_by_organization_id &&
      mine.has(before.proposed_by_organization_id)
    if (!isStaff(actor) && !ownProposal) deny(actor)
    if (before.version !== input.version) throw new AppError('TOPIC_CONFLICT', { version: before.version })
    const sectorId =
      input.sector === undefined ? before.sector_id : await resolveSector(trx, actor, input.sector)
    await assertPriorities(trx, input.priorityIds)
    const after = await trx
      .updateTable('topic')
      .set({
        sector_id: sectorId,
        titles: JSON.stringify(input.titles),
        descriptions: JSON.stringify(input.descriptions),
        keywords: input.keywords,
        study_groups: input.studyGroups,
        version: before.version + 1,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await setPriorities(trx, id, input.priorityIds)
    await event(trx, actor, { topicId: id, kind: 'edited' })
    await recordAudit(trx, actor, { action: 'update', entityType: 'topic', entityId: id, before, after })
  })
  return getTopic(db, actor, id, lang)
}

/** Moves a topic along its lifecycle, if the rules allow it; refused moves list the allowed ones. */
export async function transitionTopic(
  db: Db,
  actor: Actor,
  id: string,
  input: TransitionInput,
  lang: Language,
): Promise<Topic> {
  assertStaffWrite(actor)
  await inTransaction(db, async (trx) => {
    await assertRecordInScope(trx, actor, 'topic', id)
    const before = await lockTopic(trx, id, input.version)
    const rules = await transitionRules(trx)
    const allowed = before.merged_into ? [] : (rules.get(before.state as TopicState) ?? [])
    if (before.merged_into || !canMove(rules, before.state as TopicState, input.to))
      throw new AppError('TOPIC_TRANSITION_INVALID', { from: before.state, to: input.to, allowed })
    if (
      input.meetingId &&
      !(await trx.selectFrom('meeting').select('id').where('id', '=', input.meetingId).executeTakeFirst())
    )
      throw new AppError('VALIDATION_FAILED', {}, { meetingId: ['meeting_unknown'] })
    await trx
      .updateTable('topic')
      .set({ state: input.to, version: before.version + 1, updated_at: new Date() })
      .where('id', '=', id)
      .execute()
    await event(trx, actor, {
      topicId: id,
      kind: 'transition',
      fromState: before.state,
      toState: input.to,
      reason: input.reason,
      meetingId: input.meetingId,
      evidenceUrl: input.evidenceUrl,
    })
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'topic',
      entityId: id,
      summary: `${before.state} → ${input.to}`,
    })
  })
  return getTopic(db, actor, id, lang)
}

/**
 * Merges a duplicate into another topic: the duplicate is closed and points to the one kept, which gains
 * its supports and strategic links. Both histories say so.
 */
export async function mergeTopic(
  db: Db,
  actor: Actor,
  id: string,
  input: { intoId: string; reason: string },
  lang: Language,
): Promise<Topic> {
  assertStaffWrite(actor)
  if (id === input.intoId) throw new AppError('VALIDATION_FAILED', {}, { intoId: ['merge_into_itself'] })
  await inTransaction(db, async (trx) => {
    // Both change: the duplicate is closed, the one kept gains its supports and links.
    await assertRecordInScope(trx, actor, 'topic', id)
    await assertRecordInScope(trx, actor, 'topic', input.intoId)
    // Lock both in a fixed order, so two opposite merges cannot deadlock.
    const [a, b] = [id, input.intoId].sort()
    await lockTopic(trx, a!)
    await lockTopic(trx, b!)
    const source = await lockTopic(trx, id)
    const target = await lockTopic(trx, input.intoId)
    if (source.merged_into) throw new AppError('TOPIC_MERGED', { into: source.merged_into })
    if (target.merged_into) throw new AppError('VALIDATION_FAILED', {}, { intoId: ['topic_merged'] })
    await sql`
      INSERT INTO topic_support (topic_id, organization_id, user_id, created_at)
      SELECT ${target.id}, organization_id, user_id, created_at FROM topic_support WHERE topic_id = ${id}
      ON CONFLICT DO NOTHING`.execute(trx)
    await sql`
      INSERT INTO topic_priority (topic_id, priority_id)
      SELECT ${target.id}, priority_id FROM topic_priority WHERE topic_id = ${id}
      ON CONFLICT DO NOTHING`.execute(trx)
    await trx
      .updateTable('topic')
      .set({ merged_into: target.id, state: 'closed', version: source.version + 1, updated_at: new Date() })
      .where('id', '=', id)
      .execute()
    await trx
      .updateTable('topic')
      .set({ version: target.version + 1, updated_at: new Date() })
      .where('id', '=', target.id)
      .execute()
    await event(trx, actor, {
      topicId: id,
      kind: 'merged_into',
      fromState: source.state,
      toState: 'closed',
      reason: input.reason,
      relatedTopicId: target.id,
    })
    await event(trx, actor, {
      topicId: target.id,
      kind: 'merged_from',
      reason: input.reason,
      relatedTopicId: id,
    })
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'topic',
      entityId: id,
      summary: `merged into ${target.id}`,
    })
  })
  return getTopic(db, actor, input.intoId, lang)
}

/**
 * Splits a new topic off an existing one; it starts as proposed, in the same Sector and with the same
 * strategic links.
 */
export async function splitTopic(
  db: Db,
  actor: Actor,
  id: string,
  input: { titles: Localized; descriptions: Localized; reason: string },
  lang: Language,
): Promise<Topic> {
  assertStaffWrite(actor)
  const newId = await inTransaction(db, async (trx) => {
    await assertRecordInScope(trx, actor, 'topic', id)
    const source = await lockTopic(trx, id)
    if (source.merged_into) throw new AppError('TOPIC_MERGED', { into: source.merged_into })
    const row = await trx
      .insertInto('topic')
      .values({
        titles: JSON.stringify(input.titles),
        descriptions: JSON.stringify(input.descriptions),
        keywords: source.keywords,
        study_groups: source.study_groups,
        source: source.source,
        proposed_by_organization_id: source.proposed_by_organization_id,
        proposed_by_country_code: source.proposed_by_country_code,
        consultation_id: source.consultation_id,
        sector_id: source.sector_id,
        split_from: id,
        created_by: actorUserId(actor),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await sql`
      INSERT INTO topic_priority (topic_id, priority_id)
      SELECT ${row.id}, priority_id FROM topic_priority WHERE topic_id = ${id}`.execute(trx)
    await event(trx, actor, {
      topicId: row.id,
      kind: 'split_from',
      toState: 'proposed',
      reason: input.reason,
      relatedTopicId: id,
    })
    await event(trx, actor, { topicId: id, kind: 'split_into', reason: input.reason, relatedTopicId: row.id })
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'topic',
      entityId: row.id,
      summary: `split from ${id}`,
    })
    return row.id
  })
  return getTopic(db, actor, newId, lang)
}

/** One support per organization, given by someone who speaks for it. */
export async function supportTopic(
  db: Db,
  actor: Actor,
  id: string,
  organizationId: string,
  support: boolean,
  lang: Language,
): Promise<Topic> {
  assertSignedIn(actor)
  if (!canWrite(actor)) deny(actor)
  const mine = await speakableOrganizations(db, actor)
  if (!mine.has(organizationId)) deny(actor)
  await inTransaction(db, async (trx) => {
    const topic = await lockTopic(trx, id)
    if (topic.merged_into) throw new AppError('TOPIC_MERGED', { into: topic.merged_into })
    if (support) {
      const added = await trx
        .insertInto('topic_support')
        .values({ topic_id: id, organization_id: organizationId, user_id: actor.userId })
        .onConflict((oc) => oc.columns(['topic_id', 'organization_id']).doNothing())
        .returning('organization_id')
        .executeTakeFirst()
      if (!added) throw new AppError('SUPPORT_EXISTS')
    } else {
      const removed = await trx
        .deleteFrom('topic_support')
        .where('topic_id', '=', id)
        .where('organization_id', '=', organizationId)
        .returning('organization_id')
        .executeTakeFirst()
      if (!removed) throw new AppError('SUPPORT_NOT_FOUND')
    }
    await event(trx, actor, {
      topicId: id,
      kind: support ? 'supported' : 'support_withdrawn',
      organizationId,
    })
    await recordAudit(trx, actor, {
      action: support ? 'create' : 'delete',
      entityType: 'topic_support',
      entityId: `${id}/${organizationId}`,
    })
  })
  return getTopic(db, actor, id, lang)
}

/**
 * A closed consultation's "propose a topic" answers enter the registry as proposals linked to it, once
 * per response and position (re-running changes nothing), in the caller's transaction. They belong to
 * the consultation's Sector (or are Union-wide with it).
 */
export async function importConsultationTopics(
  trx: Db,
  actor: Actor,
  consultationId: string,
): Promise<number> {
  const { rows } = await sql<{
    response_id: string
    answers: Record<string, unknown>
    definition: { sections: { questions: { id: string; type: string }[] }[] }
    country_code: string | null
    organization_id: string | null
    sector_id: string | null
  }>`
    SELECT r.id AS response_id, r.answers, v.definition, t.country_code, t.organization_id, c.sector_id
    FROM consultation_response r
    JOIN consultation c ON c.id = r.consultation_id
    JOIN consultation_target t ON t.id = r.target_id
    JOIN questionnaire_version v ON v.consultation_id = r.consultation_id AND v.version = r.questionnaire_version
    WHERE r.consultation_id = ${consultationId} AND r.state = 'submitted'
    ORDER BY r.id`.execute(trx)
  let created = 0
  for (const r of rows) {
    const ids = r.definition.sections.flatMap((s) => s.questions).filter((q) => q.type === 'topic_proposal')
    const proposals = ids.flatMap((q) =>
      Array.isArray(r.answers[q.id]) ? (r.answers[q.id] as { title: string; description: string }[]) : [],
    )
    for (const [index, p] of proposals.entries()) {
      const row = await trx
        .insertInto('topic')
        .values({
          // A respondent writes in one language; it is kept as the topic's English text until translated.
          titles: JSON.stringify({ en: p.title }),
          descriptions: JSON.stringify(p.description ? { en: p.description } : {}),
          source: 'consultation',
          consultation_id: consultationId,
          consultation_response_id: r.response_id,
          consultation_proposal_index: index,
          proposed_by_country_code: r.country_code,
          proposed_by_organization_id: r.organization_id,
          sector_id: r.sector_id,
          created_by: actorUserId(actor),
        })
        .onConflict((oc) =>
          oc
            .columns(['consultation_response_id', 'consultation_proposal_index'])
            .where('consultation_response_id', 'is not', null)
            .doNothing(),
        )
        .returning('id')
        .executeTakeFirst()
      if (!row) continue
      created++
      await event(trx, actor, {
        topicId: row.id,
        kind: 'created',
        toState: 'proposed',
        reason: 'consultation',
        organizationId: r.organization_id,
      })
    }
  }
  if (created)
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'topic',
      entityId: consultationId,
      summary: `${created} topics proposed through the consultation`,
    })
  return created
}

// ---------------------------------------------------------------- strategic priorities

function toPriority(
  r: {
    id: string
    titles: unknown
    descriptions: unknown
    kind: string
    weight: number | string
    period_start: string
    period_end: string | null
    archived_at: Date | null
    version: number
    topics?: number | null
  },
  lang: Language,
): Priority {
  const today = new Date().toISOString().slice(0, 10)
  return {
    id: r.id,
    title: pick(r.titles as Localized, lang),
    titles: r.titles as Record<string, string>,
    description: pick(r.descriptions as Localized, lang),
    descriptions: r.descriptions as Record<string, string>,
    kind: r.kind as Priority['kind'],
    weight: Number(r.weight),
    periodStart: r.period_start,
    periodEnd: r.period_end,
    current: !r.archived_at && r.period_start <= today && (!r.period_end || r.period_end >= today),
    archived: !!r.archived_at,
    topics: Number(r.topics ?? 0),
    version: r.version,
  }
}

export async function listPriorities(db: Db, actor: Actor, lang: Language, includeArchived = false) {
  assertReader(actor)
  let q = db
    .selectFrom('strategic_priority')
    .selectAll()
    .select((eb) =>
      eb
        .selectFrom('topic_priority')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('topic_priority.priority_id', '=', 'strategic_priority.id')
        .as('topics'),
    )
  if (!includeArchived) q = q.where('archived_at', 'is', null)
  const rows = await q.orderBy('weight', 'desc').orderBy('period_start', 'desc').execute()
  return rows.map((r) => toPriority(r, lang))
}

export async function savePriority(
  db: Db,
  actor: Actor,
  id: string | null,
  input: PriorityInput & { version?: number },
  lang: Language,
): Promise<Priority> {
  assertStaffWrite(actor)
  // A Union-wide setting: not for a secretariat limited to a Sector.
  assertInScope(actor, null)
  const values = {
    titles: JSON.stringify(input.titles),
    descriptions: JSON.stringify(input.descriptions),
    kind: input.kind,
    weight: input.weight,
    period_start: input.periodStart,
    period_end: input.periodEnd,
  }
  const row = await inTransaction(db, async (trx) => {
    if (!id) {
      const created = await trx
        .insertInto('strategic_priority')
        .values(values)
        .returningAll()
        .executeTakeFirstOrThrow()
      await recordAudit(trx, actor, {
        action: 'create',
        entityType: 'strategic_priority',
        entityId: created.id,
        after: created,
      })
      return created
    }
    const before = await trx
      .selectFrom('strategic_priority')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst()
    if (!before) throw new AppError('PRIORITY_NOT_FOUND')
    if (input.version !== undefined && input.version !== before.version)
      throw new AppError('TOPIC_CONFLICT', { version: before.version })
    const after = await trx
      .updateTable('strategic_priority')
      .set({ ...values, version: before.version + 1, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'strategic_priority',
      entityId: id,
      before,
      after,
    })
    return after
  })
  return toPriority(row, lang)
}

export async function archivePriority(db: Db, actor: Actor, id: string, archived: boolean): Promise<void> {
  assertStaffWrite(actor)
  // A Union-wide setting: not for a secretariat limited to a Sector.
  assertInScope(actor, null)
  await inTransaction(db, async (trx) => {
    const row = await trx
      .updateTable('strategic_priority')
      .set({ archived_at: archived ? new Date() : null, updated_at: new Date() })
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst()
    if (!row) throw new AppError('PRIORITY_NOT_FOUND')
    await recordAudit(trx, actor, {
      action: archived ? 'archive' : 'restore',
      entityType: 'strategic_priority',
      entityId: id,
    })
  })
}

export { speakableOrganizations }
