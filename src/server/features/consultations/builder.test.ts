import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  applyOp,
  builderErrors,
  draftFromFields,
  draftFromQuestionnaire,
  errorPlace,
  parseOp,
  questionnaireInput,
} from './builder.ts'
import { QuestionnaireSchema } from './questionnaire.ts'

const fields = {
  's.0.id': 's1',
  's.0.title.en': 'Needs',
  's.0.title.fr': 'Besoins',
  's.0.q.0.id': 'q1',
  's.0.q.0.type': 'single_choice',
  's.0.q.0.text.en': 'Priority?',
  's.0.q.0.required': 'true',
  's.0.q.0.options.en': 'AI\nConnectivity\n\n',
  's.0.q.0.options.fr': 'IA\nConnectivité',
  's.0.q.0.optionIds': 'ai',
  's.0.q.1.type': 'long_text',
  's.0.q.1.text.en': 'Why?',
  's.0.q.1.showIf': 'q1:ai',
  's.0.q.1.maxLength': '500',
}

describe('questionnaire builder form', () => {
  test('form fields become a valid questionnaire; new items get the next free ids, kept ids stay', () => {
    const input = questionnaireInput(draftFromFields(fields))
    const q = QuestionnaireSchema.parse(input)
    const [priority, why] = q.sections[0]!.questions
    assert.equal(priority!.id, 'q1')
    assert.deepEqual(
      priority!.options!.map((o) => [o.id, o.label]),
      [
        ['ai', { en: 'AI', fr: 'IA' }],
        ['o1', { en: 'Connectivity', fr: 'Connectivité' }],
      ],
    )
    assert.equal(why!.id, 'q2')
    assert.deepEqual(why!.showIf, { question: 'q1', option: 'ai' })
    assert.equal(why!.maxLength, 500)
    assert.equal(priority!.required, true)
    assert.equal(why!.required, false)
  })

  test('a saved questionnaire round-trips through the form unchanged', () => {
    const q = QuestionnaireSchema.parse(questionnaireInput(draftFromFields(fields)))
    assert.deepEqual(QuestionnaireSchema.parse(questionnaireInput(draftFromQuestionnaire(q))), q)
  })

  test('options typed for a text question are not sent (its type has none)', () => {
    const input = questionnaireInput(
      draftFromFields({ ...fields, 's.0.q.0.type': 'short_text', 's.0.q.1.showIf': '' }),
    ) as { sections: { questions: { options?: unknown }[] }[] }
    assert.equal(input.sections[0]!.questions[0]!.options, undefined)
  })

  test('operations: add, move and remove questions and sections, never below one', () => {
    const draft = draftFromFields(fields)
    const added = applyOp(draft, { kind: 'add_question', s: 0 })
    assert.equal(added.draft.sections[0]!.questions.length, 3)
    assert.equal(added.draft.sections[0]!.questions[2]!.id, 'q3')
    assert.equal(added.focus, 's.0.q.2.text.en')
    const moved = applyOp(added.draft, { kind: 'up', s: 0, q: 2 })
    assert.deepEqual(
      moved.draft.sections[0]!.questions.map((q) => q.id),
      ['q1', 'q3', 'q2'],
    )
    assert.equal(applyOp(moved.draft, { kind: 'up', s: 0, q: 0 }).draft.sections[0]!.questions[0]!.id, 'q1')
    const section = applyOp(draft, { kind: 'add_section' })
    assert.equal(section.draft.sections.length, 2)
    assert.equal(section.draft.sections[1]!.id, 's2')
    assert.equal(section.draft.sections[1]!.questions[0]!.id, 'q3', 'question ids are unique across sections')
    assert.equal(applyOp(draft, { kind: 'remove_section', s: 0 }).draft.sections.length, 1)
    const one = applyOp(applyOp(draft, { kind: 'remove_question', s: 0, q: 1 }).draft, {
      kind: 'remove_question',
      s: 0,
      q: 0,
    })
    assert.equal(one.draft.sections[0]!.questions.length, 1)
  })

  test('operation names are parsed strictly', () => {
    assert.equal(parseOp('save'), 'save')
    assert.deepEqual(parseOp('up:0:2'), { kind: 'up', s: 0, q: 2 })
    assert.equal(parseOp('up:x:2'), undefined)
    assert.equal(parseOp('drop_table'), undefined)
    assert.equal(parseOp(undefined), undefined)
  })

  test('schema errors land on the builder fields and say where they are', () => {
    const errors = builderErrors({
      'questionnaire.sections.0.questions.1.options.2.label': ['text_required'],
      'questionnaire.sections.1.title': ['text_required'],
      'questionnaire.sections.0.questions.0.showIf.question': ['condition_invalid'],
    })
    assert.deepEqual(errors, {
      's.0.q.1.options': ['text_required'],
      's.1.title': ['text_required'],
      's.0.q.0.showIf': ['condition_invalid'],
    })
    assert.deepEqual(errorPlace('s.0.q.1.options'), { section: 1, question: 2, field: 'options' })
    assert.deepEqual(errorPlace('s.1.title'), { section: 2, field: 'title' })
    assert.equal(errorPlace('titles'), undefined)
  })
})
