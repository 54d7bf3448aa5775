import { sql } from 'kysely'
import { z } from 'zod'
import type { Db } from '../../db/database.ts'
import { AppError, fieldErrorsFromIssues } from '../../http/errors.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { type Actor, assertAdmin } from '../auth/auth.policy.ts'
import type { Questionnaire } from '../consultations/questionnaire.ts'

/**
 * Retention of personal data. Once a meeting ended more than `registrationMonths` ago, its registrations
 * (who asked to come, with their notes) are deleted; who attended is kept, because participation figures
 * and reports are built on it. Once a consultation closed more than `answerTextMonths` ago, the answers to
 * its text questions (which may name people) are removed from every response and from the responses'
 * history; the choice, scale and number answers that make up the published aggregates are kept.
 */
export type Retention = {
  registrationMonths: number | null
  answerTextMonths: number | null
  appliedAt: string | null
}

export const HOUSEKEEPER: Actor = { kind: 'system', label: 'retention' }

const Months = z
  .number({ error: 'number_invalid' })
  .int({ error: 'number_invalid' })
  .min(1, { error: 'months_range' })
  .max(600, { error: 'months_range' })
export const RetentionInputSchema = z.object({
  registrationMonths: Months.nullable(),
  answerTextMonths: Months.nullable(),
})
export type RetentionInput = z.infer<typeof RetentionInputSchema>

/** Question types whose answers are free text. */
const TEXT_TYPES = new Set(['short_text', 'long_text', 'topic_proposal'])

export async function getRetention(db: Db, actor: Actor): Promise<Retention> {
  assertAdmin(actor)
  const row = await db.selectFrom('retention_setting').selectAll().executeTakeFirstOrThrow()
  return {
    registrationMonths: row.registration_months,
    answerTextMonths: row.answer_text_months,
    appliedAt: row.applied_at?.toISOString() ?? null,
  }
}

export async function setRetention(db: Db, actor: Actor, input: unknown): Promise<Retention> {
  assertAdmin(actor, true)
  const parsed = RetentionInputSchema.safeParse(input)
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', {}, fieldErrorsFromIssues(parsed.error.issues))
  const v = parsed.data
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('retention_setting').selectAll().forUpdate().executeTakeFirstOrThrow()
    await trx
      .updateTable('retention_setting')
      .set({
        registration_months: v.registrationMonths,
        answer_text_months: v.answerTextMonths,
        updated_at: new Date(),
      })
      .execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'retention_setting',
      entityId: '1',
      before: { registrationMonths: before.registration_months, answerTextMonths: before.answer_text_months },
      after: v,
    })
  })
  return getRetention(db, actor)
}

type Due = {
  registrations: number
  responses: number
  consultations: { id: string; textQuestions: string[] }[]
}

/** What the settings remove now: registrations of meetings ended long enough, answers with text to remove. */
async function due(db: Db): Promise<Due> {
  const setting = await db.selectFrom('retention_setting').selectAll().executeTakeFirstOrThrow()
  const result: Due = { registrations: 0, responses: 0, consultations: [] }
  if (setting.registration_months) {
    const row = await db
      .selectFrom('meeting_registration')
      .innerJoin('meeting', 'meeting.id', 'meeting_registration.meeting_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(
        'meeting.ends_at',
        '<',
        sql<Date>`now() - make_interval(months => ${setting.registration_months})`,
      )
      .executeTakeFirstOrThrow()
    result.registrations = Number(row.n)
  }
  if (setting.answer_text_months) {
    const closed = await db
      .selectFrom('consultation')
      .innerJoin('questionnaire_version', 'questionnaire_version.consultation_id', 'consultation.id')
      .select(['consultation.id', 'questionnaire_version.definition'])
      .where(
        'consultation.closes_at',
        '<',
        sql<Date>`now() - make_interval(months => ${setting.answer_text_months})`,
      )
      .execute()
    const byConsultation = new Map<string, Set<string>>()
    for (const c of closed) {
      const ids = byConsultation.get(c.id) ?? new Set<string>()
      for (const s of (c.definition as unknown as Questionnaire).sections)
        for (const q of s.questions) if (TEXT_TYPES.has(q.type)) ids.add(q.id)
      byConsultation.set(c.id, ids)
    }
    for (const [id, ids] of byConsultation) {
      if (!ids.size) continue
      const textQuestions = [...ids]
      const row = await db
        .selectFrom('consultation_response')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('consultation_id', '=', id)
        .where(sql<boolean>`answers ?| ${sql.val(textQuestions)}::text[]`)
        .executeTakeFirstOrThrow()
      const n = Number(row.n)
      const history = await db
        .selectFrom('consultation_response_change')
        .innerJoin(
          'consultation_response',
          'consultation_response.id',
          'consultation_response_change.response_id',
        )
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('consultation_response.consultation_id', '=', id)
        .where(sql<boolean>`consultation_response_change.answers ?| ${sql.val(textQuestions)}::text[]`)
        .executeTakeFirstOrThrow()
      if (n > 0 || Number(history.n) > 0) {
        result.responses += n
        result.consultations.push({ id, textQuestions })
      }
    }
  }
  return result
}

/** What applying the settings now would remove (shown before an administrator saves or applies them). */
export async function previewRetention(
  db: Db,
  actor: Actor,
): Promise<{ registrations: number; responses: number }> {
  assertAdmin(actor)
  const d = await due(db)
  return { registrations: d.registrations, responses: d.responses }
}

/**
 * Applies the settings, all or nothing, with one audit entry that gives the counts (no names). Run daily
 * by the housekeeping and on demand by an administrator.
 */
export async function applyRetention(
  db: Db,
  actor: Actor = HOUSEKEEPER,
): Promise<{ registrations: number; responses: number }> {
  if (actor !== HOUSEKEEPER) assertAdmin(actor, true)
  return db.transaction().execute(async (trx) => {
    const setting = await trx
      .selectFrom('retention_setting')
      .selectAll()
      .forUpdate()
      .executeTakeFirstOrThrow()
    const d = await due(trx)
    let registrations = 0
    if (setting.registration_months && d.registrations > 0) {
      const deleted = await trx
        .deleteFrom('meeting_registration')
        .where(
          'meeting_id',
          'in',
          trx
            .selectFrom('meeting')
            .select('id')
            .where(
              'ends_at',
              '<',
              sql<Date>`now() - make_interval(months => ${setting.registration_months})`,
            ),
        )
        .executeTakeFirst()
      registrations = Number(deleted.numDeletedRows)
    }
    let responses = 0
    for (const c of d.consultations) {
      const keys = sql`${sql.val(c.textQuestions)}::text[]`
      const updated = await trx
        .updateTable('consultation_response')
        .set({ answers: sql`answers - ${keys}` })
        .where('consultation_id', '=', c.id)
        .where(sql<boolean>`answers ?| ${keys}`)
        .executeTakeFirst()
      responses += Number(updated.numUpdatedRows)
      await trx
        .updateTable('consultation_response_change')
        .set({ answers: sql`answers - ${keys}` })
        .where(
          'response_id',
          'in',
          trx.selectFrom('consultation_response').select('id').where('consultation_id', '=', c.id),
        )
        .where(sql<boolean>`answers ?| ${keys}`)
        .execute()
    }
    await trx.updateTable('retention_setting').set({ applied_at: new Date() }).execute()
    if (registrations || responses)
      await recordAudit(trx, actor, {
        action: 'erase',
        entityType: 'retention_setting',
        entityId: '1',
        summary: `${registrations} registrations deleted, text answers removed from ${responses} responses`,
      })
    return { registrations, responses }
  })
}
