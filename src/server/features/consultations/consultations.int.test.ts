import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildOrganization } from '../../testing/factories.ts'
import { type TestUser, useHarness } from '../../testing/harness.ts'
import { saveResponse } from './consultations.service.ts'

const h = useHarness()

const questionnaire = {
  sections: [
    {
      id: 'needs',
      title: { en: 'Needs', fr: 'Besoins' },
      questions: [
        {
          id: 'priority',
          type: 'single_choice',
          text: { en: 'Top priority', fr: 'Priorité' },
          required: true,
          options: [
            { id: 'ai', label: { en: 'AI' } },
            { id: 'connect', label: { en: 'Connectivity' } },
          ],
        },
        { id: 'detail', type: 'long_text', text: { en: 'Tell us more' } },
      ],
    },
  ],
}

type Consultation = {
  id: string
  status: string
  targets: number
  submitted: number
  questionnaireVersion: number
}
type Target = { id: string; countryCode: string | null }

async function create(sec: TestUser, overrides: Record<string, unknown> = {}) {
  const res = await h.request('/api/v1/consultations', {
    method: 'POST',
    as: sec,
    json: {
      titles: { en: 'Pre-meeting consultation', fr: 'Consultation préalable' },
      purpose: 'pre_meeting_developing_countries',
      audience: { kind: 'countries', developmentStatus: 'developing', tags: ['ldc'], regions: ['africa'] },
      opensAt: new Date(Date.now() - 3600_000).toISOString(),
      closesAt: new Date(Date.now() + 7 * 86400_000).toISOString(),
      confidentiality: 'secretariat',
      questionnaire,
      ...overrides,
    },
  })
  assert.equal(res.status, 201, await res.clone().text())
  return (await res.json()) as Consultation
}

async function open(sec: TestUser, id: string) {
  const res = await h.request(`/api/v1/consultations/${id}/open`, { method: 'POST', as: sec })
  assert.equal(res.status, 200)
  return (await res.json()) as Consultation
}

const answer = (
  user: TestUser,
  id: string,
  targetId: string,
  answers: Record<string, unknown>,
  submit: boolean,
) =>
  h.request(`/api/v1/consultations/${id}/responses/${targetId}`, {
    method: 'PUT',
    as: user,
    json: { answers, submit },
  })

