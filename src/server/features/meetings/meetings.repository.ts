import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { MeetingQuery } from './meetings.schema.ts'

const meetingColumns = [
  'meeting.id',
  'meeting.kind',
  'meeting.titles',
  'meeting.group_id',
  'meeting.starts_at',
  'meeting.ends_at',
  'meeting.time_zone',
  'meeting.format',
  'meeting.city',
  'meeting.country_code',
  'meeting.host_organization_id',
  'meeting.capacity',
  'meeting.seniority_policy',
  'meeting.registration_deadline',
  'meeting.status',
  'meeting.version',
  'meeting.updated_at',
  'meeting.sector_id',
  'meeting.panel_id',
  'sector.code as sector_code',
  'advisory_panel.names as panel_names',
  'engagement_group.names as group_names',
  'country.names as country_names',
  'country.itu_region',
  'host.name as host_name',
] as const

function baseQuery(db: Db) {
  return db
    .selectFrom('meeting')
    .leftJoin('engagement_group', 'engagement_group.id', 'meeting.group_id')
    .leftJoin('country', 'country.code', 'meeting.country_code')
    .leftJoin('organization as host', 'host.id', 'meeting.host_organization_id')
    .leftJoin('sector', 'sector.id', 'meeting.sector_id')
    .leftJoin('advisory_panel', 'advisory_panel.id', 'meeting.panel_id')
    .select(meetingColumns)
    .select((eb) => [
      eb
        .selectFrom('meeting_registration')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('meeting_registration.meeting_id', '=', 'meeting.id')
        .where('meeting_registration.status', '=', 'registered')
        .as('registered'),
      eb
        .selectFrom('meeting_registration')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('meeting_registration.meeting_id', '=', 'meeting.id')
        .where('meeting_registration.status', '=', 'waitlisted')
        .as('waitlisted'),
    ])
}

export type MeetingRow = NonNullable<Awaited<ReturnType<typeof findMeetingById>>>

/** The meeting columns for calendar feeds; callers add their own conditions. */
export function feedQuery(db: Db) {
  return baseQuery(db)
}

export function findMeetingById(db: Db, id: string) {
  return baseQuery(db).where('meeting.id', '=', id).executeTakeFirst()
}

