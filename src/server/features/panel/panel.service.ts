import type { Db } from '../../db/database.ts'
import { inTransaction } from '../../db/transaction.ts'
import { AppError, type FieldErrors } from '../../http/errors.ts'
import { type Language, type Localized, pick, translator } from '../../i18n/i18n.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { type Actor, actorLabel, actorUserId, canWrite, deny, isStaff, isUser } from '../auth/auth.policy.ts'
import { canSeePerson } from '../directory/directory.policy.ts'
import type { Page } from '../directory/directory.service.ts'
import * as directory from '../directory/directory.service.ts'
import {
  assertInScope,
  inScope,
  resolveSector,
  sectorFilter,
  sectorScope,
  UNION,
} from '../structure/scope.ts'
import { assertBodyActiveOn, bodyOfKindOn, resolveAddressee } from '../structure/structure.service.ts'
import type { AdviceStatus } from './panel.policy.ts'
import * as policy from './panel.policy.ts'
import * as repo from './panel.repository.ts'
import type {
  Advice,
  AdviceDetail,
  AdviceInput,
  AdviceQuery,
  AdviceStatusInput,
  AdviceUpdate,
  Member,
  MemberEnd,
  MemberInput,
  Panel,
  PanelDetail,
  PanelInput,
  PanelQuery,
  PanelUpdate,
} from './panel.schema.ts'

/**
 * The Industry Advisory Panel (issue 11, item 4): Panels with a term, their members (industry executives as
 * principals, with alternates), their meetings, and the advice they give — to which body, the response,
 * what was done — followed up like actions and reported to the Council. Everyone signed in reads it all;
 * staff change it, a Sector-limited secretariat only the Panels of its Sector.
 */

const today = () => new Date().toISOString().slice(0, 10)

/**
 * The note of a timeline entry the author did not write (advice recorded without a note, or corrected): a
 * sentence in the author's language, like the notes people write, so that every reader of the table (the
 * Panel's report among them) shows it as it is.
 */
const systemNote = (lang: Language, event: 'recorded' | 'corrected') =>
  translator(lang)(`panel.events.${event}`)

function assertReader(actor: Actor): void {
  if (!policy.canReadPanels(actor)) deny(actor)
}

function assertStaffWrite(actor: Actor): void {
  if (!(isStaff(actor) && canWrite(actor))) deny(actor)
}

const authorLabel = (actor: Actor) => (isUser(actor) ? actor.name : actorLabel(actor))

function fail(code: 'VALIDATION_FAILED', errors: FieldErrors): never {
  throw new AppError(code, {}, errors)
}

/** Locks a Panel for a change by the actor: staff who may write, within their Sector. */
async function panelForChange(trx: Db, actor: Actor, panelId: string) {
  assertStaffWrite(actor)
  const panel = await repo.lockPanel(trx, panelId)
  if (!panel) throw new AppError('PANEL_NOT_FOUND')
  assertInScope(actor, panel.sector_id)
  return panel
}

function outsideTerm(
  field: string,
  panel: { term_starts_on: string; term_ends_on: string },
  day: string,
): AppError {
  return new AppError(
    'PANEL_OUTSIDE_TERM',
    { termStartsOn: panel.term_starts_on, termEndsOn: panel.term_ends_on, day },
    { [field]: ['panel_outside_term'] },
  )
}

function assertWithinTerm(
  field: string,
  panel: { term_starts_on: string; term_ends_on: string },
  day: string,
): void {
  if (!policy.withinTerm(day, { startsOn: panel.term_starts_on, endsOn: panel.term_ends_on }))
    throw outsideTerm(field, panel, day)
}

/**
 * A body of the structure on a day, by id or by code: it must exist that day (refused with its dates), and a
 * Sector-limited actor may not attach a record to another Sector's body (Union-wide bodies are open to all).
 */
