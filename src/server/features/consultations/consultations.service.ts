import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
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
import { type Audience, resolveAudience } from './audience.ts'
import type { Consultation, ConsultationInput, ConsultationResponse, Target } from './consultations.schema.ts'
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

/** Until published aggregates exist, consultations are for signed-in members and the secretariat only. */
function assertMember(actor: Actor): void {
  if (!isUser(actor) && actor.kind !== 'system') deny(actor)
}

export async function getConsultation(
  db: Db,
  actor: Actor,
  id: string,
  lang: Language,
): Promise<Consultation> {
  assertMember(actor)
  const row = await db.selectFrom('consultation').selectAll().where('id', '=', id).executeTakeFirst()
  // Drafts are the secretariat's; open and closed consultations are visible to those who may answer and to staff.
  if (!row || (row.status === 'draft' && !isStaff(actor))) throw new AppError('CONSULTATION_NOT_FOUND')
  const [q, counts] = await Promise.all([
    latestVersion(db, id),
    sql<{ targets: number; submitted: number }>`
      SELECT (SELECT count(*) FROM consultation_target WHERE consultation_id = ${id})::int AS targets,
             (SELECT count(*) FROM consultation_response WHERE consultation_id = ${id} AND state = 'submitted')::int AS submitted`.execute(
      db,
    ),
  ])
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
    targets: Number(counts.rows[0]?.targets ?? 0),
    submitted: Number(counts.rows[0]?.submitted ?? 0),
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
    if (
      input.meetingId &&
      !(await trx.selectFrom('meeting').select('id').where('id', '=', input.meetingId).executeTakeFirst())
    ) {
      throw new AppError('MEETING_NOT_FOUND', {}, { meetingId: ['meeting_unknown'] })
    }
    const row = await trx
      .insertInto('consultation')
      .values({
        titles: JSON.stringify(input.titles),
        purpose: input.purpose,
        meeting_id: input.meetingId,
        audience: JSON.stringify(input.audience),
        opens_at: new Date(input.opensAt),
        closes_at: new Date(input.closesAt),
        confidentiality: input.confidentiality,
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
export async function openConsultation(db: Db, actor: Actor, id: string): Promise<number> {
  assertStaffWrite(actor)
  return inTransaction(db, async (trx) => {
    const c = await trx
      .selectFrom('consultation')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst()
    if (!c) throw new AppError('CONSULTATION_NOT_FOUND')
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
  })
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
async function answerableTarget(db: Db, actor: Actor, consultationId: string, targetId: string) {
  assertMember(actor)
  const t = await db
    .selectFrom('consultation_target')
    .selectAll()
    .where('id', '=', targetId)
    .where('consultation_id', '=', consultationId)
    .executeTakeFirst()
  if (!t) throw new AppError('RESPONSE_NOT_FOUND')
  const mine =
    (t.country_code && focalPointCountries(actor).includes(t.country_code)) ||
    (t.organization_id && representedOrganizationIds(actor).includes(t.organization_id))
  if (!mine && !isStaff(actor)) throw new AppError('RESPONSE_NOT_FOUND')
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
  const { mine } = await answerableTarget(db, actor, consultationId, targetId)
  // The secretariat reads responses; only the respondents themselves write them.
  if (!mine) deny(actor)
  await inTransaction(db, async (trx) => {
    const c = await trx
      .selectFrom('consultation')
      .select(['status', 'opens_at', 'closes_at'])
      .where('id', '=', consultationId)
      .forUpdate()
      .executeTakeFirstOrThrow()
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
