import { type ExpressionBuilder, sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { DB } from '../../db/schema.ts'
import { likePattern, localizedText } from '../../db/search.ts'
import { inTransaction } from '../../db/transaction.ts'
import { AppError } from '../../http/errors.ts'
import { type Language, type Localized, pick } from '../../i18n/i18n.ts'
import { recordAudit } from '../audit/audit.service.ts'
import {
  type Actor,
  canWrite,
  deny,
  focalPointCountries,
  isStaff,
  isUser,
  representedOrganizationIds,
} from '../auth/auth.policy.ts'
import { assertRecordInScope, resolveSector, sectorFilter } from '../structure/scope.ts'
import { importConsultationTopics } from '../topics/topics.service.ts'
import { type Audience, resolveAudience } from './audience.ts'
import type {
  Consultation,
  ConsultationInput,
  ConsultationQuery,
  ConsultationResponse,
  ConsultationSummary,
  Target,
} from './consultations.schema.ts'
import { dispatchInvitations, invitationSummary } from './invitations.ts'
import { checkAnswers, type Questionnaire, QuestionnaireSchema } from './questionnaire.ts'

function assertStaffWrite(actor: Actor): void {
  if (!(isStaff(actor) && canWrite(actor))) deny(actor)
}

async function latestVersion(db: Db, consultationId: string) {
  const row = await db
    .selectFrom('questionnaire_version')
    .select(['version', 'definition'])
    .where('consultation_id', '=', consultationId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow()
  return { version: row.version, definition: QuestionnaireSchema.parse(row.definition) as Questionnaire }
}

/** Targets and responses are for signed-in members and the secretariat. */
function assertMember(actor: Actor): void {
  if (!isUser(actor) && actor.kind !== 'system') deny(actor)
}

/**
 * Who sees a consultation: the secretariat, all; others, once it is open, those it asks (a focal point of a
 * targeted country, a representative of a targeted organization), and anyone when it publishes aggregates.
 */
/** Who may see a consultation at all; lists, pages, the API, results and exports share it. */
export function visibleTo(actor: Actor) {
  return (eb: ExpressionBuilder<DB, 'consultation'>) => {
    if (isStaff(actor)) return eb.val(true)
    const countries = focalPointCountries(actor)
    const orgs = representedOrganizationIds(actor)
    const mine = eb.exists(
      eb
        .selectFrom('consultation_target as t')
        .select('t.id')
        .whereRef('t.consultation_id', '=', 'consultation.id')
        .where((w) =>
          w.or([
            ...(countries.length ? [w('t.country_code', 'in', countries)] : []),
            ...(orgs.length ? [w('t.organization_id', 'in', orgs)] : []),
            w.val(false),
          ]),
        ),
    )
    return eb.and([
      eb('consultation.status', '<>', 'draft'),
      eb.or([eb('consultation.confidentiality', '=', 'aggregated_public'), mine]),
    ])
  }
}

const counts = (eb: ExpressionBuilder<DB, 'consultation'>) => [
  eb
    .selectFrom('sector')
    .select('sector.code')
    .whereRef('sector.id', '=', 'consultation.sector_id')
    .as('sector_code'),
  eb
    .selectFrom('consultation_target')
    .select(eb.fn.countAll<number>().as('n'))
    .whereRef('consultation_target.consultation_id', '=', 'consultation.id')
    .as('targets'),
  eb
    .selectFrom('consultation_response')
    .select(eb.fn.countAll<number>().as('n'))
    .whereRef('consultation_response.consultation_id', '=', 'consultation.id')
    .where('consultation_response.state', '=', 'submitted')
    .as('submitted'),
]

export async function getConsultation(
  db: Db,
  actor: Actor,
  id: string,
  lang: Language,
): Promise<Consultation> {
  const row = await db
    .selectFrom('consultation')
    .selectAll()
    .select(counts)
    .where('id', '=', id)
    .where(visibleTo(actor))
    .executeTakeFirst()
  if (!row) throw new AppError('CONSULTATION_NOT_FOUND')
  const [q, invitations] = await Promise.all([latestVersion(db, id), invitationSummary(db, actor, id)])
  const titles = row.titles as Record<string, string>
  return {
    id: row.id,
    title: pick(titles, lang),
    titles,
    purpose: row.purpose as Consultation['purpose'],
    meetingId: row.meeting_id,
    audience: row.audience as Record<string, unknown>,
    opensAt: row.opens_at.toISOString(),
    closesAt: row.closes_at.toISOString(),
    confidentiality: row.confidentiality as Consultation['confidentiality'],
    status: row.status as Consultation['status'],
    questionnaireVersion: q.version,
    questionnaire: q.definition as unknown as Record<string, unknown>,
    targets: Number(row.targets ?? 0),
    submitted: Number(row.submitted ?? 0),
    copiedFrom: row.copied_from,
    sector: row.sector_code ?? null,
    invitations,
  }
}

const SORT_COLUMNS = { closes: 'consultation.closes_at', opens: 'consultation.opens_at' } as const

/** Consultations the actor may see, filtered, sorted and paged. */
export async function listConsultations(
  db: Db,
  actor: Actor,
  q: ConsultationQuery,
  lang: Language,
): Promise<{ items: ConsultationSummary[]; total: number }> {
  let query = db.selectFrom('consultation').where(visibleTo(actor))
  if (q.status) query = query.where('consultation.status', '=', q.status)
  if (q.purpose) query = query.where('consultation.purpose', '=', q.purpose)
  if (q.meetingId) query = query.where('consultation.meeting_id', '=', q.meetingId)
  const sectorId = await sectorFilter(db, q.sector)
  if (sectorId !== undefined)
    query = query.where('consultation.sector_id', sectorId === null ? 'is' : '=', sectorId)
  if (q.q) {
    const like = likePattern(q.q)
    query = query.where(localizedText('consultation.titles'), 'ilike', like)
  }
  const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  let rows = query.selectAll('consultation').select(counts)
  // Titles sort in the reader's language, falling back to English.
  rows =
    q.sort === 'title'
      ? rows.orderBy(
          sql`coalesce(nullif(consultation.titles->>${lang}, ''), consultation.titles->>'en')`,
          q.dir,
        )
      : rows.orderBy(SORT_COLUMNS[q.sort], q.dir)
  const items = await rows
    .orderBy('consultation.id')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute()
  return {
    total: Number(total.n),
    items: items.map((r) => ({
      id: r.id,
      title: pick(r.titles as Localized, lang),
      purpose: r.purpose as ConsultationSummary['purpose'],
      meetingId: r.meeting_id,
      opensAt: r.opens_at.toISOString(),
      closesAt: r.closes_at.toISOString(),
      confidentiality: r.confidentiality as ConsultationSummary['confidentiality'],
      status: r.status as ConsultationSummary['status'],
      targets: Number(r.targets ?? 0),
      submitted: Number(r.submitted ?? 0),
      sector: r.sector_code ?? null,
    })),
  }
}

async function assertReferences(trx: Db, input: ConsultationInput, self?: string): Promise<void> {
  if (
    input.meetingId &&
    !(await trx.selectFrom('meeting').select('id').where('id', '=', input.meetingId).executeTakeFirst())
  ) {
    throw new AppError('VALIDATION_FAILED', {}, { meetingId: ['meeting_unknown'] })
  }
  if (
    input.copiedFrom &&
    (input.copiedFrom === self ||
      !(await trx
        .selectFrom('consultation')
        .select('id')
        .where('id', '=', input.copiedFrom)
        .executeTakeFirst()))
  ) {
    throw new AppError('VALIDATION_FAILED', {}, { copiedFrom: ['consultation_unknown'] })
  }
}

export async function createConsultation(
  db: Db,
  actor: Actor,
  input: ConsultationInput,
  lang: Language,
): Promise<Consultation> {
  assertStaffWrite(actor)
  const id = await inTransaction(db, async (trx) => {
    // A Sector-limited secretariat creates only in its own Sector (resolveSector refuses the others).
    const sectorId = await resolveSector(trx, actor, input.sector)
    await assertReferences(trx, input)
    const row = await trx
      .insertInto('consultation')
      .values({
        sector_id: sectorId,
        titles: JSON.stringify(input.titles),
        purpose: input.purpose,
        meeting_id: input.meetingId,
        audience: JSON.stringify(input.audience),
        opens_at: new Date(input.opensAt),
        closes_at: new Date(input.closesAt),
        confidentiality: input.confidentiality,
        copied_from: input.copiedFrom,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('questionnaire_version')
      .values({ consultation_id: row.id, version: 1, definition: JSON.stringify(input.questionnaire) })
      .execute()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'consultation',
      entityId: row.id,
      after: row,
    })
    return row.id
  })
  return getConsultation(db, actor, id, lang)
}

/**
 * Edits a consultation. A draft can change in every respect. Once open, who is asked and how answers are
 * shared are fixed (changing them would change what respondents agreed to); titles, the closing date and
 * the questions may still change, the questions as a new version.
 */
export async function updateConsultation(
  db: Db,
  actor: Actor,
  id: string,
  input: ConsultationInput,
  lang: Language,
): Promise<Consultation> {
  assertStaffWrite(actor)
  await inTransaction(db, async (trx) => {
    const before = await trx
      .selectFrom('consultation')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst()
    if (!before) throw new AppError('CONSULTATION_NOT_FOUND')
    await assertRecordInScope(trx, actor, 'consultation', id)
    // Moving it is checked too: a limited secretariat cannot hand a consultation to another Sector.
    const sectorId =
      input.sector === undefined ? before.sector_id : await resolveSector(trx, actor, input.sector)
    if (before.status === 'closed')
      throw new AppError('CONSULTATION_STATE_INVALID', { status: before.status })
    await assertReferences(trx, input, id)
    if (before.status === 'open') {
      const fixed: [string, boolean][] = [
        ['purpose', input.purpose === before.purpose],
        ['meetingId', input.meetingId === before.meeting_id],
        ['confidentiality', input.confidentiality === before.confidentiality],
        ['audience', JSON.stringify(input.audience) === JSON.stringify(before.audience)],
        ['opensAt', new Date(input.opensAt).getTime() === before.opens_at.getTime()],
      ]
      const changed = fixed.filter(([, same]) => !same).map(([k]) => k)
      if (changed.length) {
        throw new AppError(
          'CONSULTATION_STATE_INVALID',
          { status: before.status },
          Object.fromEntries(changed.map((k) => [k, ['fixed_once_open']])),
        )
      }
    }
    const after = await trx
      .updateTable('consultation')
      .set({
        titles: JSON.stringify(input.titles),
        purpose: input.purpose,
        meeting_id: input.meetingId,
        audience: JSON.stringify(input.audience),
        opens_at: new Date(input.opensAt),
        closes_at: new Date(input.closesAt),
        confidentiality: input.confidentiality,
        copied_from: input.copiedFrom,
        sector_id: sectorId,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
    const current = await latestVersion(trx, id)
    if (JSON.stringify(current.definition) !== JSON.stringify(input.questionnaire)) {
      if (before.status === 'draft') {
        // Nobody has answered a draft: its questionnaire is simply replaced.
        await trx
          .updateTable('questionnaire_version')
          .set({ definition: JSON.stringify(input.questionnaire) })
          .where('consultation_id', '=', id)
          .where('version', '=', current.version)
          .execute()
      } else {
        await trx
          .insertInto('questionnaire_version')
          .values({
            consultation_id: id,
            version: current.version + 1,
            definition: JSON.stringify(input.questionnaire),
          })
          .execute()
      }
    }
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'consultation',
      entityId: id,
      before,
      after,
    })
  })
  return getConsultation(db, actor, id, lang)
}

/** A changed questionnaire is a new version: responses given earlier keep the version they answered. */
export async function reviseQuestionnaire(
  db: Db,
  actor: Actor,
  id: string,
  definition: Questionnaire,
): Promise<number> {
  assertStaffWrite(actor)
  return inTransaction(db, async (trx) => {
    const c = await trx
      .selectFrom('consultation')
      .select(['id', 'status'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst()
    if (!c) throw new AppError('CONSULTATION_NOT_FOUND')
    await assertRecordInScope(trx, actor, 'consultation', id)
    if (c.status === 'closed') throw new AppError('CONSULTATION_STATE_INVALID', { status: c.status })
    const { version } = await latestVersion(trx, id)
    await trx
      .insertInto('questionnaire_version')
      .values({ consultation_id: id, version: version + 1, definition: JSON.stringify(definition) })
      .execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'consultation',
      entityId: id,
      summary: `questionnaire version ${version + 1}`,
    })
    return version + 1
  })
}

/** Opening fixes the audience: the rule is resolved against the directory as it is now. */
export async function openConsultation(
  db: Db,
  actor: Actor,
  id: string,
  publicUrl: string,
  now = new Date(),
): Promise<number> {
  assertStaffWrite(actor)
  return inTransaction(db, async (trx) => {
    const c = await trx
      .selectFrom('consultation')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst()
    if (!c) throw new AppError('CONSULTATION_NOT_FOUND')
    await assertRecordInScope(trx, actor, 'consultation', id)
    if (c.status !== 'draft') throw new AppError('CONSULTATION_STATE_INVALID', { status: c.status })
    const { kind, ids } = await resolveAudience(trx, c.audience as Audience)
    if (ids.length) {
      await trx
        .insertInto('consultation_target')
        .values(
          ids.map((t) =>
            kind === 'countries'
              ? { consultation_id: id, country_code: t }
              : { consultation_id: id, organization_id: t },
          ),
        )
        .execute()
    }
    await trx
      .updateTable('consultation')
      .set({ status: 'open', updated_at: new Date() })
      .where('id', '=', id)
      .execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'consultation',
      entityId: id,
      summary: `opened to ${ids.length} ${kind}`,
    })
    // Invitations go out now if it is already open for answers; otherwise the periodic run sends them.
    if (c.opens_at <= now) await dispatchInvitations(trx, publicUrl, { consultationId: id, now })
    return ids.length
  })
}