async function bodyOn(
  trx: Db,
  actor: Actor,
  ref: { id?: string | undefined; code?: string | undefined },
  day: string,
  field: { id: string; code: string },
): Promise<{ id: string; code: string }> {
  let body: { id: string; code: string; sectorId: string | null }
  if (ref.id) {
    try {
      body = { id: ref.id, ...(await assertBodyActiveOn(trx, ref.id, day)) }
    } catch (error) {
      if (error instanceof AppError && error.code === 'BODY_NOT_FOUND')
        fail('VALIDATION_FAILED', { [field.id]: ['panel_body_unknown'] })
      if (error instanceof AppError && error.code === 'BODY_NOT_IN_PERIOD')
        throw new AppError('BODY_NOT_IN_PERIOD', error.details, { [field.id]: ['outside_body_period'] })
      throw error
    }
  } else {
    let found: Awaited<ReturnType<typeof resolveAddressee>>
    try {
      found = await resolveAddressee(trx, ref.code ?? '', day)
    } catch (error) {
      // resolveAddressee names its field after actions' ownerBody; here it is the addressee.
      if (error instanceof AppError && error.fieldErrors)
        throw new AppError(error.code, error.details, {
          [field.code]: Object.values(error.fieldErrors).flat(),
        })
      throw error
    }
    if (!found) fail('VALIDATION_FAILED', { [field.code]: ['panel_body_unknown'] })
    body = found
  }
  if (body.sectorId !== null && !inScope(actor, body.sectorId))
    throw new AppError(
      'SECTOR_OUT_OF_SCOPE',
      {},
      { [ref.id ? field.id : field.code]: ['panel_body_other_sector'] },
    )
  return { id: body.id, code: body.code }
}

// ---------------------------------------------------------------- panels

function toPanel(r: repo.PanelRow, lang: Language, now: string): Panel {
  const reportsTo = r.reports_to_name
  return {
    id: r.id,
    code: r.code,
    name: pick(r.names as Localized, lang) || r.code,
    names: r.names as Localized,
    sector: r.sector_code ?? null,
    reportsTo:
      r.reports_to_body_id && reportsTo
        ? {
            id: r.reports_to_body_id,
            code: reportsTo.code,
            name: pick(reportsTo.names as Localized, lang) || reportsTo.code,
            sector: r.reports_to_sector_code ?? null,
          }
        : null,
    termStartsOn: r.term_starts_on,
    termEndsOn: r.term_ends_on,
    current: policy.withinTerm(now, { startsOn: r.term_starts_on, endsOn: r.term_ends_on }),
    currentMembers: Number(r.current_members ?? 0),
    adviceGiven: Number(r.advice_given ?? 0),
    openAdvice: Number(r.open_advice ?? 0),
    version: r.version,
  }
}

export async function listPanels(db: Db, actor: Actor, q: PanelQuery, lang: Language): Promise<Page<Panel>> {
  assertReader(actor)
  const now = today()
  const sectorId = await sectorFilter(db, q.sector)
  const { rows, total } = await repo.listPanels(db, { sectorId, page: q.page, pageSize: q.pageSize }, now)
  return { items: rows.map((r) => toPanel(r, lang, now)), total, page: q.page, pageSize: q.pageSize }
}

function toMember(r: repo.MemberRow, actor: Actor, now: string): Member {
  const visible = canSeePerson(
    actor,
    { publicConsent: r.public_consent, archived: r.archived_at !== null, erased: r.erased_at !== null },
    { id: r.organization_id, countryCode: r.country_code, category: r.organization_category },
  )
  return {
    id: r.id,
    personId: visible ? r.person_id : null,
    personName: visible ? r.person_name : null,
    personTitle: visible ? r.person_title : null,
    organizationId: r.organization_id,
    organizationName: r.organization_name,
    countryCode: r.country_code,
    role: r.role as Member['role'],
    alternateFor: r.alternate_for,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    current: r.starts_on <= now && (r.ends_on === null || r.ends_on >= now),
    version: r.version,
  }
}

export async function getPanel(db: Db, actor: Actor, id: string, lang: Language): Promise<PanelDetail> {
  assertReader(actor)
  const now = today()
  const row = await repo.findPanel(db, id, now)
  if (!row) throw new AppError('PANEL_NOT_FOUND')
  const [members, meetings] = await Promise.all([
    repo.membersOf(db, id),
    repo.meetingsOf(db, id, isStaff(actor)),
  ])
  return {
    ...toPanel(row, lang, now),
    members: members.map((m) => toMember(m, actor, now)),
    meetings: meetings.map((m) => ({
      id: m.id,
      title: pick(m.titles as Localized, lang),
      startsAt: m.starts_at.toISOString(),
      status: m.status,
    })),
  }
}

