import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { likePattern } from '../../db/search.ts'
import { inTransaction } from '../../db/transaction.ts'
import { AppError } from '../../http/errors.ts'
import { isUuid } from '../../http/forms.ts'
import { formatDateTime, type Language, type Localized, pick, translator } from '../../i18n/i18n.ts'
import { utcToZoned, zonedToUtc } from '../../i18n/time-zones.ts'
import { recordAudit } from '../audit/audit.service.ts'
import {
  type Actor,
  deny,
  focalPointCountries,
  isStaff,
  isUser,
  representedOrganizationIds,
} from '../auth/auth.policy.ts'
import { lockById } from '../directory/directory.repository.ts'
import { enqueueEmail } from '../mail/mail.service.ts'
import { assertRecordInScope, resolveSector, sectorFilter } from '../structure/scope.ts'
import * as policy from './meetings.policy.ts'
import * as repo from './meetings.repository.ts'
import type {
  Attendance,
  AttendanceInput,
  Invitation,
  Meeting,
  MeetingFigures,
  MeetingInput,
  MeetingQuery,
  MeetingStatus,
  Registration,
  RegistrationInput,
} from './meetings.schema.ts'

export function toMeeting(r: repo.MeetingRow, lang: Language): Meeting {
  const titles = r.titles as Record<string, string>
  return {
    id: r.id,
    kind: r.kind as Meeting['kind'],
    title: pick(titles, lang),
    titles,
    groupId: r.group_id,
    groupName: r.group_names ? pick(r.group_names as Localized, lang) : null,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    startsAtLocal: utcToZoned(r.starts_at, r.time_zone),
    endsAtLocal: utcToZoned(r.ends_at, r.time_zone),
    timeZone: r.time_zone,
    format: r.format as Meeting['format'],
    city: r.city,
    countryCode: r.country_code,
    countryName: r.country_names ? pick(r.country_names as Localized, lang) : null,
    ituRegion: r.itu_region as Meeting['ituRegion'],
    hostOrganizationId: r.host_organization_id,
    hostOrganizationName: r.host_name,
    sector: r.sector_code,
    panelId: r.panel_id,
    panelName: r.panel_names ? pick(r.panel_names as Localized, lang) : null,
    capacity: r.capacity,
    seniorityPolicy: r.seniority_policy as Meeting['seniorityPolicy'],
    registrationDeadline: r.registration_deadline?.toISOString() ?? null,
    registrationDeadlineLocal: r.registration_deadline
      ? utcToZoned(r.registration_deadline, r.time_zone)
      : null,
    status: r.status as MeetingStatus,
    version: r.version,
    updatedAt: r.updated_at.toISOString(),
    registered: Number(r.registered ?? 0),
    waitlisted: Number(r.waitlisted ?? 0),
  }
}

export async function searchMeetings(db: Db, actor: Actor, q: MeetingQuery, lang: Language) {
  const sectorId = await sectorFilter(db, q.sector)
  const { rows, total } = await repo.searchMeetings(db, q, isStaff(actor), sectorId)
  return { items: rows.map((r) => toMeeting(r, lang)), total, page: q.page, pageSize: q.pageSize }
}

/**
 * Meetings as choices for a form's select: the most recent first, id, title, start and time zone only (the
 * list's counts and joins cost a page 20 ms on 400 meetings). `include` keeps a record's current meeting
 * among the choices however old it is, so saving a form does not drop it.
 */
export async function meetingChoices(
  db: Db,
  actor: Actor,
  lang: Language,
  opts: { limit: number; include?: string | null | undefined },
): Promise<{ id: string; title: string; startsAt: string; timeZone: string }[]> {
  // Drafts are the secretariat's own, as in the meetings list.
  const staff = isStaff(actor)
  const recent = db
    .selectFrom('meeting')
    .select(['id', 'titles', 'starts_at', 'time_zone'])
    .$if(!staff, (q) => q.where('status', '<>', 'draft'))
    .orderBy('starts_at', 'desc')
    .orderBy('id')
    .limit(opts.limit)
  const rows = await recent.execute()
  const include = opts.include && isUuid(opts.include) ? opts.include : null
  if (include && !rows.some((r) => r.id === include)) {
    const current = await db
      .selectFrom('meeting')
      .select(['id', 'titles', 'starts_at', 'time_zone'])
      .where('id', '=', include)
      .$if(!staff, (q) => q.where('status', '<>', 'draft'))
      .executeTakeFirst()
    if (current) rows.push(current)
  }
  return rows.map((r) => ({
    id: r.id,
    title: pick(r.titles as Record<string, string>, lang),
    startsAt: r.starts_at.toISOString(),
    timeZone: r.time_zone,
  }))
}

export async function getMeeting(db: Db, actor: Actor, id: string, lang: Language): Promise<Meeting> {
  const row = await repo.findMeetingById(db, id)
  if (!row || !policy.canSeeMeeting(actor, row.status as MeetingStatus))
    throw new AppError('MEETING_NOT_FOUND')
  return toMeeting(row, lang)
}

