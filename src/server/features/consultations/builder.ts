import { LANGUAGES, type Language, type Localized } from '../../i18n/i18n.ts'
import type { Questionnaire } from './questionnaire.ts'

/**
 * The questionnaire builder works without JavaScript: the whole questionnaire is one form, and buttons
 * such as "Add question" post it with an operation that is applied to the form state and rendered back
 * (nothing is saved until "Save"). This module turns the form fields into a draft, applies operations,
 * and turns the draft into questionnaire input for the schema, and back.
 *
 * Field names: s.0.title.en, s.0.q.1.type, s.0.q.1.text.fr, s.0.q.1.options.en (one option per line),
 * s.0.q.1.optionIds (comma separated, keeps ids stable across edits), s.0.q.1.showIf ("question:option").
 */

export type DraftQuestion = {
  id: string
  type: string
  text: Localized
  help: Localized
  required: boolean
  /** One option per line, per language; line k of each language is option k. */
  options: Localized
  optionIds: string[]
  points: string
  min: string
  max: string
  maxSelections: string
  maxLength: string
  showIf: string
}
export type DraftSection = {
  id: string
  title: Localized
  description: Localized
  questions: DraftQuestion[]
}
export type Draft = { sections: DraftSection[] }

const NEW_QUESTION: Omit<DraftQuestion, 'id'> = {
  type: 'short_text',
  text: {},
  help: {},
  required: false,
  options: {},
  optionIds: [],
  points: '',
  min: '',
  max: '',
  maxSelections: '',
  maxLength: '',
  showIf: '',
}

function localized(fields: Record<string, string>, prefix: string): Localized {
  const out: Localized = {}
  for (const l of LANGUAGES) {
    const v = fields[`${prefix}.${l}`]
    if (v?.trim()) out[l] = v
  }
  return out
}

function indices(fields: Record<string, string>, pattern: RegExp): number[] {
  const found = new Set<number>()
  for (const k of Object.keys(fields)) {
    const m = pattern.exec(k)
    if (m) found.add(Number(m[1]))
  }
  return [...found].filter((n) => n < 1000).sort((a, b) => a - b)
}

/** The draft a submitted builder form describes. */
export function draftFromFields(fields: Record<string, string>): Draft {
  return {
    sections: indices(fields, /^s\.(\d+)\./).map((si) => {
      const sp = `s.${si}`
      return {
        id: fields[`${sp}.id`] ?? '',
        title: localized(fields, `${sp}.title`),
        description: localized(fields, `${sp}.description`),
        questions: indices(fields, new RegExp(`^s\\.${si}\\.q\\.(\\d+)\\.`)).map((qi) => {
          const qp = `${sp}.q.${qi}`
          const f = (k: string) => fields[`${qp}.${k}`] ?? ''
          return {
            id: f('id'),
            type: f('type') || 'short_text',
            text: localized(fields, `${qp}.text`),
            help: localized(fields, `${qp}.help`),
            required: f('required') === 'true',
            options: localized(fields, `${qp}.options`),
            optionIds: f('optionIds')
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
            points: f('points'),
            min: f('min'),
            max: f('max'),
            maxSelections: f('maxSelections'),
            maxLength: f('maxLength'),
            showIf: f('showIf'),
          }
        }),
      }
    }),
  }
}

function lines(text: string | undefined): string[] {
  const out = (text ?? '').split(/\r?\n/).map((l) => l.trim())
  while (out.length && out[out.length - 1] === '') out.pop()
  return out
}

function nextId(used: Iterable<string>, prefix: string): string {
  let max = 0
  for (const id of used) {
    const m = new RegExp(`^${prefix}(\\d+)$`).exec(id)
    if (m) max = Math.max(max, Number(m[1]))
  }
  return `${prefix}${max + 1}`
}