export async function closeConsultation(db: Db, actor: Actor, id: string): Promise<void> {
  assertStaffWrite(actor)
  await inTransaction(db, async (trx) => {
    const c = await trx
      .selectFrom('consultation')
      .select('status')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst()
    if (!c) throw new AppError('CONSULTATION_NOT_FOUND')
    await assertRecordInScope(trx, actor, 'consultation', id)
    if (c.status !== 'open') throw new AppError('CONSULTATION_STATE_INVALID', { status: c.status })
    await trx
      .updateTable('consultation')
      .set({ status: 'closed', updated_at: new Date() })
      .where('id', '=', id)
      .execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'consultation',
      entityId: id,
      summary: 'closed',
    })
    // What respondents proposed enters the topic registry, linked to this consultation.
    await importConsultationTopics(trx, actor, id)
  })
}

/**
 * Whether respondents may still read their own country's or organization's response. They always may
 * while the consultation is open (to amend it); after closing, only when the consultation shares answers
 * with the respondent's own country or organization ('own') or publishes aggregates. With 'secretariat',
 * a closed consultation's answers are the secretariat's alone.
 */
export function respondentsMayRead(c: { status: string; confidentiality: string }): boolean {
  return c.status !== 'closed' || c.confidentiality !== 'secretariat'
}