function meetingValues(input: MeetingInput) {
  return {
    kind: input.kind,
    titles: JSON.stringify(input.titles),
    group_id: input.groupId,
    starts_at: zonedToUtc(input.startsAt, input.timeZone),
    ends_at: zonedToUtc(input.endsAt, input.timeZone),
    time_zone: input.timeZone,
    format: input.format,
    city: input.city,
    country_code: input.countryCode,
    host_organization_id: input.hostOrganizationId,
    capacity: input.capacity,
    seniority_policy: input.seniorityPolicy,
    registration_deadline: input.registrationDeadline
      ? zonedToUtc(input.registrationDeadline, input.timeZone)
      : null,
  }
}

/**
 * A meeting can be linked to an Industry Advisory Panel only if the panel exists and the meeting is a
 * panel meeting. `panelId` is the link the meeting will have after the change.
 */
async function assertPanel(trx: Db, kind: string, panelId: string | null): Promise<void> {
  if (!panelId) return
  if (!policy.acceptsPanel(kind))
    throw new AppError('VALIDATION_FAILED', { kind }, { panelId: ['meeting_panel_kind'] })
  if (!(await repo.panelExists(trx, panelId)))
    throw new AppError('VALIDATION_FAILED', {}, { panelId: ['meeting_panel_unknown'] })
}

async function assertReferences(trx: Db, input: MeetingInput): Promise<void> {
  if (
    input.groupId &&
    !(await trx
      .selectFrom('engagement_group')
      .select('id')
      .where('id', '=', input.groupId)
      .executeTakeFirst())
  ) {
    throw new AppError('GROUP_NOT_FOUND', {}, { groupId: ['group_unknown'] })
  }
  if (
    input.countryCode &&
    !(await trx.selectFrom('country').select('code').where('code', '=', input.countryCode).executeTakeFirst())
  ) {
    throw new AppError('COUNTRY_NOT_FOUND', {}, { countryCode: ['country_unknown'] })
  }
  if (
    input.hostOrganizationId &&
    !(await trx
      .selectFrom('organization')
      .select('id')
      .where('id', '=', input.hostOrganizationId)
      .executeTakeFirst())
  ) {
    throw new AppError('ORGANIZATION_NOT_FOUND', {}, { hostOrganizationId: ['organization_unknown'] })
  }
}

export async function createMeeting(
  db: Db,
  actor: Actor,
  input: MeetingInput,
  lang: Language,
): Promise<Meeting> {
  if (!policy.canManageMeetings(actor)) deny(actor)
  const id = await inTransaction(db, async (trx) => {
    // The Sector first: a Sector-limited secretariat is refused another Sector's (or a Union-wide) meeting.
    const sectorId = await resolveSector(trx, actor, input.sector)
    await assertReferences(trx, input)
    const panelId = input.panelId ?? null
    await assertPanel(trx, input.kind, panelId)
    const row = await trx
      .insertInto('meeting')
      .values({ ...meetingValues(input), sector_id: sectorId, panel_id: panelId })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, { action: 'create', entityType: 'meeting', entityId: row.id, after: row })
    return row.id
  })
  return getMeeting(db, actor, id, lang)
}