/**
 * What a Panel's input becomes in its row. A new Panel is Union-wide by default (a secretariat limited to a
 * Sector gets its own) and reports to the Council; a change that leaves the Sector or the body out keeps them.
 */
async function panelValues(
  trx: Db,
  actor: Actor,
  input: PanelInput,
  before?: { id: string; sector_id: string | null; reports_to_body_id: string | null },
) {
  const taken = await repo.panelByCode(trx, input.code)
  if (taken && taken.id !== before?.id)
    throw new AppError('PANEL_CODE_TAKEN', {}, { code: ['panel_code_taken'] })
  const sectorId =
    before && input.sector === undefined
      ? before.sector_id
      : await resolveSector(trx, actor, input.sector ?? (sectorScope(actor) === null ? UNION : undefined))
  // The body must exist when the term begins; by default the Council of that day.
  const reportsTo = input.reportsToBodyId
    ? (
        await bodyOn(trx, actor, { id: input.reportsToBodyId }, input.termStartsOn, {
          id: 'reportsToBodyId',
          code: 'reportsToBodyId',
        })
      ).id
    : before
      ? before.reports_to_body_id
      : ((await bodyOfKindOn(trx, 'council', null, input.termStartsOn)) ?? null)
  return {
    code: input.code,
    names: JSON.stringify(input.names),
    sector_id: sectorId,
    reports_to_body_id: reportsTo,
    term_starts_on: input.termStartsOn,
    term_ends_on: input.termEndsOn,
  }
}

export async function createPanel(
  db: Db,
  actor: Actor,
  input: PanelInput,
  lang: Language,
): Promise<PanelDetail> {
  assertStaffWrite(actor)
  const id = await inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto('advisory_panel')
      .values(await panelValues(trx, actor, input))
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'advisory_panel',
      entityId: row.id,
      after: row,
    })
    return row.id
  })
  return getPanel(db, actor, id, lang)
}

/** Code, names, Sector, the body reported to and the term; a stale version is refused (409). */
export async function updatePanel(
  db: Db,
  actor: Actor,
  id: string,
  input: PanelUpdate,
  lang: Language,
): Promise<PanelDetail> {
  await inTransaction(db, async (trx) => {
    const before = await panelForChange(trx, actor, id)
    if (before.version !== input.version) throw new AppError('PANEL_CONFLICT', { version: before.version })
    const values = await panelValues(trx, actor, input, before)
    // The term must still hold the Panel's members and advice.
    const span = await repo.recordSpan(trx, id)
    const errors: FieldErrors = {}
    const first = [span.first_member, span.first_advice].filter((d): d is string => !!d).sort()[0]
    const last = [span.last_member, span.last_advice]
      .filter((d): d is string => !!d)
      .sort()
      .at(-1)
    if (first && first < input.termStartsOn) errors.termStartsOn = ['panel_term_excludes_records']
    if (last && last > input.termEndsOn) errors.termEndsOn = ['panel_term_excludes_records']
    if (Object.keys(errors).length) fail('VALIDATION_FAILED', errors)
    const after = await trx
      .updateTable('advisory_panel')
      .set({ ...values, version: before.version + 1, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'advisory_panel',
      entityId: id,
      before,
      after,
    })
  })
  return getPanel(db, actor, id, lang)
}

// ---------------------------------------------------------------- members

/**
 * A member from a day within the term: a person of the directory not already sitting on the Panel then; an
 * alternate stands in for a current principal of the same Panel, one alternate per principal.
 */
