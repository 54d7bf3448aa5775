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
  /** The text questions to empty, by consultation, as a JSON map for the set-based statements below. */
  textKeys: string
}

/**
 * The consultations closed long enough and their text questions, as `k(cid, keys)` rows built from the JSON
 * map: one statement then counts, or empties, the answers of all of them.
 */
const keysTable = (textKeys: string) => sql`(
  SELECT key::uuid AS cid, ARRAY(SELECT jsonb_array_elements_text(value)) AS keys
  FROM jsonb_each(${textKeys}::jsonb)
) AS k`

/** What the settings remove now: registrations of meetings ended long enough, answers with text to remove. */
async function due(db: Db): Promise<Due> {
  const setting = await db.selectFrom('retention_setting').selectAll().executeTakeFirstOrThrow()
  const result: Due = { registrations: 0, responses: 0, textKeys: '{}' }
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
    const byConsultation: Record<string, string[]> = {}
    for (const c of closed) {
      const ids = new Set(byConsultation[c.id] ?? [])
      for (const s of (c.definition as unknown as Questionnaire).sections)
        for (const q of s.questions) if (TEXT_TYPES.has(q.type)) ids.add(q.id)
      if (ids.size) byConsultation[c.id] = [...ids]
    }
    result.textKeys = JSON.stringify(byConsultation)
    if (Object.keys(byConsultation).length) {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM consultation_response r, ${keysTable(result.textKeys)}
        WHERE r.consultation_id = k.cid AND r.answers ?| k.keys`.execute(db)
      result.responses = Number(rows[0]?.n ?? 0)
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
    if (d.textKeys !== '{}') {
      const updated = await sql`
        UPDATE consultation_response r SET answers = r.answers - k.keys
        FROM ${keysTable(d.textKeys)}
        WHERE r.consultation_id = k.cid AND r.answers ?| k.keys`.execute(trx)
      responses = Number(updated.numAffectedRows ?? 0)
      // The responses' history holds the same texts.
      await sql`
        UPDATE consultation_response_change c SET answers = c.answers - k.keys
        FROM consultation_response r, ${keysTable(d.textKeys)}
        WHERE r.id = c.response_id AND r.consultation_id = k.cid AND c.answers ?| k.keys`.execute(trx)
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
