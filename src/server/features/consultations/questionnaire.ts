import { z } from 'zod'
import { LANGUAGES } from '../../i18n/i18n.ts'

/**
 * A questionnaire definition: sections of questions, every text multilingual. It is stored as a
 * versioned document, so answers always refer to the version they were given against.
 */

export const QUESTION_TYPES = [
  'single_choice',
  'multiple_choice',
  'likert',
  'ranking',
  'number',
  'short_text',
  'long_text',
  'topic_proposal',
] as const
export type QuestionType = (typeof QUESTION_TYPES)[number]

const Id = z.string().regex(/^[a-z0-9_]{1,40}$/, { error: 'id_invalid' })
const Text = z
  .object(
    Object.fromEntries(
      LANGUAGES.map((l) => [l, z.string().trim().max(2000, { error: 'too_long' }).optional()]),
    ),
  )
  .refine((t) => Object.values(t).some((v) => v), { error: 'text_required' })

const Option = z.object({ id: Id, label: Text })

const QuestionSchema = z
  .object({
    id: Id,
    type: z.enum(QUESTION_TYPES, { error: 'choice_invalid' }),
    text: Text,
    help: Text.optional(),
    required: z.boolean().default(false),
    options: z.array(Option).max(50).optional(),
    /** Likert: number of points (3-10). */
    points: z.number().int().min(3).max(10).optional(),
    /** Number: inclusive bounds. */
    min: z.number().optional(),
    max: z.number().optional(),
    /** Multiple choice: at most this many. */
    maxSelections: z.number().int().min(1).optional(),
    /** Text: at most this many characters. */
    maxLength: z.number().int().min(1).max(20000).optional(),
    /** Shown only when an earlier choice question has this option selected. */
    showIf: z.object({ question: Id, option: Id }).optional(),
  })
  .superRefine((q, ctx) => {
    const choice = q.type === 'single_choice' || q.type === 'multiple_choice' || q.type === 'ranking'
    if (choice && (!q.options || q.options.length < 2))
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'options_required' })
    if (!choice && q.options)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'options_not_allowed' })
    if (q.options && new Set(q.options.map((o) => o.id)).size !== q.options.length) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'duplicate_id' })
    }
    if (q.min !== undefined && q.max !== undefined && q.min > q.max)
      ctx.addIssue({ code: 'custom', path: ['max'], message: 'max_below_min' })
  })

const SectionSchema = z.object({
  id: Id,
  title: Text,
  description: Text.optional(),
  questions: z.array(QuestionSchema).min(1, { error: 'questions_required' }).max(100),
})

export const QuestionnaireSchema = z
  .object({ sections: z.array(SectionSchema).min(1, { error: 'sections_required' }).max(30) })
  .superRefine((d, ctx) => {
    const seen = new Map<string, z.infer<typeof QuestionSchema>>()
    for (const [si, s] of d.sections.entries()) {
      for (const [qi, q] of s.questions.entries()) {
        const path = ['sections', si, 'questions', qi]
        if (seen.has(q.id)) ctx.addIssue({ code: 'custom', path: [...path, 'id'], message: 'duplicate_id' })
        if (q.showIf) {
          // A condition looks back only: the question it depends on comes earlier and offers that option.
          const target = seen.get(q.showIf.question)
          const offers = target?.options?.some((o) => o.id === q.showIf!.option)
          if (!target || (target.type !== 'single_choice' && target.type !== 'multiple_choice') || !offers) {
            ctx.addIssue({ code: 'custom', path: [...path, 'showIf'], message: 'condition_invalid' })
          }
        }
        seen.set(q.id, q)
      }
    }
  })

export type Questionnaire = z.infer<typeof QuestionnaireSchema>
export type Question = Questionnaire['sections'][number]['questions'][number]

export type TopicProposal = { title: string; description: string }
export type AnswerValue = string | string[] | number | TopicProposal[]
export type Answers = Record<string, AnswerValue>

export const DEFAULT_SHORT_TEXT = 300
export const DEFAULT_LONG_TEXT = 10000
export const MAX_TOPIC_PROPOSALS = 5

function questions(def: Questionnaire): Question[] {
  return def.sections.flatMap((s) => s.questions)
}

function selected(value: AnswerValue | undefined): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[]
  return []
}

