import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { OPEN_ADVICE } from './panel.policy.ts'

/** All SQL of the Industry Advisory Panel. Rows only; the service maps them and holds the rules. */

/** The name a body of the structure had on a day (its first name before it began), like nameOn. */
function bodyNameOn(bodyId: unknown, day: unknown) {
  return sql<{ code: string; names: unknown } | null>`(
    SELECT json_build_object('code', n.code, 'names', n.names) FROM org_body_name n
    WHERE n.body_id = ${bodyId}
    ORDER BY (n.valid_from <= ${day}::date) DESC,
      CASE WHEN n.valid_from <= ${day}::date THEN n.valid_from END DESC,
      n.valid_from ASC
    LIMIT 1)`
}

function panels(db: Db, today: string) {
  return db
    .selectFrom('advisory_panel as p')
    .leftJoin('sector as s', 's.id', 'p.sector_id')
    .leftJoin('org_body as b', 'b.id', 'p.reports_to_body_id')
    .leftJoin('sector as bs', 'bs.id', 'b.sector_id')
    .select((eb) => [
      'p.id',
      'p.code',
      'p.names',
      'p.sector_id',
      's.code as sector_code',
      'p.reports_to_body_id',
      'bs.code as reports_to_sector_code',
      // An ended body under its last name, otherwise today's.
      bodyNameOn(
        sql.ref('p.reports_to_body_id'),
        sql`least(${today}::date, coalesce(b.ends_on, ${today}::date))`,
      ).as('reports_to_name'),
      'p.term_starts_on',
      'p.term_ends_on',
      'p.version',
      eb
        .selectFrom('advisory_panel_member as m')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('m.panel_id', '=', 'p.id')
        .where('m.starts_on', '<=', today)
        .where((w) => w.or([w('m.ends_on', 'is', null), w('m.ends_on', '>=', today)]))
        .as('current_members'),
      eb
        .selectFrom('advisory_panel_advice as a')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('a.panel_id', '=', 'p.id')
        .as('advice_given'),
      eb
        .selectFrom('advisory_panel_advice as a')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('a.panel_id', '=', 'p.id')
        .where('a.status', 'in', OPEN_ADVICE)
        .as('open_advice'),
    ])
}

export type PanelRow = NonNullable<Awaited<ReturnType<typeof findPanel>>>

export function findPanel(db: Db, id: string, today: string) {
  return panels(db, today).where('p.id', '=', id).executeTakeFirst()
}