export async function addMember(db: Db, actor: Actor, panelId: string, input: MemberInput): Promise<string> {
  return inTransaction(db, async (trx) => {
    const panel = await panelForChange(trx, actor, panelId)
    assertWithinTerm('startsOn', panel, input.startsOn)
    const person = await repo.findPersonForMembership(trx, input.personId)
    if (!person || person.archived_at || person.erased_at)
      fail('VALIDATION_FAILED', { personId: ['person_unknown'] })
    if (await repo.membershipNotEndedBy(trx, panelId, input.personId, input.startsOn))
      throw new AppError('PANEL_MEMBER_EXISTS', {}, { personId: ['panel_member_exists'] })
    if (input.role === 'alternate') {
      const principal = await repo.lockMember(trx, input.alternateFor!)
      const refuse = (message: string) =>
        new AppError('PANEL_ALTERNATE_INVALID', {}, { alternateFor: [message] })
      if (!principal) throw refuse('panel_alternate_for_unknown')
      if (principal.panel_id !== panelId) throw refuse('panel_alternate_other_panel')
      if (principal.role !== 'principal') throw refuse('panel_alternate_not_principal')
      if (principal.starts_on > input.startsOn || (principal.ends_on && principal.ends_on < input.startsOn))
        throw refuse('panel_principal_not_current')
      if (await repo.alternateOf(trx, principal.id, input.startsOn)) throw refuse('panel_alternate_taken')
    }
    const row = await trx
      .insertInto('advisory_panel_member')
      .values({
        panel_id: panelId,
        person_id: input.personId,
        role: input.role,
        alternate_for: input.role === 'alternate' ? input.alternateFor! : null,
        starts_on: input.startsOn,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'advisory_panel_member',
      entityId: row.id,
      after: row,
    })
    return row.id
  })
}

/** Ends a membership on a day (within the term); a principal's alternates end with it. */
export async function endMember(
  db: Db,
  actor: Actor,
  panelId: string,
  memberId: string,
  input: MemberEnd,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const panel = await panelForChange(trx, actor, panelId)
    const before = await repo.lockMember(trx, memberId)
    if (!before || before.panel_id !== panelId) throw new AppError('PANEL_MEMBER_NOT_FOUND')
    if (before.version !== input.version) throw new AppError('PANEL_CONFLICT', { version: before.version })
    if (before.ends_on) throw new AppError('PANEL_MEMBER_ENDED', { endsOn: before.ends_on })
    if (input.endsOn < before.starts_on) fail('VALIDATION_FAILED', { endsOn: ['panel_end_before_start'] })
    assertWithinTerm('endsOn', panel, input.endsOn)
    const ended = [{ before, endsOn: input.endsOn }]
    if (before.role === 'principal')
      // An alternate who joined after that day leaves on the day they joined.
      for (const alt of await repo.alternatesNotEndedBy(trx, memberId, input.endsOn))
        ended.push({ before: alt, endsOn: [alt.starts_on, input.endsOn].sort()[1]! })
    for (const e of ended) {
      const after = await trx
        .updateTable('advisory_panel_member')
        .set({ ends_on: e.endsOn, version: e.before.version + 1, updated_at: new Date() })
        .where('id', '=', e.before.id)
        .returningAll()
        .executeTakeFirstOrThrow()
      await recordAudit(trx, actor, {
        action: 'update',
        entityType: 'advisory_panel_member',
        entityId: e.before.id,
        summary: e.before.id === memberId ? 'membership ended' : 'membership ended with its principal',
        before: e.before,
        after,
      })
    }
  })
}

// ---------------------------------------------------------------- advice

function toAdvice(r: repo.AdviceRow, actor: Actor, lang: Language, now: string): Advice {
  const texts = r.advice as Localized
  const status = r.status as AdviceStatus
  const addressee = r.addressed_to_name
  // A draft meeting is the secretariat's working copy: others see neither its title nor its link.
  const meetingVisible = r.meeting_id !== null && (r.meeting_status !== 'draft' || isStaff(actor))
  return {
    id: r.id,
    panelId: r.panel_id,
    number: r.number,
    givenOn: r.given_on,
    text: pick(texts, lang),
    texts,
    addressedTo: r.addressed_to,
    addressedToBodyId: r.addressed_to_body_id,
    addressedToName: addressee ? pick(addressee.names as Localized, lang) || r.addressed_to : r.addressed_to,
    meetingId: meetingVisible ? r.meeting_id : null,
    meetingTitle: meetingVisible ? pick(r.meeting_titles as Localized, lang) : null,
    dueDate: r.due_date,
    overdue: policy.isOpen(status) && r.due_date !== null && r.due_date < now,
    status,
    response: r.response,
    respondedOn: r.responded_on,
    actionTaken: r.action_taken,
    version: r.version,
  }
}