/** Optimistic concurrency: the editor sends the version it saw; a newer one means someone else saved first. */
export async function updateMeeting(
  db: Db,
  actor: Actor,
  id: string,
  input: MeetingInput,
  lang: Language,
): Promise<Meeting> {
  if (!policy.canManageMeetings(actor)) deny(actor)
  await inTransaction(db, async (trx) => {
    await assertRecordInScope(trx, actor, 'meeting', id)
    const before = await repo.lockMeeting(trx, id)
    if (!before) throw new AppError('MEETING_NOT_FOUND')
    if (input.version !== undefined && input.version !== before.version) {
      throw new AppError('MEETING_CONFLICT', { current: before.version })
    }
    if (before.status === 'concluded' || before.status === 'cancelled') throw new AppError('MEETING_CLOSED')
    // Without a Sector (or a panel) in the input, the meeting keeps its own; a move is checked like a creation.
    const sectorId =
      input.sector === undefined ? before.sector_id : await resolveSector(trx, actor, input.sector)
    await assertReferences(trx, input)
    const panelId = input.panelId === undefined ? before.panel_id : input.panelId
    await assertPanel(trx, input.kind, panelId)
    const after = await trx
      .updateTable('meeting')
      .set({
        ...meetingValues(input),
        sector_id: sectorId,
        panel_id: panelId,
        version: before.version + 1,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, { action: 'update', entityType: 'meeting', entityId: id, before, after })
  })
  return getMeeting(db, actor, id, lang)
}

export async function transitionMeeting(
  db: Db,
  actor: Actor,
  id: string,
  to: MeetingStatus,
  version: number,
  lang: Language,
  now = new Date(),
): Promise<Meeting> {
  if (!policy.canManageMeetings(actor)) deny(actor)
  await inTransaction(db, async (trx) => {
    await assertRecordInScope(trx, actor, 'meeting', id)
    const before = await repo.lockMeeting(trx, id)
    if (!before) throw new AppError('MEETING_NOT_FOUND')
    if (version !== before.version) throw new AppError('MEETING_CONFLICT', { current: before.version })
    const from = before.status as MeetingStatus
    if (!policy.canTransition(from, to)) throw new AppError('MEETING_TRANSITION_INVALID', { from, to })
    if (to === 'held' && before.starts_at > now) throw new AppError('MEETING_NOT_STARTED')
    const after = await trx
      .updateTable('meeting')
      .set({ status: to, version: before.version + 1, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'meeting',
      entityId: id,
      summary: `${from} → ${to}`,
      before,
      after,
    })
  })
  return getMeeting(db, actor, id, lang)
}

// ---------------------------------------------------------------- invitations

/** What an actor may see of a meeting's invitations and registrations: all, or their organizations'. */
function organizationScope(actor: Actor): string[] | undefined {
  return isStaff(actor) ? undefined : representedOrganizationIds(actor)
}

async function memberStateOrgIds(db: Db, actor: Actor): Promise<string[]> {
  const countries = focalPointCountries(actor)
  if (!countries.length) return []
  const rows = await db
    .selectFrom('organization')
    .select('id')
    .where('category', '=', 'member_state')
    .where('country_code', 'in', countries)
    .execute()
  return rows.map((r) => r.id)
}

async function scopeIds(db: Db, actor: Actor): Promise<string[] | undefined> {
  const scope = organizationScope(actor)
  return scope ? [...scope, ...(await memberStateOrgIds(db, actor))] : undefined
}

export async function listInvitations(db: Db, actor: Actor, meetingId: string): Promise<Invitation[]> {
  return (await pageOfInvitations(db, actor, meetingId)).rows
}

/** A page of a list, which page it is (from 1) and the list's total. */
export type Paged<T> = { rows: T[]; total: number; page: number }
/** Page n (from 1) of size rows; a page past the end is the last one. */
export type PageRequest = { page: number; pageSize: number }

/** Runs a paged query; asked for a page past the end, answers the first page (one more statement, rarely). */
async function paged<R extends { total: number | string }>(
  run: (page?: repo.RowPage) => Promise<R[]>,
  request?: PageRequest,
): Promise<{ rows: R[]; total: number; page: number }> {
  if (!request) {
    const rows = await run()
    return { rows, total: rows.length, page: 1 }
  }
  const page = { limit: request.pageSize, offset: (request.page - 1) * request.pageSize }
  let rows = await run(page)
  let number = request.page
  if (!rows.length && page.offset > 0) {
    rows = await run({ ...page, offset: 0 })
    number = 1
  }
  return { rows, total: Number(rows[0]?.total ?? 0), page: number }
}

export async function pageOfInvitations(
  db: Db,
  actor: Actor,
  meetingId: string,
  request?: PageRequest,
): Promise<Paged<Invitation>> {
  if (!isUser(actor) && actor.kind !== 'system') return { rows: [], total: 0, page: 1 }
  const scope = await scopeIds(db, actor)
  const { rows, total, page } = await paged(
    (page) => repo.findInvitations(db, meetingId, scope, page),
    request,
  )
  return {
    total,
    page,
    rows: rows.map((r) => ({
      id: r.id,
      organizationId: r.organization_id,
      organizationName: r.organization_name,
      countryCode: r.country_code,
      personId: r.person_id,
      personName: r.person_name,
      groupRole: r.group_role as Invitation['groupRole'],
      state: r.state as Invitation['state'],
      delegatePersonId: r.delegate_person_id,
      delegatePersonName: r.delegate_name,
      sentAt: r.sent_at.toISOString(),
      respondedAt: r.responded_at?.toISOString() ?? null,
    })),
  }
}

type Invitee = {
  organizationId: string
  personId: string | null
  groupRole: 'principal' | 'alternate' | null
}

type MeetingRecord = NonNullable<Awaited<ReturnType<typeof repo.lockMeeting>>>
type Recipient = { name: string; email: string | null; preferred_language: string | null }

/** An invitation or reminder about a meeting, in the recipient's language, queued in the caller's transaction. */
async function mailAboutMeeting(
  trx: Db,
  kind: 'meeting_invitation' | 'meeting_reminder',
  person: Recipient,
  meeting: MeetingRecord,
  publicUrl: string,
): Promise<void> {
  if (!person.email) return
  const lang = (person.preferred_language as Language | null) ?? 'en'
  const t = translator(lang)
  const title = pick(meeting.titles as Localized, lang)
  await enqueueEmail(trx, {
    to: person.email,
    subject: t(`mail.${kind}.subject`, { title }),
    text: t(`mail.${kind}.body`, {
      name: person.name,
      title,
      when: `${formatDateTime(meeting.starts_at, lang, meeting.time_zone)} – ${formatDateTime(meeting.ends_at, lang, meeting.time_zone)}`,
      where:
        [meeting.city, meeting.country_code].filter(Boolean).join(', ') ||
        t(`meeting_format.${meeting.format}`),
      deadline: formatDateTime(meeting.registration_deadline, lang, meeting.time_zone),
      link: `${publicUrl}/meetings/${meeting.id}`,
    }),
  })
}

async function recipients(trx: Db, personIds: string[]): Promise<Map<string, Recipient>> {
  if (!personIds.length) return new Map()
  const rows = await trx
    .selectFrom('person')
    .select(['id', 'name', 'email', 'preferred_language'])
    .where('id', 'in', personIds)
    .execute()
  return new Map(rows.map((r) => [r.id, r]))
}

async function sendInvitations(
  trx: Db,
  actor: Actor,
  meeting: MeetingRecord,
  invitees: Invitee[],
  publicUrl: string,
) {
  let created = 0
  const people = await recipients(
    trx,
    invitees.map((i) => i.personId).filter((id): id is string => !!id),
  )
  for (const inv of invitees) {
    const row = await trx
      .insertInto('meeting_invitation')
      .values({
        meeting_id: meeting.id,
        organization_id: inv.organizationId,
        person_id: inv.personId,
        group_role: inv.groupRole,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst()
    if (!row) continue
    created++
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'meeting_invitation',
      entityId: row.id,
      after: { meetingId: meeting.id, ...inv },
    })
    const person = inv.personId ? people.get(inv.personId) : undefined
    if (person) await mailAboutMeeting(trx, 'meeting_invitation', person, meeting, publicUrl)
  }
  return created
}

/**
 * Invites a group's current principals and alternates in one action, or one organization (optionally one
 * person). Existing invitations are left as they are; each new one is e-mailed in the invitee's language.
 */
export async function invite(
  db: Db,
  actor: Actor,
  meetingId: string,
  input: { groupId?: string | undefined; organizationId?: string | undefined; personId?: string | undefined },
  publicUrl: string,
): Promise<{ created: number }> {
  if (!policy.canManageMeetings(actor)) deny(actor)
  return inTransaction(db, async (trx) => {
    await assertRecordInScope(trx, actor, 'meeting', meetingId)
    const meeting = await repo.lockMeeting(trx, meetingId)
    if (!meeting) throw new AppError('MEETING_NOT_FOUND')
    if (meeting.status === 'concluded' || meeting.status === 'cancelled' || meeting.status === 'held')
      throw new AppError('MEETING_CLOSED')
    // Invitees follow a link to the meeting page, which a draft does not have yet.
    if (meeting.status === 'draft') throw new AppError('MEETING_NOT_ANNOUNCED')
    const invitees: Invitee[] = []
    if (input.groupId) {
      const members = await trx
        .selectFrom('group_membership')
        .select(['organization_id', 'principal_person_id', 'alternate_person_id'])
        .where('group_id', '=', input.groupId)
        .where('end_date', 'is', null)
        .execute()
      if (
        !(await trx
          .selectFrom('engagement_group')
          .select('id')
          .where('id', '=', input.groupId)
          .executeTakeFirst())
      ) {
        throw new AppError('GROUP_NOT_FOUND', {}, { groupId: ['group_unknown'] })
      }
      for (const m of members) {
        if (m.principal_person_id)
          invitees.push({
            organizationId: m.organization_id,
            personId: m.principal_person_id,
            groupRole: 'principal',
          })
        if (m.alternate_person_id)
          invitees.push({
            organizationId: m.organization_id,
            personId: m.alternate_person_id,
            groupRole: 'alternate',
          })
        if (!m.principal_person_id && !m.alternate_person_id)
          invitees.push({ organizationId: m.organization_id, personId: null, groupRole: null })
      }
    } else if (input.organizationId) {
      const org = await trx
        .selectFrom('organization')
        .select(['id', 'archived_at'])
        .where('id', '=', input.organizationId)
        .executeTakeFirst()
      if (!org || org.archived_at)
        throw new AppError('ORGANIZATION_NOT_FOUND', {}, { organizationId: ['organization_unknown'] })
      if (input.personId) {
        const p = await trx
          .selectFrom('person')
          .select(['organization_id', 'archived_at'])
          .where('id', '=', input.personId)
          .executeTakeFirst()
        if (!p || p.organization_id !== org.id || p.archived_at)
          throw new AppError('PERSON_NOT_IN_ORGANIZATION', {}, { personId: ['person_not_in_organization'] })
      }
      invitees.push({ organizationId: org.id, personId: input.personId ?? null, groupRole: null })
    }
    return { created: await sendInvitations(trx, actor, meeting, invitees, publicUrl) }
  })
}

/** The invitee (or the secretariat) accepts, declines, or delegates to someone else of the organization. */
export async function respondToInvitation(
  db: Db,
  actor: Actor,
  invitationId: string,
  input: { state: 'accepted' | 'declined' | 'delegated'; delegatePersonId?: string | undefined },
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const before = await trx
      .selectFrom('meeting_invitation')
      .selectAll()
      .where('id', '=', invitationId)
      .forUpdate()
      .executeTakeFirst()
    if (!before) throw new AppError('INVITATION_NOT_FOUND')
    const org = await trx
      .selectFrom('organization')
      .select(['id', 'country_code', 'category'])
      .where('id', '=', before.organization_id)
      .executeTakeFirstOrThrow()
    if (
      !policy.canRegisterFor(actor, { id: org.id, countryCode: org.country_code, category: org.category })
    ) {
      // Another organization's invitation is reported as absent.
      if (!isStaff(actor)) throw new AppError('INVITATION_NOT_FOUND')
      deny(actor)
    }
    const orgScope = { id: org.id, countryCode: org.country_code, category: org.category }
    if (policy.speaksAsStaffOnly(actor, orgScope))
      await assertRecordInScope(trx, actor, 'meeting', before.meeting_id)
    if (input.state === 'delegated') {
      const p = await trx
        .selectFrom('person')
        .select(['organization_id', 'archived_at'])
        .where('id', '=', input.delegatePersonId!)
        .executeTakeFirst()
      if (!p || p.organization_id !== org.id || p.archived_at) {
        throw new AppError(
          'PERSON_NOT_IN_ORGANIZATION',
          {},
          { delegatePersonId: ['person_not_in_organization'] },
        )
      }
    }
    const after = await trx
      .updateTable('meeting_invitation')
      .set({
        state: input.state,
        delegate_person_id: input.state === 'delegated' ? input.delegatePersonId! : null,
        responded_at: new Date(),
      })
      .where('id', '=', invitationId)
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'meeting_invitation',
      entityId: invitationId,
      before,
      after,
    })
  })
}