/**
 * The targets an actor answers for: the secretariat sees all; a focal point its country; a
 * representative its organization. Nobody learns of other targets' answers through this list.
 */
export async function targetsFor(
  db: Db,
  actor: Actor,
  consultationId: string,
  lang: Language,
): Promise<Target[]> {
  assertMember(actor)
  let q = db
    .selectFrom('consultation_target')
    .leftJoin('country', 'country.code', 'consultation_target.country_code')
    .leftJoin('organization', 'organization.id', 'consultation_target.organization_id')
    .leftJoin('consultation_response', 'consultation_response.target_id', 'consultation_target.id')
    .select([
      'consultation_target.id',
      'consultation_target.country_code',
      'consultation_target.organization_id',
      'country.names as country_names',
      'organization.name as organization_name',
      'consultation_response.state as response_state',
    ])
    .where('consultation_target.consultation_id', '=', consultationId)
  if (!isStaff(actor)) {
    // A consultation the actor may not see is absent here too, not an empty list that confirms it exists.
    const visible = await db
      .selectFrom('consultation')
      .select('id')
      .where('id', '=', consultationId)
      .where(visibleTo(actor))
      .executeTakeFirst()
    if (!visible) throw new AppError('CONSULTATION_NOT_FOUND')
    const countries = focalPointCountries(actor)
    const orgs = representedOrganizationIds(actor)
    if (!countries.length && !orgs.length) return []
    q = q.where((eb) =>
      eb.or([
        ...(countries.length ? [eb('consultation_target.country_code', 'in', countries)] : []),
        ...(orgs.length ? [eb('consultation_target.organization_id', 'in', orgs)] : []),
      ]),
    )
  }
  const rows = await q.execute()
  return rows
    .map((r) => ({
      id: r.id,
      countryCode: r.country_code,
      organizationId: r.organization_id,
      name: r.country_code
        ? pick(r.country_names as Localized, lang) || r.country_code
        : (r.organization_name ?? ''),
      responseState: (r.response_state ?? 'none') as Target['responseState'],
    }))
    .sort((a, b) => a.name.localeCompare(b.name, lang))
}