export function lockMeeting(db: Db, id: string) {
  return db.selectFrom('meeting').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

/**
 * A page of meetings. `sectorId`: undefined for every Sector, null for the Union-wide meetings only, or one
 * Sector's id (resolved from the query's code by the service).
 */
export async function searchMeetings(
  db: Db,
  q: MeetingQuery,
  includeDrafts: boolean,
  sectorId: string | null | undefined,
) {
  let query = baseQuery(db)
  if (!includeDrafts) query = query.where('meeting.status', '<>', 'draft')
  if (sectorId === null) query = query.where('meeting.sector_id', 'is', null)
  else if (sectorId !== undefined) query = query.where('meeting.sector_id', '=', sectorId)
  if (q.when === 'upcoming') query = query.where('meeting.ends_at', '>=', new Date())
  if (q.when === 'past') query = query.where('meeting.ends_at', '<', new Date())
  if (q.kind) query = query.where('meeting.kind', '=', q.kind)
  if (q.groupId) query = query.where('meeting.group_id', '=', q.groupId)
  if (q.status) query = query.where('meeting.status', '=', q.status)
  if (q.region) query = query.where('country.itu_region', '=', q.region)
  if (q.year) {
    query = query
      .where('meeting.starts_at', '>=', new Date(Date.UTC(q.year, 0, 1)))
      .where('meeting.starts_at', '<', new Date(Date.UTC(q.year + 1, 0, 1)))
  }
  const total = await db
    .selectFrom(query.as('m'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  // Upcoming meetings soonest first; past and mixed lists most recent first.
  const rows = await query
    .orderBy('meeting.starts_at', q.when === 'upcoming' ? 'asc' : 'desc')
    .orderBy('meeting.id')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute()
  return { rows, total: Number(total.n) }
}

/** The Industry Advisory Panels a meeting can be linked to, for the meeting form (a handful of rows). */
export function panelChoices(db: Db) {
  return db
    .selectFrom('advisory_panel')
    .select(['id', 'code', 'names', 'term_starts_on', 'term_ends_on'])
    .orderBy('term_starts_on', 'desc')
    .orderBy('code')
    .execute()
}

export function panelExists(db: Db, id: string) {
  return db.selectFrom('advisory_panel').select('id').where('id', '=', id).executeTakeFirst()
}

/** A page of a list: the rows carry the list's total (count(*) OVER ()), so one statement answers both. */
export type RowPage = { limit: number; offset: number }

export function findInvitations(db: Db, meetingId: string, organizationIds?: string[], page?: RowPage) {
  let q = db
    .selectFrom('meeting_invitation')
    .innerJoin('organization', 'organization.id', 'meeting_invitation.organization_id')
    .leftJoin('person', 'person.id', 'meeting_invitation.person_id')
    // The delegate is a colleague of the invited person (respondToInvitation checks it): named on the row,
    // whatever people list the page happens to load.
    .leftJoin('person as delegate', 'delegate.id', 'meeting_invitation.delegate_person_id')
    .select([
      'meeting_invitation.id',
      'meeting_invitation.organization_id',
      'organization.name as organization_name',
      'organization.country_code',
      'organization.category',
      'meeting_invitation.person_id',
      'person.name as person_name',
      'person.public_consent',
      'person.archived_at',
      'person.erased_at',
      'meeting_invitation.group_role',
      'meeting_invitation.state',
      'meeting_invitation.delegate_person_id',
      'delegate.name as delegate_name',
      'meeting_invitation.sent_at',
      'meeting_invitation.responded_at',
    ])
    .where('meeting_invitation.meeting_id', '=', meetingId)
  if (organizationIds)
    q = q.where(
      'meeting_invitation.organization_id',
      'in',
      organizationIds.length ? organizationIds : ['00000000-0000-0000-0000-000000000000'],
    )
  return q
    .select(sql<number>`count(*) OVER ()`.as('total'))
    .orderBy(sql`lower(organization.name)`)
    .orderBy('meeting_invitation.group_role')
    .orderBy('meeting_invitation.id')
    .$if(!!page, (q) => q.limit(page!.limit).offset(page!.offset))
    .execute()
}

export function findRegistrations(
  db: Db,
  meetingId: string,
  organizationIds?: string[],
  registrationId?: string,
  page?: RowPage,
) {
  let q = db
    .selectFrom('meeting_registration')
    .innerJoin('organization', 'organization.id', 'meeting_registration.organization_id')
    .innerJoin('person', 'person.id', 'meeting_registration.person_id')
    .select([
      'meeting_registration.id',
      'meeting_registration.organization_id',
      'organization.name as organization_name',
      'meeting_registration.person_id',
      'person.name as person_name',
      'person.seniority',
      'meeting_registration.participation',
      'meeting_registration.status',
      'meeting_registration.seniority_note',
      'meeting_registration.override_reason',
      'meeting_registration.created_at',
    ])
    .where('meeting_registration.meeting_id', '=', meetingId)
  if (organizationIds)
    q = q.where(
      'meeting_registration.organization_id',
      'in',
      organizationIds.length ? organizationIds : ['00000000-0000-0000-0000-000000000000'],
    )
  if (registrationId) q = q.where('meeting_registration.id', '=', registrationId)
  return q
    .select(sql<number>`count(*) OVER ()`.as('total'))
    .orderBy('meeting_registration.created_at')
    .orderBy('meeting_registration.id')
    .$if(!!page, (q) => q.limit(page!.limit).offset(page!.offset))
    .execute()
}

export function findAttendance(db: Db, meetingId: string, page?: RowPage) {
  return db
    .selectFrom('meeting_attendance')
    .innerJoin('organization', 'organization.id', 'meeting_attendance.organization_id')
    .leftJoin('person', 'person.id', 'meeting_attendance.person_id')
    .select([
      'meeting_attendance.id',
      'meeting_attendance.organization_id',
      'organization.name as organization_name',
      'meeting_attendance.person_id',
      'person.name as person_name',
      'person.public_consent',
      'person.erased_at',
      'meeting_attendance.attended_as',
      'meeting_attendance.captured_by',
      'meeting_attendance.captured_at',
    ])
    .select(sql<number>`count(*) OVER ()`.as('total'))
    .where('meeting_attendance.meeting_id', '=', meetingId)
    .orderBy(sql`lower(organization.name)`)
    .orderBy('meeting_attendance.attended_as')
    .orderBy('meeting_attendance.id')
    .$if(!!page, (q) => q.limit(page!.limit).offset(page!.offset))
    .execute()
}

/**
 * Per-meeting figures in one statement: each attending organization counted once per breakdown value,
 * each attending person once. Rows without a person count their organization only.
 */
export async function meetingFigures(db: Db, meetingId: string) {
  const { rows } = await sql<{
    dimension: string
    key: string | null
    organizations: number
    people: number
  }>`
    WITH a AS (
      SELECT ma.organization_id, ma.person_id, ma.attended_as,
             c.itu_region, c.development_status, o.category, o.sme::text AS sme, p.seniority
      FROM meeting_attendance ma
      JOIN organization o ON o.id = ma.organization_id
      JOIN country c ON c.code = o.country_code
      LEFT JOIN person p ON p.id = ma.person_id
      WHERE ma.meeting_id = ${meetingId}
    ),
    dims AS (
      SELECT 'total' AS dimension, NULL::text AS key, organization_id, person_id FROM a
      UNION ALL SELECT 'region', itu_region, organization_id, person_id FROM a
      UNION ALL SELECT 'development_status', development_status, organization_id, person_id FROM a
      UNION ALL SELECT 'category', category, organization_id, person_id FROM a
      UNION ALL SELECT 'sme', sme, organization_id, person_id FROM a
      UNION ALL SELECT 'seniority', seniority, organization_id, person_id FROM a WHERE person_id IS NOT NULL
      UNION ALL SELECT 'attended_as', attended_as, organization_id, person_id FROM a
    )
    SELECT dimension, key, count(DISTINCT organization_id)::int AS organizations, count(DISTINCT person_id)::int AS people
    FROM dims GROUP BY dimension, key ORDER BY dimension, key`.execute(db)
  return rows
}

/**
 * For each organization that has sat in the group, how many of the group's held meetings it attended,
 * and in which capacity. Meetings count from the organization's first membership in the group.
 */
export async function groupAttendanceRecord(db: Db, groupId: string) {
  const { rows } = await sql<{
    organization_id: string
    organization_name: string
    country_code: string
    current_member: boolean
    meetings: number
    attended: number
    as_principal: number
    as_alternate: number
    as_substitute: number
  }>`
    WITH held AS (
      SELECT id, starts_at FROM meeting WHERE group_id = ${groupId} AND status IN ('held', 'concluded')
    ),
    members AS (
      SELECT organization_id, min(start_date) AS since, bool_or(end_date IS NULL) AS current_member
      FROM group_membership WHERE group_id = ${groupId} GROUP BY organization_id
    ),
    per_meeting AS (
      SELECT m.organization_id, h.id AS meeting_id,
             bool_or(a.attended_as = 'principal') AS p, bool_or(a.attended_as = 'alternate') AS alt,
             bool_or(a.attended_as IN ('substitute', 'other')) AS sub, count(a.id) > 0 AS came
      FROM members m
      JOIN held h ON h.starts_at::date >= m.since
      LEFT JOIN meeting_attendance a ON a.meeting_id = h.id AND a.organization_id = m.organization_id
      GROUP BY m.organization_id, h.id
    )
    SELECT o.id AS organization_id, o.name AS organization_name, o.country_code, mb.current_member,
           count(pm.meeting_id)::int AS meetings,
           count(*) FILTER (WHERE pm.came)::int AS attended,
           count(*) FILTER (WHERE pm.p)::int AS as_principal,
           count(*) FILTER (WHERE pm.alt AND NOT pm.p)::int AS as_alternate,
           count(*) FILTER (WHERE pm.sub AND NOT pm.p AND NOT pm.alt)::int AS as_substitute
    FROM members mb
    JOIN organization o ON o.id = mb.organization_id
    LEFT JOIN per_meeting pm ON pm.organization_id = mb.organization_id
    GROUP BY o.id, o.name, o.country_code, mb.current_member
    ORDER BY mb.current_member DESC, lower(o.name)`.execute(db)
  return rows
}