async function assertPanelExists(db: Db, panelId: string): Promise<void> {
  const row = await db.selectFrom('advisory_panel').select('id').where('id', '=', panelId).executeTakeFirst()
  if (!row) throw new AppError('PANEL_NOT_FOUND')
}

export async function listAdvice(
  db: Db,
  actor: Actor,
  panelId: string,
  q: AdviceQuery,
  lang: Language,
): Promise<Page<Advice>> {
  assertReader(actor)
  await assertPanelExists(db, panelId)
  const now = today()
  const { rows, total } = await repo.listAdvice(db, panelId, {
    status: q.status,
    bodyId: q.body,
    page: q.page,
    pageSize: q.pageSize,
  })
  return { items: rows.map((r) => toAdvice(r, actor, lang, now)), total, page: q.page, pageSize: q.pageSize }
}

/** The bodies the Panel's advice went to (for the list's filter). */
export async function adviceAddressees(db: Db, actor: Actor, panelId: string) {
  assertReader(actor)
  return repo.addressees(db, panelId)
}

export async function getAdvice(
  db: Db,
  actor: Actor,
  panelId: string,
  adviceId: string,
  lang: Language,
): Promise<AdviceDetail> {
  assertReader(actor)
  const row = await repo.findAdvice(db, panelId, adviceId)
  if (!row) throw new AppError('ADVICE_NOT_FOUND')
  const updates = await repo.adviceUpdates(db, adviceId)
  return {
    ...toAdvice(row, actor, lang, today()),
    updates: updates.map((u) => ({
      at: u.created_at.toISOString(),
      by: u.author_label,
      status: u.status as AdviceStatus,
      note: u.note,
    })),
  }
}

/** The addressee and the meeting of advice given on a day, checked. */
async function adviceReferences(
  trx: Db,
  actor: Actor,
  panelId: string,
  input: Pick<AdviceInput, 'addressedToBodyId' | 'addressedTo' | 'meetingId' | 'givenOn'>,
) {
  const body = await bodyOn(
    trx,
    actor,
    { id: input.addressedToBodyId, code: input.addressedTo },
    input.givenOn,
    { id: 'addressedToBodyId', code: 'addressedTo' },
  )
  if (input.meetingId) {
    const meeting = await repo.meetingOfPanel(trx, input.meetingId)
    if (meeting?.panel_id !== panelId) fail('VALIDATION_FAILED', { meetingId: ['panel_meeting_invalid'] })
  }
  return body
}

/** Advice given on a day of the term, to a body that existed that day; numbered in the Panel's order. */
export async function createAdvice(
  db: Db,
  actor: Actor,
  panelId: string,
  input: AdviceInput,
  lang: Language,
): Promise<string> {
  return inTransaction(db, async (trx) => {
    const panel = await panelForChange(trx, actor, panelId)
    assertWithinTerm('givenOn', panel, input.givenOn)
    const body = await adviceReferences(trx, actor, panelId, input)
    const row = await trx
      .insertInto('advisory_panel_advice')
      .values({
        panel_id: panelId,
        number: await repo.nextAdviceNumber(trx, panelId),
        meeting_id: input.meetingId ?? null,
        given_on: input.givenOn,
        advice: JSON.stringify(input.advice),
        addressed_to_body_id: body.id,
        addressed_to: body.code,
        due_date: input.dueDate,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('advisory_panel_advice_update')
      .values({
        advice_id: row.id,
        status: 'given',
        note: input.note || systemNote(lang, 'recorded'),
        author_user_id: actorUserId(actor),
        author_label: authorLabel(actor),
      })
      .execute()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'advisory_panel_advice',
      entityId: row.id,
      after: row,
    })
    return row.id
  })
}