/** The target row, if the actor answers for it (else 404: a respondent learns nothing of others). */
async function answerableTarget(
  db: Db,
  actor: Actor,
  consultationId: string,
  targetId: string,
  purpose: 'read' | 'write' = 'read',
) {
  assertMember(actor)
  const t = await db
    .selectFrom('consultation_target')
    .innerJoin('consultation', 'consultation.id', 'consultation_target.consultation_id')
    .selectAll('consultation_target')
    .select(['consultation.status', 'consultation.confidentiality'])
    .where('consultation_target.id', '=', targetId)
    .where('consultation_target.consultation_id', '=', consultationId)
    .executeTakeFirst()
  if (!t) throw new AppError('RESPONSE_NOT_FOUND')
  const mine =
    (t.country_code && focalPointCountries(actor).includes(t.country_code)) ||
    (t.organization_id && representedOrganizationIds(actor).includes(t.organization_id))
  // A late answer is told the consultation is closed (409), not that its response has gone.
  if (!isStaff(actor) && (!mine || (purpose === 'read' && !respondentsMayRead(t))))
    throw new AppError('RESPONSE_NOT_FOUND')
  return { target: t, mine: !!mine }
}

export async function getResponse(
  db: Db,
  actor: Actor,
  consultationId: string,
  targetId: string,
): Promise<ConsultationResponse | null> {
  await answerableTarget(db, actor, consultationId, targetId)
  const r = await db
    .selectFrom('consultation_response')
    .selectAll()
    .where('target_id', '=', targetId)
    .executeTakeFirst()
  if (!r) return null
  const changes = await db
    .selectFrom('consultation_response_change')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('response_id', '=', r.id)
    .executeTakeFirstOrThrow()
  return {
    targetId,
    questionnaireVersion: r.questionnaire_version,
    answers: r.answers as Record<string, unknown>,
    state: r.state as ConsultationResponse['state'],
    submittedAt: r.submitted_at?.toISOString() ?? null,
    updatedAt: r.updated_at.toISOString(),
    changes: Number(changes.n),
  }
}