/**
 * Reminds pending invitees whose registration deadline is within the next `days` days, once per
 * invitation. Run periodically; the claim in one UPDATE keeps several instances from sending twice.
 */
export async function sendReminders(db: Db, publicUrl: string, days = 3, now = new Date()): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: string; person_id: string; meeting_id: string }>`
      UPDATE meeting_invitation mi SET reminded_at = ${now}
      FROM meeting m
      WHERE m.id = mi.meeting_id AND mi.state = 'pending' AND mi.reminded_at IS NULL AND mi.person_id IS NOT NULL
        AND m.status = 'registration_open' AND m.registration_deadline > ${now}
        AND m.registration_deadline <= ${new Date(now.getTime() + days * 86400_000)}
      RETURNING mi.id, mi.person_id, mi.meeting_id`.execute(trx)
    const people = await recipients(trx, [...new Set(rows.map((r) => r.person_id))])
    const meetingIds = [...new Set(rows.map((r) => r.meeting_id))]
    const meetingsById = new Map(
      meetingIds.length
        ? (await trx.selectFrom('meeting').selectAll().where('id', 'in', meetingIds).execute()).map((m) => [
            m.id,
            m,
          ])
        : [],
    )
    for (const r of rows) {
      const person = people.get(r.person_id)
      const meeting = meetingsById.get(r.meeting_id)
      if (person && meeting) await mailAboutMeeting(trx, 'meeting_reminder', person, meeting, publicUrl)
    }
    return rows.length
  })
}