describe('consultations', () => {
  test('opening targets the audience: developing LDCs of Africa, answered by their focal points', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const c = await create(sec)
    assert.equal(c.status, 'draft')
    const opened = await open(sec, c.id)
    assert.equal(opened.status, 'open')
    const targets = (await (
      await h.request(`/api/v1/consultations/${c.id}/targets`, { as: sec })
    ).json()) as Target[]
    assert.equal(targets.length, opened.targets)
    assert.ok(targets.some((t) => t.countryCode === 'ET'))
    assert.ok(!targets.some((t) => t.countryCode === 'FR' || t.countryCode === 'BD'), 'only Africa')
    const focal = await h.user([{ role: 'focal_point', countryCode: 'ET' }])
    const mine = (await (
      await h.request(`/api/v1/consultations/${c.id}/targets`, { as: focal })
    ).json()) as Target[]
    assert.deepEqual(
      mine.map((t) => t.countryCode),
      ['ET'],
    )
  })

  test('a focal point saves a draft, submits, and amends; a second focal point shares the response', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const c = await create(sec)
    await open(sec, c.id)
    const a = await h.user([{ role: 'focal_point', countryCode: 'ET' }])
    const b = await h.user([{ role: 'focal_point', countryCode: 'ET' }])
    const [target] = (await (
      await h.request(`/api/v1/consultations/${c.id}/targets`, { as: a })
    ).json()) as Target[]
    assert.ok(target)
    assert.equal((await answer(a, c.id, target.id, { detail: 'Draft thoughts' }, false)).status, 200)
    const missing = await answer(a, c.id, target.id, { detail: 'Now submitting' }, true)
    assert.equal(missing.status, 422)
    assert.deepEqual(((await missing.json()) as { errors: Record<string, string[]> }).errors, {
      'answers.priority': ['required'],
    })
    assert.equal(
      (await answer(a, c.id, target.id, { priority: 'connect', detail: 'Rural access' }, true)).status,
      200,
    )
    const amended = await answer(
      b,
      c.id,
      target.id,
      { priority: 'ai', detail: 'Changed by the second focal point' },
      false,
    )
    assert.equal(amended.status, 200)
    const r = (await amended.json()) as { state: string; answers: Record<string, string>; changes: number }
    assert.equal(r.state, 'submitted', 'an amended submission stays submitted')
    assert.equal(r.answers.priority, 'ai')
    assert.equal(r.changes, 3)
    const authors = await h.db
      .selectFrom('consultation_response_change')
      .select('changed_by')
      .orderBy('id')
      .execute()
    assert.deepEqual(
      authors.slice(-2).map((x) => x.changed_by),
      [a.userId, b.userId],
    )
    const unanswer = await answer(b, c.id, target.id, { detail: 'Removing the priority' }, false)
    assert.equal(unanswer.status, 422, 'a submitted response keeps its required answers')
  })

  test('another country’s focal point gets 404, the secretariat reads but does not answer', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const c = await create(sec)
    await open(sec, c.id)
    const targets = (await (
      await h.request(`/api/v1/consultations/${c.id}/targets`, { as: sec })
    ).json()) as Target[]
    const ethiopia = targets.find((t) => t.countryCode === 'ET')!
    const other = await h.user([{ role: 'focal_point', countryCode: 'FR' }])
    assert.equal(
      (await h.request(`/api/v1/consultations/${c.id}/responses/${ethiopia.id}`, { as: other })).status,
      404,
    )
    assert.equal((await answer(other, c.id, ethiopia.id, { priority: 'ai' }, true)).status, 404)
    assert.equal((await answer(sec, c.id, ethiopia.id, { priority: 'ai' }, true)).status, 403)
    assert.equal(
      (await h.request(`/api/v1/consultations/${c.id}/responses/${ethiopia.id}`, { as: sec })).status,
      200,
    )
  })

  test('answers after closing are refused with 409', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const c = await create(sec)
    await open(sec, c.id)
    const focal = await h.user([{ role: 'focal_point', countryCode: 'ET' }])
    const [target] = (await (
      await h.request(`/api/v1/consultations/${c.id}/targets`, { as: focal })
    ).json()) as Target[]
    const late = saveResponse(
      h.db,
      focal.actor,
      c.id,
      target!.id,
      { answers: { priority: 'ai' }, submit: true },
      new Date(Date.now() + 8 * 86400_000),
    )
    await assert.rejects(late, (e: { code?: string }) => e.code === 'CONSULTATION_NOT_OPEN')
    await h.request(`/api/v1/consultations/${c.id}/close`, { method: 'POST', as: sec })
    const closed = await answer(focal, c.id, target!.id, { priority: 'ai' }, true)
    assert.equal(closed.status, 409)
  })

  test('a questionnaire revised after answers arrived is a new version; earlier answers keep theirs', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const org = await buildOrganization(h.db, { country_code: 'KE' })
    const c = await create(sec, {
      purpose: 'membership_agenda',
      audience: { kind: 'organizations', organizations: [org.id] },
    })
    await open(sec, c.id)
    const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
    const [target] = (await (
      await h.request(`/api/v1/consultations/${c.id}/targets`, { as: rep })
    ).json()) as Target[]
    await answer(rep, c.id, target!.id, { priority: 'ai' }, true)
    const revised = await h.request(`/api/v1/consultations/${c.id}/questionnaire`, {
      method: 'PUT',
      as: sec,
      json: {
        sections: [
          {
            id: 'needs',
            title: { en: 'Needs' },
            questions: [{ id: 'budget', type: 'number', text: { en: 'Budget' }, min: 0 }],
          },
        ],
      },
    })
    assert.deepEqual(await revised.json(), { version: 2 })
    const earlier = (await (
      await h.request(`/api/v1/consultations/${c.id}/responses/${target!.id}`, { as: rep })
    ).json()) as { questionnaireVersion: number }
    assert.equal(earlier.questionnaireVersion, 1)
  })

  test('a questionnaire with a broken condition is refused with the field named', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const res = await h.request('/api/v1/consultations', {
      method: 'POST',
      as: sec,
      json: {
        titles: { en: 'Bad' },
        purpose: 'general',
        audience: { kind: 'countries' },
        opensAt: new Date().toISOString(),
        closesAt: new Date(Date.now() + 86400_000).toISOString(),
        confidentiality: 'secretariat',
        questionnaire: {
          sections: [
            {
              id: 's',
              title: { en: 'S' },
              questions: [
                { id: 'q', type: 'short_text', text: { en: 'Q' }, showIf: { question: 'nope', option: 'x' } },
              ],
            },
          ],
        },
      },
    })
    assert.equal(res.status, 422)
    assert.ok(
      Object.keys(((await res.json()) as { errors: Record<string, string[]> }).errors).includes(
        'questionnaire.sections.0.questions.0.showIf',
      ),
    )
  })

  test('a response names a target of its own consultation only (migration 0031)', async () => {
    const row = (title: string) =>
      h.db
        .insertInto('consultation')
        .values({
          titles: JSON.stringify({ en: title }),
          purpose: 'general',
          audience: JSON.stringify({}),
          opens_at: new Date('2020-01-01T00:00:00Z'),
          closes_at: new Date('2020-02-01T00:00:00Z'),
          confidentiality: 'secretariat',
          status: 'closed',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    const [a, b] = [await row('A'), await row('B')]
    const target = await h.db
      .insertInto('consultation_target')
      .values({ consultation_id: a.id, country_code: 'KE' })
      .returning('id')
      .executeTakeFirstOrThrow()
    const response = (consultationId: string) =>
      h.db
        .insertInto('consultation_response')
        .values({
          consultation_id: consultationId,
          target_id: target.id,
          questionnaire_version: 1,
          answers: JSON.stringify({}),
          state: 'submitted',
        })
        .execute()
    await assert.rejects(response(b.id), /consultation_response_target_consultation_fkey/)
    await response(a.id)
  })
})