/**
 * Saves the one response of a country or organization: a draft, or a submission that must answer every
 * required question. It can be amended until the consultation closes; every save is kept with its author.
 */
export async function saveResponse(
  db: Db,
  actor: Actor,
  consultationId: string,
  targetId: string,
  input: { answers: Record<string, unknown>; submit: boolean },
  now = new Date(),
): Promise<ConsultationResponse> {
  if (!isUser(actor) || !canWrite(actor)) deny(actor)
  const { mine } = await answerableTarget(db, actor, consultationId, targetId, 'write')
  // The secretariat reads responses; only the respondents themselves write them.
  if (!mine) deny(actor)
  await inTransaction(db, async (trx) => {
    const c = await trx
      .selectFrom('consultation')
      .select(['status', 'opens_at', 'closes_at'])
      .where('id', '=', consultationId)
      .forUpdate()
      .executeTakeFirstOrThrow()
    // Respondents answer for their country or organization: a Sector limit on a secretariat role the same
    // user may hold limits staff changes, not that.
    if (c.status !== 'open' || now < c.opens_at || now >= c.closes_at)
      throw new AppError('CONSULTATION_NOT_OPEN')
    const { version, definition } = await latestVersion(trx, consultationId)
    const existing = await trx
      .selectFrom('consultation_response')
      .select(['id', 'state'])
      .where('target_id', '=', targetId)
      .forUpdate()
      .executeTakeFirst()
    // Once submitted, a response stays submitted: an amendment must still answer the required questions.
    const state = input.submit || existing?.state === 'submitted' ? 'submitted' : 'draft'
    const check = checkAnswers(definition, input.answers, state === 'submitted' ? 'submit' : 'draft')
    if (!check.ok) {
      throw new AppError(
        'VALIDATION_FAILED',
        {},
        Object.fromEntries(Object.entries(check.errors).map(([k, v]) => [`answers.${k}`, v])),
      )
    }
    const values = {
      questionnaire_version: version,
      answers: JSON.stringify(check.answers),
      state,
      submitted_at: state === 'submitted' ? now : null,
      updated_at: now,
      updated_by: actor.userId,
    }
    const row = existing
      ? await trx
          .updateTable('consultation_response')
          .set(values)
          .where('id', '=', existing.id)
          .returning('id')
          .executeTakeFirstOrThrow()
      : await trx
          .insertInto('consultation_response')
          .values({ consultation_id: consultationId, target_id: targetId, ...values })
          .returning('id')
          .executeTakeFirstOrThrow()
    await trx
      .insertInto('consultation_response_change')
      .values({
        response_id: row.id,
        changed_by: actor.userId,
        state,
        answers: JSON.stringify(check.answers),
      })
      .execute()
    await recordAudit(trx, actor, {
      action: existing ? 'update' : 'create',
      entityType: 'consultation_response',
      entityId: row.id,
      summary: state,
    })
  })
  return (await getResponse(db, actor, consultationId, targetId))!
}