/** The questions a respondent sees, given the answers so far (conditions look back only). */
export function visibleQuestions(def: Questionnaire, answers: Answers): Question[] {
  const shown = new Set<string>()
  const out: Question[] = []
  for (const q of questions(def)) {
    if (
      q.showIf &&
      !(shown.has(q.showIf.question) && selected(answers[q.showIf.question]).includes(q.showIf.option))
    )
      continue
    shown.add(q.id)
    out.push(q)
  }
  return out
}

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)
}

/** Checks one answer against its question; returns an error code or the cleaned value. */
function check(q: Question, raw: unknown): { error: string } | { value: AnswerValue } {
  const optionIds = new Set(q.options?.map((o) => o.id) ?? [])
  switch (q.type) {
    case 'single_choice':
      return typeof raw === 'string' && optionIds.has(raw) ? { value: raw } : { error: 'option_invalid' }
    case 'multiple_choice': {
      if (!Array.isArray(raw) || !raw.every((v) => typeof v === 'string' && optionIds.has(v)))
        return { error: 'option_invalid' }
      const unique = [...new Set(raw as string[])]
      if (q.maxSelections && unique.length > q.maxSelections) return { error: 'too_many_selections' }
      return { value: unique }
    }
    case 'ranking': {
      // A ranking orders every option exactly once.
      if (!Array.isArray(raw) || raw.length !== optionIds.size || new Set(raw).size !== raw.length)
        return { error: 'ranking_invalid' }
      return raw.every((v) => typeof v === 'string' && optionIds.has(v))
        ? { value: raw as string[] }
        : { error: 'ranking_invalid' }
    }
    case 'likert': {
      const n = typeof raw === 'string' ? Number(raw) : raw
      const points = q.points ?? 5
      return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= points
        ? { value: n }
        : { error: 'scale_invalid' }
    }
    case 'number': {
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw
      if (typeof n !== 'number' || !Number.isFinite(n)) return { error: 'number_invalid' }
      if ((q.min !== undefined && n < q.min) || (q.max !== undefined && n > q.max))
        return { error: 'number_out_of_range' }
      return { value: n }
    }
    case 'short_text':
    case 'long_text': {
      if (typeof raw !== 'string') return { error: 'text_invalid' }
      const text = raw.trim()
      const max = q.maxLength ?? (q.type === 'short_text' ? DEFAULT_SHORT_TEXT : DEFAULT_LONG_TEXT)
      return text.length > max ? { error: 'too_long' } : { value: text }
    }
    case 'topic_proposal': {
      if (!Array.isArray(raw) || raw.length > MAX_TOPIC_PROPOSALS) return { error: 'topics_invalid' }
      const topics: TopicProposal[] = []
      for (const item of raw) {
        if (typeof item !== 'object' || item === null) return { error: 'topics_invalid' }
        const { title, description } = item as Record<string, unknown>
        const t = typeof title === 'string' ? title.trim() : ''
        const d = typeof description === 'string' ? description.trim() : ''
        if (!t && !d) continue
        if (!t || t.length > 200 || d.length > 2000) return { error: 'topic_invalid' }
        topics.push({ title: t, description: d })
      }
      return { value: topics }
    }
  }
}

export type AnswerCheck = { ok: boolean; errors: Record<string, string[]>; answers: Answers }

/**
 * Validates answers against a questionnaire. A draft may be incomplete; a submission must answer every
 * visible required question. Answers to hidden questions are dropped, unknown questions refused.
 */
export function checkAnswers(
  def: Questionnaire,
  raw: Record<string, unknown>,
  mode: 'draft' | 'submit',
): AnswerCheck {
  const errors: Record<string, string[]> = {}
  const known = new Set(questions(def).map((q) => q.id))
  for (const id of Object.keys(raw)) if (!known.has(id)) errors[id] = ['unknown_question']
  const answers: Answers = {}
  // Conditions depend on earlier answers, so the visible set is computed from the answers as checked.
  for (const q of questions(def)) {
    if (q.showIf && !selected(answers[q.showIf.question]).includes(q.showIf.option)) continue
    const value = raw[q.id]
    if (isBlank(value)) {
      if (mode === 'submit' && q.required) errors[q.id] = ['required']
      continue
    }
    const result = check(q, value)
    if ('error' in result) errors[q.id] = [result.error]
    else if (!(q.type === 'topic_proposal' && (result.value as TopicProposal[]).length === 0))
      answers[q.id] = result.value
    else if (mode === 'submit' && q.required) errors[q.id] = ['required']
  }
  return { ok: Object.keys(errors).length === 0, errors, answers }
}
