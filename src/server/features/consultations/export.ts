import writeXlsxFile from 'write-excel-file/node'
import type { Db } from '../../db/database.ts'
import { AppError } from '../../http/errors.ts'
import { type Language, type Localized, pick, translator } from '../../i18n/i18n.ts'
import { type Actor, isStaff, isUser } from '../auth/auth.policy.ts'
import { toCsv } from '../directory/import/csv.ts'
import type { Consultation } from './consultations.schema.ts'
import { getConsultation, respondentsMayRead, targetsFor } from './consultations.service.ts'
import { type Question, QuestionnaireSchema } from './questionnaire.ts'
import { consultationResults } from './results.ts'

/** A plain table: the shape both CSV and XLSX exports are written from. */
export type Table = { name: string; columns: string[]; rows: (string | number | null)[][] }

/** Every question any version asked, newest wording first, so answers given to older versions still have a column. */
async function allQuestions(db: Db, consultationId: string): Promise<Question[]> {
  const versions = await db
    .selectFrom('questionnaire_version')
    .select('definition')
    .where('consultation_id', '=', consultationId)
    .orderBy('version', 'desc')
    .execute()
  const seen = new Map<string, Question>()
  for (const v of versions) {
    for (const q of QuestionnaireSchema.parse(v.definition).sections.flatMap((s) => s.questions)) {
      if (!seen.has(q.id)) seen.set(q.id, q)
    }
  }
  return [...seen.values()]
}

/** An answer as a reader would write it: option labels, not their ids. */
export function formatAnswer(q: Question, value: unknown, lang: Language): string | number | null {
  if (value === undefined || value === null) return null
  const label = (id: unknown) => {
    const o = q.options?.find((x) => x.id === id)
    return o ? pick(o.label as Localized, lang) : String(id)
  }
  switch (q.type) {
    case 'single_choice':
      return label(value)
    case 'multiple_choice':
      return Array.isArray(value) ? value.map(label).join('; ') : null
    case 'ranking':
      return Array.isArray(value) ? value.map((v, i) => `${i + 1}. ${label(v)}`).join('; ') : null
    case 'likert':
    case 'number':
      return typeof value === 'number' ? value : null
    case 'short_text':
    case 'long_text':
      return typeof value === 'string' ? value : null
    case 'topic_proposal':
      return Array.isArray(value)
        ? (value as { title: string; description: string }[])
            .map((t) => (t.description ? `${t.title}: ${t.description}` : t.title))
            .join('\n')
        : null
  }
}

/**
 * One row per country or organization the actor may read answers of: every target for the secretariat;
 * for a focal point or representative, their own only. Nobody else gets rows.
 */
export async function responsesTable(db: Db, actor: Actor, consultationId: string, lang: Language) {
  const t = translator(lang)
  const c = await db
    .selectFrom('consultation')
    .select(['status', 'confidentiality'])
    .where('id', '=', consultationId)
    .executeTakeFirstOrThrow()
  const targets =
    isStaff(actor) || respondentsMayRead(c) ? await targetsFor(db, actor, consultationId, lang) : []
  const questions = await allQuestions(db, consultationId)
  const ids = targets.map((x) => x.id)
  const responses = ids.length
    ? await db
        .selectFrom('consultation_response')
        .select(['target_id', 'answers', 'state', 'submitted_at', 'questionnaire_version'])
        .where('target_id', 'in', ids)
        .execute()
    : []
  const byTarget = new Map(responses.map((r) => [r.target_id, r]))
  const table: Table = {
    name: t('consultations.export.responses'),
    columns: [
      t('consultations.export.respondent'),
      t('consultations.export.code'),
      t('consultations.export.state'),
      t('consultations.export.submitted_at'),
      t('consultations.export.version'),
      ...questions.map((q) => `${q.id}: ${pick(q.text as Localized, lang)}`),
    ],
    rows: targets.map((target) => {
      const r = byTarget.get(target.id)
      const answers = (r?.answers ?? {}) as Record<string, unknown>
      return [
        target.name,
        target.countryCode ?? target.organizationId,
        t(`consultations.response_state.${r?.state ?? 'none'}`),
        r?.submitted_at?.toISOString() ?? null,
        r?.questionnaire_version ?? null,
        ...questions.map((q) => formatAnswer(q, answers[q.id], lang)),
      ]
    }),
  }
  return table
}