// ---------------------------------------------------------------- registration

export async function listRegistrations(
  db: Db,
  actor: Actor,
  meetingId: string,
  registrationId?: string,
): Promise<Registration[]> {
  return (await pageOfRegistrations(db, actor, meetingId, undefined, registrationId)).rows
}

export async function pageOfRegistrations(
  db: Db,
  actor: Actor,
  meetingId: string,
  request?: PageRequest,
  registrationId?: string,
): Promise<Paged<Registration>> {
  if (!isUser(actor) && actor.kind !== 'system') return { rows: [], total: 0, page: 1 }
  const scope = await scopeIds(db, actor)
  const { rows, total, page } = await paged(
    (page) => repo.findRegistrations(db, meetingId, scope, registrationId, page),
    request,
  )
  return {
    total,
    page,
    rows: rows.map((r) => ({
      id: r.id,
      organizationId: r.organization_id,
      organizationName: r.organization_name,
      personId: r.person_id,
      personName: r.person_name,
      seniority: r.seniority,
      participation: r.participation as Registration['participation'],
      status: r.status as Registration['status'],
      seniorityNote: r.seniority_note,
      overrideReason: r.override_reason,
      createdAt: r.created_at.toISOString(),
    })),
  }
}

/**
 * Registers a person of an organization the actor speaks for. The meeting row is locked first, so
 * concurrent registrations are counted one after another and the last seat is never sold twice; past
 * capacity the registration joins the waiting list.
 */
