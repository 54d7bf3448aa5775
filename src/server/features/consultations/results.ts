import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { AppError } from '../../http/errors.ts'
import { type Actor, deny, isStaff } from '../auth/auth.policy.ts'
import { visibleTo } from './consultations.service.ts'
import { type Question, QuestionnaireSchema } from './questionnaire.ts'

/**
 * Published aggregates hide any count below this, so that a small group cannot be singled out (a
 * country with one focal point answering "no" would otherwise be identifiable). Documented in docs/.
 */
export const MIN_CELL_SIZE = 5

type Rate = { key: string | null; targets: number; submitted: number }

export type QuestionSummary = {
  id: string
  type: Question['type']
  answered: number | null
  options?: { id: string; count: number | null }[]
  /** Likert and number questions. */
  mean?: number | null
  min?: number | null
  max?: number | null
  /** Ranking: the average position of each option (1 = first). */
  averageRank?: { id: string; rank: number | null }[]
  /** Free text and proposed topics: for the secretariat only. */
  texts?: string[]
  topics?: { title: string; description: string }[]
}

export type Results = {
  published: boolean
  targets: number
  submitted: number
  rate: number
  byRegion: Rate[]
  byDevelopmentStatus: Rate[]
  questions: QuestionSummary[]
}

async function rates(db: Db, consultationId: string) {
  const { rows } = await sql<{ dimension: string; key: string | null; targets: number; submitted: number }>`
    WITH t AS (
      SELECT ct.id, coalesce(c1.itu_region, c2.itu_region) AS region,
             coalesce(c1.development_status, c2.development_status) AS status,
             (r.state = 'submitted') AS done
      FROM consultation_target ct
      LEFT JOIN country c1 ON c1.code = ct.country_code
      LEFT JOIN organization o ON o.id = ct.organization_id
      LEFT JOIN country c2 ON c2.code = o.country_code
      LEFT JOIN consultation_response r ON r.target_id = ct.id
      WHERE ct.consultation_id = ${consultationId}
    )
    SELECT 'total' AS dimension, NULL AS key, count(*)::int AS targets, count(*) FILTER (WHERE done)::int AS submitted FROM t
    UNION ALL SELECT 'region', region, count(*)::int, count(*) FILTER (WHERE done)::int FROM t GROUP BY region
    UNION ALL SELECT 'status', status, count(*)::int, count(*) FILTER (WHERE done)::int FROM t GROUP BY status
    ORDER BY 1, 2`.execute(db)
  return rows
}

/**
 * Results of a consultation. The secretariat sees everything; when the consultation publishes
 * aggregated results, everyone sees counts, with cells under the minimum size hidden and no free text.
 * Per-question summaries are computed from the answers here, because what an answer means (an option,
 * a rank, a scale point) is defined by the questionnaire document.
 */
export async function consultationResults(db: Db, actor: Actor, consultationId: string): Promise<Results> {
  const c = await db
    .selectFrom('consultation')
    .select(['status', 'confidentiality'])
    .where('id', '=', consultationId)
    // A consultation the actor may not see is absent (404), as in lists and pages, not forbidden.
    .where(visibleTo(actor))
    .executeTakeFirst()
  if (!c) throw new AppError('CONSULTATION_NOT_FOUND')
  const full = isStaff(actor)
  if (!full && c.confidentiality !== 'aggregated_public') deny(actor)
  const cell = (n: number): number | null => (full || n >= MIN_CELL_SIZE ? n : null)

  const [rateRows, version, responses] = await Promise.all([
    rates(db, consultationId),
    db
      .selectFrom('questionnaire_version')
      .select('definition')
      .where('consultation_id', '=', consultationId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('consultation_response')
      .select('answers')
      .where('consultation_id', '=', consultationId)
      .where('state', '=', 'submitted')
      .execute(),
  ])
  const total = rateRows.find((r) => r.dimension === 'total')
  const byDim = (d: string) =>
    rateRows
      .filter((r) => r.dimension === d)
      .map((r) => ({ key: r.key, targets: Number(r.targets), submitted: Number(r.submitted) }))
  const answers = responses.map((r) => r.answers as Record<string, unknown>)
  const definition = QuestionnaireSchema.parse(version.definition)
  const questions = definition.sections
    .flatMap((s) => s.questions)
    .map((q) => summarize(q, answers, full, cell))
  const targets = Number(total?.targets ?? 0)
  const submitted = Number(total?.submitted ?? 0)
  const hideSmall = (rows: Rate[]) => (full ? rows : rows.filter((r) => r.targets >= MIN_CELL_SIZE))
  return {
    published: !full,
    targets,
    submitted,
    rate: targets ? submitted / targets : 0,
    byRegion: hideSmall(byDim('region')),
    byDevelopmentStatus: hideSmall(byDim('status')),
    questions,
  }
}

function summarize(
  q: Question,
  all: Record<string, unknown>[],
  full: boolean,
  cell: (n: number) => number | null,
): QuestionSummary {
  const given = all.map((a) => a[q.id]).filter((v) => v !== undefined && v !== null && v !== '')
  const base: QuestionSummary = { id: q.id, type: q.type, answered: cell(given.length) }
  const numbers = given.filter((v): v is number => typeof v === 'number')
  const stats = () => {
    const hidden = cell(numbers.length) === null || numbers.length === 0
    return hidden
      ? { mean: null, min: null, max: null }
      : {
          mean: numbers.reduce((s, n) => s + n, 0) / numbers.length,
          min: Math.min(...numbers),
          max: Math.max(...numbers),
        }
  }
  switch (q.type) {
    case 'single_choice':
    case 'multiple_choice':
      return {
        ...base,
        options: (q.options ?? []).map((o) => ({
          id: o.id,
          count: cell(given.filter((v) => v === o.id || (Array.isArray(v) && v.includes(o.id))).length),
        })),
      }
    case 'likert':
      return {
        ...base,
        options: Array.from({ length: q.points ?? 5 }, (_, i) => ({
          id: String(i + 1),
          count: cell(numbers.filter((n) => n === i + 1).length),
        })),
        ...stats(),
      }
    case 'number':
      return { ...base, ...stats() }
    case 'ranking': {
      const rankings = given.filter((v): v is string[] => Array.isArray(v))
      return {
        ...base,
        averageRank: (q.options ?? []).map((o) => {
          const positions = rankings.map((r) => r.indexOf(o.id) + 1).filter((p) => p > 0)
          return {
            id: o.id,
            rank:
              cell(positions.length) === null || !positions.length
                ? null
                : positions.reduce((s, p) => s + p, 0) / positions.length,
          }
        }),
      }
    }
    case 'short_text':
    case 'long_text':
      return full ? { ...base, texts: given.filter((v): v is string => typeof v === 'string') } : base
    case 'topic_proposal':
      return full
        ? {
            ...base,
            topics: given.flatMap((v) =>
              Array.isArray(v) ? (v as { title: string; description: string }[]) : [],
            ),
          }
        : base
  }
}