/** The summary of results as the actor may see it (published aggregates hide small cells). */
export async function summaryTable(db: Db, actor: Actor, consultation: Consultation, lang: Language) {
  const t = translator(lang)
  const results = await consultationResults(db, actor, consultation.id)
  const questions = new Map(
    QuestionnaireSchema.parse(consultation.questionnaire)
      .sections.flatMap((s) => s.questions)
      .map((q) => [q.id, q]),
  )
  const rows: Table['rows'] = [
    [t('consultations.results.response_rate'), '', results.submitted, results.targets],
  ]
  for (const s of results.questions) {
    const q = questions.get(s.id)
    if (!q) continue
    const text = `${q.id}: ${pick(q.text as Localized, lang)}`
    for (const o of s.options ?? []) {
      const label = q.type === 'likert' ? o.id : (formatAnswer(q, o.id, lang) ?? o.id)
      rows.push([text, String(label), o.count, s.answered])
    }
    if (s.mean !== undefined) rows.push([text, t('consultations.results.mean'), s.mean, s.answered])
    for (const r of s.averageRank ?? [])
      rows.push([
        text,
        `${t('consultations.results.average_rank')}: ${formatAnswer(q, r.id, lang)}`,
        r.rank,
        s.answered,
      ])
    for (const x of s.texts ?? []) rows.push([text, x, null, s.answered])
    for (const x of s.topics ?? [])
      rows.push([text, x.description ? `${x.title}: ${x.description}` : x.title, null, s.answered])
  }
  const table: Table = {
    name: t('consultations.export.summary'),
    columns: [
      t('consultations.export.question'),
      t('consultations.export.answer'),
      t('consultations.export.count'),
      t('consultations.export.answered'),
    ],
    rows,
  }
  return table
}

/**
 * The tables an actor may export: the secretariat, every response and the summary; a focal point or
 * representative, their own response (and the summary when it is published); anyone else, the published
 * summary. A table the actor may not read is absent; none at all is "not found".
 */
export async function exportTables(
  db: Db,
  actor: Actor,
  consultationId: string,
  lang: Language,
): Promise<{ responses?: Table; summary?: Table }> {
  const consultation = await getConsultation(db, actor, consultationId, lang)
  const responses = isUser(actor) ? await responsesTable(db, actor, consultationId, lang) : undefined
  const summary =
    isStaff(actor) || consultation.confidentiality === 'aggregated_public'
      ? await summaryTable(db, actor, consultation, lang)
      : undefined
  const out = { ...(responses?.rows.length ? { responses } : {}), ...(summary ? { summary } : {}) }
  if (!out.responses && !out.summary) throw new AppError('CONSULTATION_NOT_FOUND')
  return out
}

export function tableToCsv(table: Table): string {
  return toCsv(
    table.columns,
    table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r[i]]))),
  )
}

/** Sheet names are at most 31 characters and may not contain []:*?/\ */
function sheetName(name: string): string {
  return name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31)
}

export async function tablesToXlsx(tables: Table[]): Promise<Buffer> {
  return writeXlsxFile(
    tables.map((table) => ({
      sheet: sheetName(table.name),
      data: [
        table.columns.map((c) => ({ value: c, fontWeight: 'bold' as const })),
        ...table.rows.map((r) => r.map((v) => (v === null ? null : { value: v }))),
      ],
      stickyRowsCount: 1,
    })),
  ).toBuffer()
}