/** Corrects the advice as recorded (text, day, addressee, meeting, due date); stale versions are refused. */
export async function updateAdvice(
  db: Db,
  actor: Actor,
  panelId: string,
  adviceId: string,
  input: AdviceUpdate,
  lang: Language,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const panel = await panelForChange(trx, actor, panelId)
    const before = await repo.lockAdvice(trx, panelId, adviceId)
    if (!before) throw new AppError('ADVICE_NOT_FOUND')
    if (before.version !== input.version) throw new AppError('ADVICE_CONFLICT', { version: before.version })
    assertWithinTerm('givenOn', panel, input.givenOn)
    if (before.responded_on && before.responded_on < input.givenOn)
      fail('VALIDATION_FAILED', { givenOn: ['panel_given_after_response'] })
    const body = await adviceReferences(trx, actor, panelId, input)
    const after = await trx
      .updateTable('advisory_panel_advice')
      .set({
        given_on: input.givenOn,
        advice: JSON.stringify(input.advice),
        addressed_to_body_id: body.id,
        addressed_to: body.code,
        meeting_id: input.meetingId ?? null,
        due_date: input.dueDate,
        version: before.version + 1,
        updated_at: new Date(),
      })
      .where('id', '=', adviceId)
      .returningAll()
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('advisory_panel_advice_update')
      .values({
        advice_id: adviceId,
        status: before.status,
        note: systemNote(lang, 'corrected'),
        author_user_id: actorUserId(actor),
        author_label: authorLabel(actor),
      })
      .execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'advisory_panel_advice',
      entityId: adviceId,
      before,
      after,
    })
  })
}

/**
 * Follows advice up: a move in its status (or none), always with a dated note, and the addressee's response
 * with its day and what was done. A decision needs the response; "implemented" needs what was done.
 */
export async function followUpAdvice(
  db: Db,
  actor: Actor,
  panelId: string,
  adviceId: string,
  input: AdviceStatusInput,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    await panelForChange(trx, actor, panelId)
    const before = await repo.lockAdvice(trx, panelId, adviceId)
    if (!before) throw new AppError('ADVICE_NOT_FOUND')
    if (before.version !== input.version) throw new AppError('ADVICE_CONFLICT', { version: before.version })
    const from = before.status as AdviceStatus
    if (!policy.canMove(from, input.status))
      throw new AppError(
        'ADVICE_TRANSITION_INVALID',
        { from, to: input.status, allowed: policy.allowedMoves(from) },
        { status: ['panel_status_not_allowed'] },
      )
    const response = input.response ?? before.response
    const respondedOn = input.respondedOn ?? before.responded_on
    const actionTaken = input.actionTaken ?? before.action_taken
    const errors: FieldErrors = {}
    if (policy.DECIDED.includes(input.status) && !response) errors.response = ['panel_response_required']
    if (response && !respondedOn) errors.respondedOn = ['panel_responded_on_required']
    if (respondedOn && respondedOn < before.given_on) errors.respondedOn = ['panel_responded_before_given']
    else if (respondedOn && respondedOn > today()) errors.respondedOn = ['panel_responded_in_future']
    if (input.status === 'implemented' && !actionTaken) errors.actionTaken = ['panel_action_taken_required']
    if (Object.keys(errors).length) fail('VALIDATION_FAILED', errors)
    const after = await trx
      .updateTable('advisory_panel_advice')
      .set({
        status: input.status,
        response,
        responded_on: respondedOn,
        action_taken: actionTaken,
        version: before.version + 1,
        updated_at: new Date(),
      })
      .where('id', '=', adviceId)
      .returningAll()
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('advisory_panel_advice_update')
      .values({
        advice_id: adviceId,
        status: input.status,
        note: input.note,
        author_user_id: actorUserId(actor),
        author_label: authorLabel(actor),
      })
      .execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'advisory_panel_advice',
      entityId: adviceId,
      summary: from === input.status ? 'follow-up note' : `${from} → ${input.status}`,
      before,
      after,
    })
  })
}

// ---------------------------------------------------------------- what the forms offer

/** People of the directory to choose a member from (the first 100 matching a search). */
export async function peopleChoices(db: Db, actor: Actor, search: string | undefined) {
  assertStaffWrite(actor)
  const page = await directory.searchPeople(db, actor, {
    q: search?.trim() || undefined,
    archived: 'exclude',
    sort: 'name',
    dir: 'asc',
    page: 1,
    pageSize: 100,
  })
  return { more: page.total > page.items.length, people: page.items }
}

/** Whether the actor may change this Panel (for showing the forms; the services check again). */
export function canChange(
  actor: Actor,
  panel: Pick<Panel, 'sector'>,
  sectors: { id: string; code: string }[],
) {
  const sectorId = panel.sector === null ? null : (sectors.find((s) => s.code === panel.sector)?.id ?? '')
  return policy.canChangePanel(actor, sectorId)
}