/** Panels, newest term first; `sectorId` undefined: all, null: Union-wide only. */
export async function listPanels(
  db: Db,
  q: { sectorId: string | null | undefined; page: number; pageSize: number },
  today: string,
) {
  let list = panels(db, today)
  let count = db.selectFrom('advisory_panel as p').select((eb) => eb.fn.countAll<number>().as('n'))
  if (q.sectorId === null) {
    list = list.where('p.sector_id', 'is', null)
    count = count.where('p.sector_id', 'is', null)
  } else if (q.sectorId) {
    list = list.where('p.sector_id', '=', q.sectorId)
    count = count.where('p.sector_id', '=', q.sectorId)
  }
  const [rows, total] = await Promise.all([
    list
      .orderBy('p.term_starts_on', 'desc')
      .orderBy('p.created_at', 'desc')
      .orderBy('p.id')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    count.executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(total.n) }
}

export function lockPanel(trx: Db, id: string) {
  return trx.selectFrom('advisory_panel').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export function panelByCode(trx: Db, code: string) {
  return trx
    .selectFrom('advisory_panel')
    .select('id')
    .where(sql`lower(code)`, '=', code.toLowerCase())
    .executeTakeFirst()
}

/** The days the Panel's records need its term to cover: its members' and its advice's. */
export function recordSpan(trx: Db, panelId: string) {
  return sql<{
    first_member: string | null
    last_member: string | null
    first_advice: string | null
    last_advice: string | null
  }>`SELECT
      (SELECT min(starts_on)::text FROM advisory_panel_member WHERE panel_id = ${panelId}) AS first_member,
      (SELECT max(greatest(starts_on, coalesce(ends_on, starts_on)))::text FROM advisory_panel_member
        WHERE panel_id = ${panelId}) AS last_member,
      (SELECT min(given_on)::text FROM advisory_panel_advice WHERE panel_id = ${panelId}) AS first_advice,
      (SELECT max(given_on)::text FROM advisory_panel_advice WHERE panel_id = ${panelId}) AS last_advice`
    .execute(trx)
    .then((r) => r.rows[0]!)
}

// ---------------------------------------------------------------- members

export type MemberRow = Awaited<ReturnType<typeof membersOf>>[number]

export function membersOf(db: Db, panelId: string) {
  return db
    .selectFrom('advisory_panel_member as m')
    .innerJoin('person', 'person.id', 'm.person_id')
    .innerJoin('organization', 'organization.id', 'person.organization_id')
    .select([
      'm.id',
      'm.person_id',
      'm.role',
      'm.alternate_for',
      'm.starts_on',
      'm.ends_on',
      'm.version',
      'person.name as person_name',
      'person.title as person_title',
      'person.public_consent',
      'person.archived_at',
      'person.erased_at',
      'organization.id as organization_id',
      'organization.name as organization_name',
      'organization.country_code',
      'organization.category as organization_category',
    ])
    .where('m.panel_id', '=', panelId)
    .orderBy(sql`m.ends_on IS NULL`, 'desc')
    .orderBy('m.role', 'desc')
    .orderBy('organization.name')
    .orderBy('m.starts_on')
    .execute()
}

export function lockMember(trx: Db, id: string) {
  return trx
    .selectFrom('advisory_panel_member')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
}

export function findPersonForMembership(trx: Db, personId: string) {
  return trx
    .selectFrom('person')
    .select(['id', 'archived_at', 'erased_at'])
    .where('id', '=', personId)
    .executeTakeFirst()
}

/** A membership of the person in the Panel that has not ended by the day (so the two would overlap). */
export function membershipNotEndedBy(trx: Db, panelId: string, personId: string, day: string) {
  return trx
    .selectFrom('advisory_panel_member')
    .select('id')
    .where('panel_id', '=', panelId)
    .where('person_id', '=', personId)
    .where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>=', day)]))
    .executeTakeFirst()
}

/** The alternate standing in for a principal from the day on, if any. */
export function alternateOf(trx: Db, principalId: string, day: string) {
  return trx
    .selectFrom('advisory_panel_member')
    .select('id')
    .where('alternate_for', '=', principalId)
    .where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>=', day)]))
    .executeTakeFirst()
}

/** A principal's alternates whose membership has not ended by the day (they end with the principal). */
export function alternatesNotEndedBy(trx: Db, principalId: string, day: string) {
  return trx
    .selectFrom('advisory_panel_member')
    .selectAll()
    .where('alternate_for', '=', principalId)
    .where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>', day)]))
    .forUpdate()
    .execute()
}

// ---------------------------------------------------------------- meetings

/** The Panel's meetings (meeting.panel_id); drafts only for those who see drafts. */
export function meetingsOf(db: Db, panelId: string, withDrafts: boolean) {
  let q = db
    .selectFrom('meeting')
    .select(['id', 'titles', 'starts_at', 'status'])
    .where('panel_id', '=', panelId)
  if (!withDrafts) q = q.where('status', '<>', 'draft')
  return q.orderBy('starts_at', 'desc').limit(200).execute()
}

export function meetingOfPanel(trx: Db, meetingId: string) {
  return trx
    .selectFrom('meeting')
    .select(['id', 'panel_id', 'status'])
    .where('id', '=', meetingId)
    .executeTakeFirst()
}

// ---------------------------------------------------------------- advice

function advice(db: Db) {
  return db
    .selectFrom('advisory_panel_advice as a')
    .leftJoin('meeting as mt', 'mt.id', 'a.meeting_id')
    .select([
      'a.id',
      'a.panel_id',
      'a.number',
      'a.given_on',
      'a.advice',
      'a.addressed_to',
      'a.addressed_to_body_id',
      bodyNameOn(sql.ref('a.addressed_to_body_id'), sql.ref('a.given_on')).as('addressed_to_name'),
      'a.meeting_id',
      'mt.titles as meeting_titles',
      'mt.status as meeting_status',
      'a.due_date',
      'a.status',
      'a.response',
      'a.responded_on',
      'a.action_taken',
      'a.version',
    ])
}

export type AdviceRow = NonNullable<Awaited<ReturnType<typeof findAdvice>>>

export function findAdvice(db: Db, panelId: string, adviceId: string) {
  return advice(db).where('a.panel_id', '=', panelId).where('a.id', '=', adviceId).executeTakeFirst()
}

export async function listAdvice(
  db: Db,
  panelId: string,
  q: { status?: string | undefined; bodyId?: string | undefined; page: number; pageSize: number },
) {
  let list = advice(db).where('a.panel_id', '=', panelId)
  let count = db
    .selectFrom('advisory_panel_advice as a')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('a.panel_id', '=', panelId)
  if (q.status) {
    list = list.where('a.status', '=', q.status)
    count = count.where('a.status', '=', q.status)
  }
  if (q.bodyId) {
    list = list.where('a.addressed_to_body_id', '=', q.bodyId)
    count = count.where('a.addressed_to_body_id', '=', q.bodyId)
  }
  const [rows, total] = await Promise.all([
    list
      .orderBy('a.number', 'desc')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    count.executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(total.n) }
}

/** The bodies the Panel's advice went to, for the list's filter. */
export function addressees(db: Db, panelId: string) {
  return db
    .selectFrom('advisory_panel_advice as a')
    .select(['a.addressed_to_body_id as id', 'a.addressed_to as code'])
    .where('a.panel_id', '=', panelId)
    .where('a.addressed_to_body_id', 'is not', null)
    .groupBy(['a.addressed_to_body_id', 'a.addressed_to'])
    .orderBy('a.addressed_to')
    .execute()
}

export function lockAdvice(trx: Db, panelId: string, adviceId: string) {
  return trx
    .selectFrom('advisory_panel_advice')
    .selectAll()
    .where('panel_id', '=', panelId)
    .where('id', '=', adviceId)
    .forUpdate()
    .executeTakeFirst()
}

/** The next number of the Panel's advice; the caller holds the Panel's row lock, so two never share one. */
export async function nextAdviceNumber(trx: Db, panelId: string): Promise<number> {
  const row = await trx
    .selectFrom('advisory_panel_advice')
    .select((eb) => eb.fn.max('number').as('last'))
    .where('panel_id', '=', panelId)
    .executeTakeFirst()
  return Number(row?.last ?? 0) + 1
}

export function adviceUpdates(db: Db, adviceId: string) {
  return db
    .selectFrom('advisory_panel_advice_update')
    .select(['created_at', 'author_label', 'status', 'note'])
    .where('advice_id', '=', adviceId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
}