export type ResponseChange = { at: string; by: string; state: 'draft' | 'submitted' }

/** Who changed a shared response and when: for the respondents of that target and the secretariat. */
export async function responseHistory(
  db: Db,
  actor: Actor,
  consultationId: string,
  targetId: string,
): Promise<ResponseChange[]> {
  await answerableTarget(db, actor, consultationId, targetId)
  const rows = await db
    .selectFrom('consultation_response_change as ch')
    .innerJoin('consultation_response as r', 'r.id', 'ch.response_id')
    .leftJoin('app_user as u', 'u.id', 'ch.changed_by')
    .select(['ch.changed_at', 'ch.state', 'u.name'])
    .where('r.target_id', '=', targetId)
    .orderBy('ch.id', 'desc')
    .limit(50)
    .execute()
  return rows.map((r) => ({
    at: r.changed_at.toISOString(),
    by: r.name ?? '—',
    state: r.state as ResponseChange['state'],
  }))
}

export type MeetingConsultation = {
  id: string
  title: string
  purpose: ConsultationSummary['purpose']
  status: ConsultationSummary['status']
  targets: number
  submitted: number
  opensAt: string
  closesAt: string
  invitations: Awaited<ReturnType<typeof invitationSummary>>
  /** Days between asking (first invitation, else opening) and the meeting's start; null if not asked yet. */
  leadDays: number | null
  /** Proposed topics and free-text needs from submitted responses (secretariat only). */
  topics: { title: string; description: string; from: string }[]
  needs: { text: string; from: string }[]
}

