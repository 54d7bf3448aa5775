import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { checkAnswers, type Questionnaire, QuestionnaireSchema, visibleQuestions } from './questionnaire.ts'

const opts = (...ids: string[]) => ids.map((id) => ({ id, label: { en: id.toUpperCase() } }))

const definition: Questionnaire = QuestionnaireSchema.parse({
  sections: [
    {
      id: 'priorities',
      title: { en: 'Priorities', fr: 'Priorités' },
      questions: [
        {
          id: 'attend',
          type: 'single_choice',
          text: { en: 'Will you attend?' },
          required: true,
          options: opts('yes', 'no'),
        },
        {
          id: 'why_not',
          type: 'long_text',
          text: { en: 'Why not?' },
          required: true,
          showIf: { question: 'attend', option: 'no' },
        },
        {
          id: 'areas',
          type: 'multiple_choice',
          text: { en: 'Areas' },
          options: opts('ai', 'quantum', 'iot'),
          maxSelections: 2,
        },
        { id: 'useful', type: 'likert', text: { en: 'How useful?' }, points: 5, required: true },
        { id: 'order', type: 'ranking', text: { en: 'Rank' }, options: opts('a', 'b', 'c') },
        { id: 'staff', type: 'number', text: { en: 'Experts' }, min: 0, max: 1000 },
        { id: 'name', type: 'short_text', text: { en: 'Contact' }, maxLength: 20 },
        { id: 'topics', type: 'topic_proposal', text: { en: 'Propose topics' } },
      ],
    },
  ],
})

describe('questionnaire definitions', () => {
  test('accept every question type with multilingual texts', () => {
    assert.equal(definition.sections[0]!.questions.length, 8)
  })

  test('refuse duplicate ids, choice questions without options, and conditions that do not look back', () => {
    const bad = QuestionnaireSchema.safeParse({
      sections: [
        {
          id: 's',
          title: { en: 'S' },
          questions: [
            { id: 'q1', type: 'single_choice', text: { en: 'One option only' }, options: opts('x') },
            { id: 'q1', type: 'short_text', text: { en: 'Duplicate' } },
            { id: 'q3', type: 'short_text', text: { en: 'Later' }, showIf: { question: 'q4', option: 'x' } },
            { id: 'q4', type: 'single_choice', text: { en: 'Target' }, options: opts('x', 'y') },
            { id: 'q5', type: 'short_text', text: {} },
          ],
        },
      ],
    })
    assert.equal(bad.success, false)
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}:${i.message}`)
    assert.ok(messages.includes('sections.0.questions.0.options:options_required'), messages.join())
    assert.ok(messages.includes('sections.0.questions.1.id:duplicate_id'), messages.join())
    assert.ok(messages.includes('sections.0.questions.2.showIf:condition_invalid'), messages.join())
    assert.ok(messages.includes('sections.0.questions.4.text:text_required'), messages.join())
  })
})

describe('answers', () => {
  const complete = {
    attend: 'yes',
    useful: 4,
    areas: ['ai', 'iot'],
    order: ['c', 'a', 'b'],
    staff: '12',
    name: ' Amina ',
    topics: [{ title: 'AI for health', description: 'Needs of LDCs' }],
  }

  test('a complete submission is accepted and cleaned', () => {
    const r = checkAnswers(definition, complete, 'submit')
    assert.deepEqual(r.errors, {})
    assert.equal(r.answers.staff, 12)
    assert.equal(r.answers.name, 'Amina')
  })

  test('a draft may be incomplete; a submission must answer every visible required question', () => {
    assert.equal(checkAnswers(definition, { attend: 'yes' }, 'draft').ok, true)
    const r = checkAnswers(definition, { attend: 'yes' }, 'submit')
    assert.deepEqual(r.errors, { useful: ['required'] })
  })

  test('a condition shows a question, and makes it required, only when its option is chosen', () => {
    assert.deepEqual(
      visibleQuestions(definition, { attend: 'yes' }).map((q) => q.id),
      ['attend', 'areas', 'useful', 'order', 'staff', 'name', 'topics'],
    )
    assert.ok(visibleQuestions(definition, { attend: 'no' }).some((q) => q.id === 'why_not'))
    assert.deepEqual(checkAnswers(definition, { ...complete, attend: 'no' }, 'submit').errors, {
      why_not: ['required'],
    })
    const hidden = checkAnswers(definition, { ...complete, why_not: 'Travel budget' }, 'submit')
    assert.equal(hidden.answers.why_not, undefined, 'an answer to a hidden question is dropped')
  })

  test('typed answers are checked', () => {
    const r = checkAnswers(
      definition,
      {
        attend: 'maybe',
        useful: 6,
        areas: ['ai', 'quantum', 'iot'],
        order: ['a', 'a', 'b'],
        staff: '-1',
        name: 'x'.repeat(21),
        topics: [{ title: '', description: 'no title' }],
        extra: 'x',
      },
      'draft',
    )
    assert.deepEqual(r.errors, {
      extra: ['unknown_question'],
      attend: ['option_invalid'],
      areas: ['too_many_selections'],
      useful: ['scale_invalid'],
      order: ['ranking_invalid'],
      staff: ['number_out_of_range'],
      name: ['too_long'],
      topics: ['topic_invalid'],
    })
  })
})