/** Gives every section, question and option an id (new ones get the next free one). */
export function assignIds(draft: Draft): Draft {
  const sectionIds = draft.sections.map((s) => s.id).filter(Boolean)
  const questionIds = draft.sections.flatMap((s) => s.questions.map((q) => q.id)).filter(Boolean)
  return {
    sections: draft.sections.map((s) => {
      const sid = s.id || nextId(sectionIds, 's')
      if (!s.id) sectionIds.push(sid)
      return {
        ...s,
        id: sid,
        questions: s.questions.map((q) => {
          const qid = q.id || nextId(questionIds, 'q')
          if (!q.id) questionIds.push(qid)
          const count = Math.max(0, ...LANGUAGES.map((l) => lines(q.options[l]).length))
          const optionIds = q.optionIds.slice(0, count)
          while (optionIds.length < count) optionIds.push(nextId(optionIds, 'o'))
          return { ...q, id: qid, optionIds }
        }),
      }
    }),
  }
}

const num = (v: string) => (v.trim() === '' ? undefined : Number(v))
const CHOICE = new Set(['single_choice', 'multiple_choice', 'ranking'])

/** The questionnaire input the draft stands for; the schema then says what is wrong with it. */
export function questionnaireInput(draft: Draft): unknown {
  const withIds = assignIds(draft)
  return {
    sections: withIds.sections.map((s) => ({
      id: s.id,
      title: s.title,
      ...(Object.keys(s.description).length ? { description: s.description } : {}),
      questions: s.questions.map((q) => {
        const optionLines = Object.fromEntries(LANGUAGES.map((l) => [l, lines(q.options[l])]))
        const [showQ, showO] = q.showIf.split(':')
        return {
          id: q.id,
          type: q.type,
          text: q.text,
          ...(Object.keys(q.help).length ? { help: q.help } : {}),
          required: q.required,
          ...(CHOICE.has(q.type)
            ? {
                options: q.optionIds.map((id, k) => ({
                  id,
                  label: Object.fromEntries(
                    LANGUAGES.map((l) => [l, optionLines[l]?.[k] || undefined]).filter(([, v]) => v),
                  ),
                })),
              }
            : {}),
          ...(q.type === 'likert' ? { points: num(q.points) ?? 5 } : {}),
          ...(q.type === 'number' ? { min: num(q.min), max: num(q.max) } : {}),
          ...(q.type === 'multiple_choice' && num(q.maxSelections) !== undefined
            ? { maxSelections: num(q.maxSelections) }
            : {}),
          ...((q.type === 'short_text' || q.type === 'long_text') && num(q.maxLength) !== undefined
            ? { maxLength: num(q.maxLength) }
            : {}),
          ...(showQ && showO ? { showIf: { question: showQ, option: showO } } : {}),
        }
      }),
    })),
  }
}

/** The draft of a saved questionnaire, for editing it (or copying it into a new consultation). */
export function draftFromQuestionnaire(q: Questionnaire): Draft {
  return {
    sections: q.sections.map((s) => ({
      id: s.id,
      title: s.title as Localized,
      description: (s.description ?? {}) as Localized,
      questions: s.questions.map((x) => ({
        id: x.id,
        type: x.type,
        text: x.text as Localized,
        help: (x.help ?? {}) as Localized,
        required: x.required,
        options: Object.fromEntries(
          LANGUAGES.map((l) => [
            l,
            (x.options ?? []).map((o) => (o.label as Localized)[l] ?? '').join('\n'),
          ]).filter(([, v]) => (v as string).trim()),
        ) as Localized,
        optionIds: (x.options ?? []).map((o) => o.id),
        points: x.points !== undefined ? String(x.points) : '',
        min: x.min !== undefined ? String(x.min) : '',
        max: x.max !== undefined ? String(x.max) : '',
        maxSelections: x.maxSelections !== undefined ? String(x.maxSelections) : '',
        maxLength: x.maxLength !== undefined ? String(x.maxLength) : '',
        showIf: x.showIf ? `${x.showIf.question}:${x.showIf.option}` : '',
      })),
    })),
  }
}

