import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildOrganization } from '../../testing/factories.ts'
import { type TestUser, unique, useHarness } from '../../testing/harness.ts'

const h = useHarness()

const questionnaire = {
  sections: [
    {
      id: 's',
      title: { en: 'Evaluation' },
      questions: [
        {
          id: 'priority',
          type: 'single_choice',
          text: { en: 'Priority' },
          required: true,
          options: [
            { id: 'ai', label: { en: 'AI' } },
            { id: 'connect', label: { en: 'Connectivity' } },
          ],
        },
        { id: 'useful', type: 'likert', text: { en: 'Useful?' }, points: 5 },
        { id: 'detail', type: 'long_text', text: { en: 'Comments' } },
      ],
    },
  ],
}

type Results = {
  published: boolean
  targets: number
  submitted: number
  rate: number
  byRegion: { key: string; targets: number; submitted: number }[]
  byDevelopmentStatus: { key: string; targets: number; submitted: number }[]
  questions: {
    id: string
    answered: number | null
    options?: { id: string; count: number | null }[]
    mean?: number | null
    min?: number | null
    max?: number | null
    texts?: string[]
  }[]
}

/** Five Kenyan organizations submit, one French organization keeps a draft. */
async function fixture(confidentiality: string) {
  const sec = await h.user([{ role: 'secretariat' }])
  const kenyan = await Promise.all(
    [1, 2, 3, 4, 5].map((i) => buildOrganization(h.db, { name: unique(`KE ${i}`), country_code: 'KE' })),
  )
  const french = await buildOrganization(h.db, { name: unique('FR'), country_code: 'FR' })
  const created = await h.request('/api/v1/consultations', {
    method: 'POST',
    as: sec,
    json: {
      titles: { en: 'Workshop evaluation' },
      purpose: 'workshop_evaluation',
      audience: { kind: 'organizations', organizations: [...kenyan.map((o) => o.id), french.id] },
      opensAt: new Date(Date.now() - 3600_000).toISOString(),
      closesAt: new Date(Date.now() + 86400_000).toISOString(),
      confidentiality,
      questionnaire,
    },
  })
  const { id } = (await created.json()) as { id: string }
  await h.request(`/api/v1/consultations/${id}/open`, { method: 'POST', as: sec })
  const answers = [
    { priority: 'ai', useful: 4, detail: 'More on AI' },
    { priority: 'ai', useful: 4 },
    { priority: 'ai', useful: 5, detail: 'Excellent' },
    { priority: 'connect', useful: 3 },
    { priority: 'connect', useful: 4 },
  ]
  const respond = async (org: { id: string }, body: Record<string, unknown>, submit: boolean) => {
    const rep: TestUser = await h.user([{ role: 'member_representative', organizationId: org.id }])
    const [target] = (await (await h.request(`/api/v1/consultations/${id}/targets`, { as: rep })).json()) as {
      id: string
    }[]
    const res = await h.request(`/api/v1/consultations/${id}/responses/${target!.id}`, {
      method: 'PUT',
      as: rep,
      json: { answers: body, submit },
    })
    assert.equal(res.status, 200)
    return rep
  }
  for (const [i, org] of kenyan.entries()) await respond(org, answers[i]!, true)
  const frenchRep = await respond(french, { priority: 'connect' }, false)
  return { sec, id, frenchRep }
}

describe('consultation results', () => {
  test('the secretariat sees rates by region and status, option counts, scale statistics and comments', async () => {
    const { sec, id } = await fixture('secretariat')
    const r = (await (await h.request(`/api/v1/consultations/${id}/results`, { as: sec })).json()) as Results
    assert.equal(r.published, false)
    assert.deepEqual([r.targets, r.submitted], [6, 5])
    assert.equal(r.rate, 5 / 6)
    assert.deepEqual(r.byRegion, [
      { key: 'africa', targets: 5, submitted: 5 },
      { key: 'europe', targets: 1, submitted: 0 },
    ])
    assert.deepEqual(r.byDevelopmentStatus, [
      { key: 'developed', targets: 1, submitted: 0 },
      { key: 'developing', targets: 5, submitted: 5 },
    ])
    const [priority, useful, detail] = r.questions
    assert.deepEqual(priority!.options, [
      { id: 'ai', count: 3 },
      { id: 'connect', count: 2 },
    ])
    assert.deepEqual(
      useful!.options!.map((o) => o.count),
      [0, 0, 1, 3, 1],
    )
    assert.deepEqual([useful!.mean, useful!.min, useful!.max], [4, 3, 5])
    assert.deepEqual(detail!.texts, ['More on AI', 'Excellent'])
  })

  test('published aggregates hide small cells and free text, and are refused when not published', async () => {
    const { id } = await fixture('aggregated_public')
    const r = (await (await h.request(`/api/v1/consultations/${id}/results`)).json()) as Results
    assert.equal(r.published, true)
    assert.deepEqual(
      r.byRegion,
      [{ key: 'africa', targets: 5, submitted: 5 }],
      'Europe has one target: hidden',
    )
    const [priority, useful, detail] = r.questions
    assert.deepEqual(priority!.options, [
      { id: 'ai', count: null },
      { id: 'connect', count: null },
    ])
    assert.equal(priority!.answered, 5)
    assert.equal(useful!.mean, 4)
    assert.equal(detail!.texts, undefined)

    const closed = await fixture('secretariat')
    // A visitor may not see the consultation at all: absent, as on its page (not "sign in", which confirms it).
    assert.equal((await h.request(`/api/v1/consultations/${closed.id}/results`)).status, 404)
    assert.equal(
      (await h.request(`/api/v1/consultations/${closed.id}/results`, { as: closed.frenchRep })).status,
      403,
    )
  })
})
