import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type TestUser, useHarness } from '../../testing/harness.ts'

const h = useHarness()

/** Posts a form with repeated names (checkbox groups), as a browser does. */
function post(path: string, as: TestUser, pairs: [string, string][]) {
  const body = new URLSearchParams([...pairs, ['_csrf', as.csrf]])
  return h.request(path, {
    method: 'POST',
    headers: { Cookie: as.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  })
}

const settings = (): [string, string][] => [
  ['titles.en', 'Evaluation of the Geneva workshop'],
  ['purpose', 'workshop_evaluation'],
  ['meetingId', ''],
  ['opensAt', new Date(Date.now() - 3600_000).toISOString().slice(0, 16)],
  ['closesAt', new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 16)],
  ['confidentiality', 'secretariat'],
  ['audience.kind', 'countries'],
  ['audience.regions', 'africa'],
  ['audience.regions', 'arab_states'],
  ['audience.countries', 'SN'],
]

const questions = (): [string, string][] => [
  ['s.0.id', 's1'],
  ['s.0.title.en', 'Your view'],
  ['s.0.q.0.id', 'q1'],
  ['s.0.q.0.type', 'multiple_choice'],
  ['s.0.q.0.text.en', 'What was useful?'],
  ['s.0.q.0.required', 'true'],
  ['s.0.q.0.options.en', 'Talks\nDemos\nNetworking'],
  ['s.0.q.1.id', 'q2'],
  ['s.0.q.1.type', 'ranking'],
  ['s.0.q.1.text.en', 'Rank the sessions'],
  ['s.0.q.1.options.en', 'Morning\nAfternoon'],
  ['s.0.q.2.id', 'q3'],
  ['s.0.q.2.type', 'likert'],
  ['s.0.q.2.text.en', 'Overall'],
  ['s.0.q.2.points', '5'],
]

const count = async () =>
  Number(
    (
      await h.db
        .selectFrom('consultation')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

describe('consultation pages', () => {
  test('the builder adds a question without saving, refuses a bad form, then saves', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const before = await count()
    const added = await post('/consultations/new', sec, [
      ...settings(),
      ...questions(),
      ['op', 'add_question:0'],
    ])
    assert.equal(added.status, 200)
    const html = await added.text()
    assert.match(html, /Question 4 \(q4\)/)
    assert.match(html, /value="Demos|Talks\nDemos/, 'what was typed comes back')
    assert.equal(await count(), before, 'an operation saves nothing')

    const bad = await post('/consultations/new', sec, [
      ...settings().filter(([k]) => k !== 'titles.en'),
      ...questions().filter(([k]) => k !== 's.0.q.1.options.en'),
      ['op', 'save'],
    ])
    assert.equal(bad.status, 422)
    const badHtml = await bad.text()
    assert.match(badHtml, /Section 1, question 2/)
    assert.match(badHtml, /Give at least two options/)
    assert.equal(await count(), before, 'nothing saved')

    const ok = await post('/consultations/new', sec, [...settings(), ...questions(), ['op', 'save']])
    assert.equal(ok.status, 303)
    const id = /\/consultations\/([0-9a-f-]{36})\?notice=created/.exec(ok.headers.get('location') ?? '')?.[1]
    assert.ok(id)
    const saved = (await (await h.request(`/api/v1/consultations/${id}`, { as: sec })).json()) as {
      audience: Record<string, unknown>
      questionnaire: { sections: { questions: { id: string; options?: { id: string }[] }[] }[] }
      opensAt: string
    }
    assert.deepEqual(saved.audience, {
      kind: 'countries',
      regions: ['africa', 'arab_states'],
      countries: ['SN'],
    })
    assert.deepEqual(
      saved.questionnaire.sections[0]!.questions.map((q) => q.id),
      ['q1', 'q2', 'q3'],
    )
    assert.deepEqual(
      saved.questionnaire.sections[0]!.questions[0]!.options!.map((o) => o.id),
      ['o1', 'o2', 'o3'],
    )

    // Copying starts a new consultation from these questions, with an empty title.
    const copy = await (await h.request(`/consultations/new?from=${id}`, { as: sec })).text()
    assert.match(copy, /What was useful\?/)
    assert.match(copy, new RegExp(`name="copiedFrom" value="${id}"`))
    assert.doesNotMatch(copy, /value="Evaluation of the Geneva workshop"/)
  })

  test('only the secretariat reaches the builder', async () => {
    const focal = await h.user([{ role: 'focal_point', countryCode: 'SN' }])
    assert.equal((await h.request('/consultations/new', { as: focal })).status, 403)
    assert.equal((await post('/consultations/new', focal, [...settings(), ['op', 'save']])).status, 403)
    const visitor = await h.request('/consultations/new')
    assert.equal(visitor.status, 303, 'a visitor is sent to sign in')
    assert.match(visitor.headers.get('location') ?? '', /^\/auth\/sign-in\?next=/)
  })

  test('a focal point answers through the form: checkboxes, ranking and scale; errors come back in place', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const ok = await post('/consultations/new', sec, [...settings(), ...questions(), ['op', 'save']])
    const id = /\/consultations\/([0-9a-f-]{36})/.exec(ok.headers.get('location') ?? '')![1]!
    assert.equal((await post(`/consultations/${id}/open`, sec, [])).status, 303)
    const focal = await h.user([{ role: 'focal_point', countryCode: 'SN' }])
    const detail = await (await h.request(`/consultations/${id}`, { as: focal })).text()
    const path = /href="(\/consultations\/[0-9a-f-]{36}\/respond\/[0-9a-f-]{36})"/.exec(detail)?.[1]
    assert.ok(path, 'the consultation page links the focal point to their response')

    const wrong = await post(path, focal, [
      ['a.q2.o1', '1'],
      ['a.q2.o2', '1'],
      ['op', 'submit'],
    ])
    assert.equal(wrong.status, 422)
    const wrongHtml = await wrong.text()
    assert.match(wrongHtml, /What was useful\?: This field is required|What was useful\?:/)
    assert.match(wrongHtml, /Give every option a different position/)

    const draft = await post(path, focal, [
      ['a.q1', 'o1'],
      ['a.q1', 'o3'],
      ['op', 'draft'],
    ])
    assert.equal(draft.status, 303)
    assert.match(draft.headers.get('location') ?? '', /notice=response_saved/)
    const submitted = await post(path, focal, [
      ['a.q1', 'o1'],
      ['a.q1', 'o3'],
      ['a.q2.o1', '2'],
      ['a.q2.o2', '1'],
      ['a.q3', '4'],
      ['op', 'submit'],
    ])
    assert.equal(submitted.status, 303)
    const targetId = path.split('/').pop()!
    const response = (await (
      await h.request(`/api/v1/consultations/${id}/responses/${targetId}`, { as: focal })
    ).json()) as { state: string; answers: Record<string, unknown>; changes: number }
    assert.equal(response.state, 'submitted')
    assert.deepEqual(response.answers, { q1: ['o1', 'o3'], q2: ['o2', 'o1'], q3: 4 })
    const page = await (await h.request(path, { as: focal })).text()
    assert.match(page, /Changes/)
    assert.match(page, /Save changes/, 'a submitted response can be amended until closing')
    // The secretariat reads it, without a form to change it.
    const staffView = await (await h.request(path, { as: sec })).text()
    assert.doesNotMatch(staffView, /name="op" value="submit"/)
    assert.equal(
      (
        await post(path, sec, [
          ['a.q3', '1'],
          ['op', 'submit'],
        ])
      ).status,
      403,
    )
  })
})