export async function register(
  db: Db,
  actor: Actor,
  meetingId: string,
  input: RegistrationInput,
  now = new Date(),
): Promise<Registration> {
  const id = await inTransaction(db, async (trx) => {
    const meeting = await repo.lockMeeting(trx, meetingId)
    if (!meeting || !policy.canSeeMeeting(actor, meeting.status as MeetingStatus))
      throw new AppError('MEETING_NOT_FOUND')
    const person = await trx
      .selectFrom('person')
      .innerJoin('organization', 'organization.id', 'person.organization_id')
      .select([
        'person.id',
        'person.seniority',
        'person.archived_at',
        'organization.id as org_id',
        'organization.country_code',
        'organization.category',
      ])
      .where('person.id', '=', input.personId)
      .executeTakeFirst()
    if (!person || person.archived_at)
      throw new AppError('PERSON_NOT_FOUND', {}, { personId: ['person_unknown'] })
    if (
      !policy.canRegisterFor(actor, {
        id: person.org_id,
        countryCode: person.country_code,
        category: person.category,
      })
    )
      deny(actor)
    // The secretariat registering someone manages the meeting: a Sector-limited one only in its Sector.
    if (
      policy.speaksAsStaffOnly(actor, {
        id: person.org_id,
        countryCode: person.country_code,
        category: person.category,
      })
    )
      await assertRecordInScope(trx, actor, 'meeting', meetingId)
    if (meeting.status !== 'registration_open')
      throw new AppError('REGISTRATION_NOT_OPEN', { status: meeting.status })
    if (meeting.registration_deadline && meeting.registration_deadline < now)
      throw new AppError('REGISTRATION_DEADLINE_PASSED')
    const existing = await trx
      .selectFrom('meeting_registration')
      .select('id')
      .where('meeting_id', '=', meetingId)
      .where('person_id', '=', person.id)
      .where('status', '<>', 'cancelled')
      .executeTakeFirst()
    if (existing) throw new AppError('ALREADY_REGISTERED')
    let seniorityNote: string | null = null
    let overrideReason: string | null = null
    if (!policy.isExecutive(person.seniority)) {
      if (meeting.seniority_policy === 'executives_only') {
        if (!input.overrideReason)
          throw new AppError(
            'SENIORITY_POLICY',
            { seniority: person.seniority },
            { personId: ['executives_only'] },
          )
        if (!policy.canOverrideSeniority(actor)) deny(actor)
        await assertRecordInScope(trx, actor, 'meeting', meetingId)
        overrideReason = input.overrideReason
        seniorityNote = 'below_executive_overridden'
      } else if (meeting.seniority_policy === 'executives_preferred') {
        seniorityNote = 'below_executive'
      }
    }
    const taken = await trx
      .selectFrom('meeting_registration')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('meeting_id', '=', meetingId)
      .where('status', '=', 'registered')
      .executeTakeFirstOrThrow()
    const status =
      meeting.capacity !== null && Number(taken.n) >= meeting.capacity ? 'waitlisted' : 'registered'
    const row = await trx
      .insertInto('meeting_registration')
      .values({
        meeting_id: meetingId,
        organization_id: person.org_id,
        person_id: person.id,
        participation: input.participation,
        status,
        seniority_note: seniorityNote,
        override_reason: overrideReason,
        created_by: isUser(actor) ? actor.userId : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'meeting_registration',
      entityId: row.id,
      after: row,
    })
    return row.id
  })
  const [registration] = await listRegistrations(db, actor, meetingId, id)
  return registration!
}

/** Cancelling frees the seat for the first person on the waiting list. */
export async function cancelRegistration(db: Db, actor: Actor, registrationId: string): Promise<void> {
  await inTransaction(db, async (trx) => {
    const reg = await trx
      .selectFrom('meeting_registration')
      .selectAll()
      .where('id', '=', registrationId)
      .executeTakeFirst()
    if (!reg) throw new AppError('REGISTRATION_NOT_FOUND')
    const meeting = await repo.lockMeeting(trx, reg.meeting_id)
    const org = await trx
      .selectFrom('organization')
      .select(['id', 'country_code', 'category'])
      .where('id', '=', reg.organization_id)
      .executeTakeFirstOrThrow()
    if (
      !policy.canRegisterFor(actor, { id: org.id, countryCode: org.country_code, category: org.category })
    ) {
      if (!isStaff(actor)) throw new AppError('REGISTRATION_NOT_FOUND')
      deny(actor)
    }
    if (
      policy.speaksAsStaffOnly(actor, { id: org.id, countryCode: org.country_code, category: org.category })
    )
      await assertRecordInScope(trx, actor, 'meeting', reg.meeting_id)
    if (reg.status === 'cancelled') return
    if (meeting && (meeting.status === 'held' || meeting.status === 'concluded'))
      throw new AppError('MEETING_CLOSED')
    await trx
      .updateTable('meeting_registration')
      .set({ status: 'cancelled', updated_at: new Date() })
      .where('id', '=', reg.id)
      .execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'meeting_registration',
      entityId: reg.id,
      summary: 'cancelled',
      before: reg,
    })
    if (reg.status === 'registered') {
      const next = await trx
        .selectFrom('meeting_registration')
        .select('id')
        .where('meeting_id', '=', reg.meeting_id)
        .where('status', '=', 'waitlisted')
        .orderBy('created_at')
        .limit(1)
        .executeTakeFirst()
      if (next) {
        await trx
          .updateTable('meeting_registration')
          .set({ status: 'registered', updated_at: new Date() })
          .where('id', '=', next.id)
          .execute()
        await recordAudit(trx, actor, {
          action: 'update',
          entityType: 'meeting_registration',
          entityId: next.id,
          summary: 'promoted from the waiting list',
        })
      }
    }
  })
}

// ---------------------------------------------------------------- attendance

export async function listAttendance(db: Db, actor: Actor, meetingId: string): Promise<Attendance[]> {
  return (await pageOfAttendance(db, actor, meetingId)).rows
}

export async function pageOfAttendance(
  db: Db,
  actor: Actor,
  meetingId: string,
  request?: PageRequest,
): Promise<Paged<Attendance>> {
  const { rows, total, page } = await paged((page) => repo.findAttendance(db, meetingId, page), request)
  return {
    total,
    page,
    rows: rows.map((r) => {
      // A person's name appears on the participant list only with consent (or to those who may see them).
      const visible = r.person_id && (isStaff(actor) || (r.public_consent && !r.erased_at))
      return {
        id: r.id,
        organizationId: r.organization_id,
        organizationName: r.organization_name,
        personId: visible ? r.person_id : null,
        personName: visible ? r.person_name : null,
        attendedAs: r.attended_as as Attendance['attendedAs'],
        capturedBy: r.captured_by as Attendance['capturedBy'],
        capturedAt: r.captured_at.toISOString(),
      }
    }),
  }
}