/**
 * The consultations linked to a meeting, as the meeting page shows them: when and whom they asked, the
 * response rate, how long before the meeting they asked, and (for the secretariat) the topics and needs
 * they produced, ready for the agenda.
 */
export async function consultationsForMeeting(
  db: Db,
  actor: Actor,
  meetingId: string,
  lang: Language,
): Promise<MeetingConsultation[]> {
  const meeting = await db
    .selectFrom('meeting')
    .select('starts_at')
    .where('id', '=', meetingId)
    .executeTakeFirst()
  if (!meeting) return []
  const { items } = await listConsultations(
    db,
    actor,
    { meetingId, sort: 'opens', dir: 'asc', page: 1, pageSize: 50 },
    lang,
  )
  const staff = isStaff(actor)
  return Promise.all(
    items.map(async (x) => {
      const invitations = await invitationSummary(db, actor, x.id)
      const asked = invitations?.firstSentAt ?? (x.status !== 'draft' ? x.opensAt : null)
      let topics: MeetingConsultation['topics'] = []
      let needs: MeetingConsultation['needs'] = []
      if (staff && x.status !== 'draft') {
        const [{ definition }, rows] = await Promise.all([
          latestVersion(db, x.id),
          db
            .selectFrom('consultation_response as r')
            .innerJoin('consultation_target as t', 't.id', 'r.target_id')
            .leftJoin('country as co', 'co.code', 't.country_code')
            .leftJoin('organization as o', 'o.id', 't.organization_id')
            .select(['r.answers', 'co.names', 'o.name'])
            .where('r.consultation_id', '=', x.id)
            .where('r.state', '=', 'submitted')
            .execute(),
        ])
        const qs = definition.sections.flatMap((s) => s.questions)
        for (const row of rows) {
          const from = row.names ? pick(row.names as Localized, lang) : (row.name ?? '')
          const answers = row.answers as Record<string, unknown>
          for (const q of qs) {
            const a = answers[q.id]
            if (q.type === 'topic_proposal' && Array.isArray(a))
              topics.push(...(a as { title: string; description: string }[]).map((tp) => ({ ...tp, from })))
            if (q.type === 'long_text' && typeof a === 'string' && a) needs.push({ text: a, from })
          }
        }
        const collator = new Intl.Collator(lang)
        topics = topics.sort((a, b) => collator.compare(a.title, b.title))
        needs = needs.sort((a, b) => collator.compare(a.from, b.from))
      }
      return {
        id: x.id,
        title: x.title,
        purpose: x.purpose,
        status: x.status,
        targets: x.targets,
        submitted: x.submitted,
        opensAt: x.opensAt,
        closesAt: x.closesAt,
        invitations,
        leadDays: asked
          ? Math.floor((meeting.starts_at.getTime() - new Date(asked).getTime()) / 86400_000)
          : null,
        topics,
        needs,
      }
    }),
  )
}