export function emptyDraft(): Draft {
  return { sections: [{ id: 's1', title: {}, description: {}, questions: [{ ...NEW_QUESTION, id: 'q1' }] }] }
}

export type Op =
  | { kind: 'add_section' }
  | { kind: 'remove_section'; s: number }
  | { kind: 'add_question'; s: number }
  | { kind: 'remove_question' | 'up' | 'down'; s: number; q: number }

export function parseOp(value: string | undefined): Op | 'save' | undefined {
  if (!value || value === 'save') return value === 'save' ? 'save' : undefined
  const [kind, a, b] = value.split(':')
  const s = Number(a)
  const q = Number(b)
  if (kind === 'add_section') return { kind }
  if (!Number.isInteger(s) || s < 0) return undefined
  if (kind === 'remove_section' || kind === 'add_question') return { kind, s }
  if ((kind === 'remove_question' || kind === 'up' || kind === 'down') && Number.isInteger(q) && q >= 0)
    return { kind, s, q }
  return undefined
}

/** Applies a builder operation; returns the new draft and the question (or section) to focus. */
export function applyOp(draft: Draft, op: Op): { draft: Draft; focus?: string } {
  const d = assignIds(draft)
  const sections = d.sections.map((s) => ({ ...s, questions: [...s.questions] }))
  const section = 's' in op ? sections[op.s] : undefined
  switch (op.kind) {
    case 'add_section': {
      const ids = d.sections.flatMap((s) => s.questions.map((q) => q.id))
      const q = { ...NEW_QUESTION, id: nextId(ids, 'q') }
      sections.push({
        id: nextId(
          d.sections.map((s) => s.id),
          's',
        ),
        title: {},
        description: {},
        questions: [q],
      })
      return { draft: { sections }, focus: `s.${sections.length - 1}.title.en` }
    }
    case 'remove_section':
      if (section && sections.length > 1) sections.splice(op.s, 1)
      return { draft: { sections } }
    case 'add_question': {
      if (!section) return { draft: { sections } }
      const ids = d.sections.flatMap((s) => s.questions.map((q) => q.id))
      section.questions.push({ ...NEW_QUESTION, id: nextId(ids, 'q') })
      return { draft: { sections }, focus: `s.${op.s}.q.${section.questions.length - 1}.text.en` }
    }
    case 'remove_question':
      if (section && section.questions.length > 1) section.questions.splice(op.q, 1)
      return { draft: { sections } }
    case 'up':
    case 'down': {
      const to = op.kind === 'up' ? op.q - 1 : op.q + 1
      if (!section || to < 0 || to >= section.questions.length || !section.questions[op.q])
        return { draft: { sections } }
      const [moved] = section.questions.splice(op.q, 1)
      section.questions.splice(to, 0, moved!)
      return { draft: { sections }, focus: `s.${op.s}.q.${to}.type` }
    }
  }
}

/**
 * Field errors from the schema, keyed by builder field names: sections.0.questions.1.text becomes
 * s.0.q.1.text; an option's label error lands on the options field of its question.
 */
export function builderErrors(errors: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [path, msgs] of Object.entries(errors)) {
    const key = path
      .replace(/^questionnaire\./, '')
      .replace(/^sections\.(\d+)/, 's.$1')
      .replace(/\.questions\.(\d+)/, '.q.$1')
      .replace(/\.options\.\d+.*$/, '.options')
      .replace(/\.showIf\..*$/, '.showIf')
    out[key] = [...(out[key] ?? []), ...msgs]
  }
  return out
}

/** "Section 2, question 3" for an error key such as s.1.q.2.text. */
export function errorPlace(key: string): { section: number; question?: number; field: string } | undefined {
  const m = /^s\.(\d+)(?:\.q\.(\d+))?\.?(.*)$/.exec(key)
  if (!m) return undefined
  return {
    section: Number(m[1]) + 1,
    ...(m[2] !== undefined ? { question: Number(m[2]) + 1 } : {}),
    field: m[3] ?? '',
  }
}

export const LANGS: readonly Language[] = LANGUAGES