/** Records (or corrects) who attended and in which capacity. Only for a meeting that has been held. */
export async function recordAttendance(
  db: Db,
  actor: Actor,
  meetingId: string,
  input: AttendanceInput,
): Promise<string> {
  if (!policy.canManageMeetings(actor)) deny(actor)
  return inTransaction(db, async (trx) => {
    await assertRecordInScope(trx, actor, 'meeting', meetingId)
    const meeting = await repo.lockMeeting(trx, meetingId)
    if (!meeting) throw new AppError('MEETING_NOT_FOUND')
    if (!policy.acceptsAttendance(meeting.status as MeetingStatus))
      throw new AppError('ATTENDANCE_NOT_ALLOWED', { status: meeting.status })
    const org = await lockById(trx, 'organization', input.organizationId)
    if (!org) throw new AppError('ORGANIZATION_NOT_FOUND', {}, { organizationId: ['organization_unknown'] })
    if (input.personId) {
      const p = await trx
        .selectFrom('person')
        .select('organization_id')
        .where('id', '=', input.personId)
        .executeTakeFirst()
      if (!p || p.organization_id !== org.id)
        throw new AppError('PERSON_NOT_IN_ORGANIZATION', {}, { personId: ['person_not_in_organization'] })
    }
    const existing = await trx
      .selectFrom('meeting_attendance')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .where('organization_id', '=', org.id)
      .where(sql<boolean>`coalesce(person_id::text, '') = ${input.personId ?? ''}`)
      .executeTakeFirst()
    const values = {
      attended_as: input.attendedAs,
      captured_by: input.capturedBy,
      captured_at: new Date(),
      recorded_by: isUser(actor) ? actor.userId : null,
    }
    if (existing) {
      const after = await trx
        .updateTable('meeting_attendance')
        .set(values)
        .where('id', '=', existing.id)
        .returningAll()
        .executeTakeFirstOrThrow()
      await recordAudit(trx, actor, {
        action: 'update',
        entityType: 'meeting_attendance',
        entityId: existing.id,
        before: existing,
        after,
      })
      return existing.id
    }
    const row = await trx
      .insertInto('meeting_attendance')
      .values({ meeting_id: meetingId, organization_id: org.id, person_id: input.personId, ...values })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'meeting_attendance',
      entityId: row.id,
      after: row,
    })
    return row.id
  })
}

export async function removeAttendance(db: Db, actor: Actor, attendanceId: string): Promise<void> {
  if (!policy.canManageMeetings(actor)) deny(actor)
  await inTransaction(db, async (trx) => {
    const before = await trx
      .selectFrom('meeting_attendance')
      .selectAll()
      .where('id', '=', attendanceId)
      .executeTakeFirst()
    if (!before) throw new AppError('NOT_FOUND')
    await assertRecordInScope(trx, actor, 'meeting', before.meeting_id)
    await trx.deleteFrom('meeting_attendance').where('id', '=', attendanceId).execute()
    await recordAudit(trx, actor, {
      action: 'delete',
      entityType: 'meeting_attendance',
      entityId: attendanceId,
      before,
    })
  })
}

/**
 * How a person would attend: as the organization's principal or alternate in the meeting's group, as a
 * substitute for a member organization, or as other. The secretariat can change it.
 */
export async function suggestedCapacity(
  db: Db,
  meetingId: string,
  organizationId: string,
  personId: string | null,
) {
  const meeting = await db
    .selectFrom('meeting')
    .select(['group_id', 'starts_at'])
    .where('id', '=', meetingId)
    .executeTakeFirst()
  if (!meeting?.group_id) return 'other' as const
  const day = meeting.starts_at.toISOString().slice(0, 10)
  const m = await db
    .selectFrom('group_membership')
    .select(['principal_person_id', 'alternate_person_id'])
    .where('group_id', '=', meeting.group_id)
    .where('organization_id', '=', organizationId)
    .where('start_date', '<=', day)
    .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', day)]))
    .executeTakeFirst()
  if (!m) return 'other' as const
  if (personId && m.principal_person_id === personId) return 'principal' as const
  if (personId && m.alternate_person_id === personId) return 'alternate' as const
  return 'substitute' as const
}

export async function figures(db: Db, meetingId: string): Promise<MeetingFigures> {
  const rows = await repo.meetingFigures(db, meetingId)
  const of = (dimension: string) =>
    rows
      .filter((r) => r.dimension === dimension)
      .map((r) => ({ key: r.key, organizations: Number(r.organizations), people: Number(r.people) }))
  const total = rows.find((r) => r.dimension === 'total')
  return {
    organizations: Number(total?.organizations ?? 0),
    people: Number(total?.people ?? 0),
    byRegion: of('region'),
    byDevelopmentStatus: of('development_status'),
    byCategory: of('category'),
    bySme: of('sme'),
    bySeniority: of('seniority'),
    byAttendedAs: of('attended_as'),
  }
}

/** The people of an organization that the actor may register (for the registration form). */
export async function registrablePeople(
  db: Db,
  actor: Actor,
  {
    search,
    limit,
    meetingId,
  }: {
    search?: string | undefined
    limit: number
    /** The meeting whose invited and registered people come first (the likely participants). */
    meetingId?: string | undefined
  },
) {
  let q = db
    .selectFrom('person')
    .innerJoin('organization', 'organization.id', 'person.organization_id')
    .select([
      'person.id',
      'person.name',
      'person.seniority',
      'organization.name as organization_name',
      'organization.id as organization_id',
      'organization.country_code',
      'organization.category',
    ])
    .where('person.archived_at', 'is', null)
    .where('organization.archived_at', 'is', null)
  if (!isStaff(actor)) {
    const ids = await scopeIds(db, actor)
    if (!ids?.length) return []
    q = q.where('organization.id', 'in', ids)
  }
  if (search?.trim()) {
    const like = likePattern(search.trim())
    q = q.where((eb) => eb.or([eb('person.name', 'ilike', like), eb('organization.name', 'ilike', like)]))
  }
  // The query itself is the rule: staff see everyone, others only the organizations they speak for.
  // One row past the limit tells the page that there are more than it shows.
  const ordered = q
    .orderBy(sql`lower(organization.name)`)
    .orderBy(sql`lower(person.name)`)
    .orderBy('person.id')
    .limit(limit + 1)
  if (!meetingId) return ordered.execute()
  // The meeting's invited and registered people first: two short statements (the meeting's own people,
  // then everyone in order) instead of ranking every person by a join (80 ms on 30,000 people).
  const [own, all] = await Promise.all([
    ordered
      .where('person.id', 'in', (eb) =>
        eb
          .selectFrom('meeting_registration')
          .select('person_id')
          .where('meeting_id', '=', meetingId)
          .where('status', '<>', 'cancelled')
          .union(
            eb
              .selectFrom('meeting_invitation')
              .select(sql<string>`person_id`.as('person_id'))
              .where('meeting_id', '=', meetingId)
              .where('person_id', 'is not', null),
          ),
      )
      .execute(),
    ordered.execute(),
  ])
  const seen = new Set(own.map((p) => p.id))
  return [...own, ...all.filter((p) => !seen.has(p.id))].slice(0, limit + 1)
}

export type GroupAttendance = {
  organizationId: string
  organizationName: string
  countryCode: string
  currentMember: boolean
  meetings: number
  attended: number
  asPrincipal: number
  asAlternate: number
  asSubstitute: number
}

/** Resolution 68 resolves 6: regular participation by the CTO or the alternate, per member organization. */
export async function groupAttendance(db: Db, groupId: string): Promise<GroupAttendance[]> {
  const rows = await repo.groupAttendanceRecord(db, groupId)
  return rows.map((r) => ({
    organizationId: r.organization_id,
    organizationName: r.organization_name,
    countryCode: r.country_code,
    currentMember: r.current_member,
    meetings: Number(r.meetings),
    attended: Number(r.attended),
    asPrincipal: Number(r.as_principal),
    asAlternate: Number(r.as_alternate),
    asSubstitute: Number(r.as_substitute),
  }))
}

// ---------------------------------------------------------------- calendar feeds

const FEED_LIMIT = 500

/** The group's announced meetings, for a public subscription. */
export async function groupFeedMeetings(db: Db, groupId: string, lang: Language): Promise<Meeting[]> {
  const rows = await repo
    .feedQuery(db)
    .where('meeting.group_id', '=', groupId)
    .where('meeting.status', '<>', 'draft')
    .orderBy('meeting.starts_at', 'desc')
    .limit(FEED_LIMIT)
    .execute()
  return rows.map((r) => toMeeting(r, lang))
}

/**
 * A person's own calendar: for the secretariat every meeting; for others the announced meetings their
 * organizations are invited to or registered for.
 */
export async function personalFeedMeetings(db: Db, actor: Actor, lang: Language): Promise<Meeting[]> {
  let q = repo.feedQuery(db)
  if (!isStaff(actor)) {
    const ids = (await scopeIds(db, actor)) ?? []
    if (!ids.length) return []
    q = q
      .where('meeting.status', '<>', 'draft')
      .where((eb) =>
        eb.or([
          eb.exists(
            eb
              .selectFrom('meeting_invitation')
              .select('id')
              .whereRef('meeting_invitation.meeting_id', '=', 'meeting.id')
              .where('meeting_invitation.organization_id', 'in', ids),
          ),
          eb.exists(
            eb
              .selectFrom('meeting_registration')
              .select('id')
              .whereRef('meeting_registration.meeting_id', '=', 'meeting.id')
              .where('meeting_registration.organization_id', 'in', ids)
              .where('meeting_registration.status', '<>', 'cancelled'),
          ),
        ]),
      )
  }
  const rows = await q.orderBy('meeting.starts_at', 'desc').limit(FEED_LIMIT).execute()
  return rows.map((r) => toMeeting(r, lang))
}

// ---------------------------------------------------------------- Industry Advisory Panels

/** The panels a meeting of kind advisory_panel can be linked to, by name, for the meeting form. */
export async function panelChoices(db: Db, lang: Language): Promise<{ id: string; name: string }[]> {
  const rows = await repo.panelChoices(db)
  return rows.map((r) => ({ id: r.id, name: pick(r.names as Localized, lang) || r.code }))
}
