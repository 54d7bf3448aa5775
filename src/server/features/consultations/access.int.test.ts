import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import readXlsxFile from 'read-excel-file/node'
import { buildMeeting } from '../../testing/factories.ts'
import { type TestUser, useHarness } from '../../testing/harness.ts'

/**
 * Confidentiality in every path: list and search, the consultation, responses, the results page and its
 * charts, CSV and XLSX exports, the meeting page. And editing rules once a consultation is open.
 */
const h = useHarness()

const questionnaire = {
  sections: [
    {
      id: 'needs',
      title: { en: 'Needs' },
      questions: [
        {
          id: 'priority',
          type: 'single_choice',
          text: { en: 'Top priority' },
          required: true,
          options: [
            { id: 'ai', label: { en: 'AI', fr: 'IA' } },
            { id: 'connect', label: { en: 'Connectivity' } },
          ],
        },
        { id: 'detail', type: 'long_text', text: { en: 'Secret detail' } },
        { id: 'topic', type: 'topic_proposal', text: { en: 'Propose a topic' } },
      ],
    },
  ],
}

type Target = { id: string; countryCode: string | null; name: string }

async function create(sec: TestUser, overrides: Record<string, unknown> = {}) {
  const res = await h.request('/api/v1/consultations', {
    method: 'POST',
    as: sec,
    json: {
      titles: { en: `Access check ${Math.random().toString(36).slice(2, 8)}` },
      purpose: 'pre_meeting_developing_countries',
      audience: { kind: 'countries', countries: ['SN', 'KE', 'GH', 'NG', 'TZ', 'UG'] },
      opensAt: new Date(Date.now() - 3600_000).toISOString(),
      closesAt: new Date(Date.now() + 10 * 86400_000).toISOString(),
      confidentiality: 'secretariat',
      questionnaire,
      ...overrides,
    },
  })
  assert.equal(res.status, 201, await res.clone().text())
  return (await res.json()) as { id: string; titles: { en: string } }
}

async function openWithAnswers(sec: TestUser, id: string, countries: string[]) {
  await h.request(`/api/v1/consultations/${id}/open`, { method: 'POST', as: sec })
  const focal: Record<string, TestUser> = {}
  for (const code of countries) {
    const u = await h.user([{ role: 'focal_point', countryCode: code }])
    focal[code] = u
    const [t] = (await (await h.request(`/api/v1/consultations/${id}/targets`, { as: u })).json()) as Target[]
    const res = await h.request(`/api/v1/consultations/${id}/responses/${t!.id}`, {
      method: 'PUT',
      as: u,
      json: {
        answers: {
          priority: 'ai',
          detail: `detail from ${code}`,
          topic: [{ title: `Topic of ${code}`, description: '' }],
        },
        submit: true,
      },
    })
    assert.equal(res.status, 200, await res.clone().text())
  }
  return focal
}

describe('who sees a consultation and its answers', () => {
  test('lists and search: the secretariat sees all; others only what asks them or is published', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const draft = await create(sec)
    const asked = await create(sec)
    const published = await create(sec, {
      confidentiality: 'aggregated_public',
      audience: { kind: 'countries', countries: ['KE'] },
    })
    await h.request(`/api/v1/consultations/${asked.id}/open`, { method: 'POST', as: sec })
    await h.request(`/api/v1/consultations/${published.id}/open`, { method: 'POST', as: sec })
    const sn = await h.user([{ role: 'focal_point', countryCode: 'SN' }])
    const fr = await h.user([{ role: 'focal_point', countryCode: 'FR' }])
    const ids = async (as: TestUser | undefined, q = '') => {
      const res = await h.request(`/api/v1/consultations?pageSize=200${q}`, as ? { as } : {})
      assert.equal(res.status, 200)
      return ((await res.json()) as { items: { id: string }[] }).items.map((x) => x.id)
    }
    const all = await ids(sec)
    assert.ok([draft.id, asked.id, published.id].every((id) => all.includes(id)))
    const mine = await ids(sn)
    assert.ok(mine.includes(asked.id) && mine.includes(published.id) && !mine.includes(draft.id))
    const other = await ids(fr)
    assert.ok(!other.includes(asked.id) && other.includes(published.id))
    const visitor = await ids(undefined)
    assert.ok(!visitor.includes(asked.id) && visitor.includes(published.id))
    // Search does not reveal what the list hides.
    assert.deepEqual(await ids(fr, `&q=${encodeURIComponent(asked.titles.en)}`), [])
    assert.deepEqual(await ids(sec, `&q=${encodeURIComponent(asked.titles.en)}`), [asked.id])
    // Nor does the consultation itself, its page or its results.
    for (const path of [`/api/v1/consultations/${asked.id}`, `/consultations/${asked.id}`]) {
      assert.equal((await h.request(path, { as: fr })).status, 404, path)
    }
    assert.equal((await h.request(`/api/v1/consultations/${draft.id}`, { as: sn })).status, 404)
    const page = await h.request('/consultations', { as: fr })
    assert.doesNotMatch(await page.text(), new RegExp(asked.titles.en))
  })

  test('a focal point reads and exports only their own country’s response; others get 404', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const c = await create(sec, { confidentiality: 'own' })
    const focal = await openWithAnswers(sec, c.id, ['SN', 'KE'])
    const staffCsv = await h.request(`/api/v1/consultations/${c.id}/export?format=csv&table=responses`, {
      as: sec,
    })
    assert.equal(staffCsv.status, 200)
    const csv = await staffCsv.text()
    assert.match(csv, /Senegal,SN,Submitted,.*,1,AI,detail from SN,Topic of SN/)
    assert.match(csv, /Kenya,KE,Submitted/)
    assert.match(csv, /Ghana,GH,Not started/)
    const own = await (
      await h.request(`/api/v1/consultations/${c.id}/export?format=csv`, { as: focal.SN })
    ).text()
    assert.match(own, /Senegal/)
    assert.doesNotMatch(own, /Kenya|detail from KE/)
    // Not published: a focal point gets no summary of everyone's answers.
    assert.equal(
      (await h.request(`/api/v1/consultations/${c.id}/export?format=csv&table=summary`, { as: focal.SN }))
        .status,
      404,
    )
    assert.equal((await h.request(`/api/v1/consultations/${c.id}/results`, { as: focal.SN })).status, 403)
    assert.equal((await h.request(`/consultations/${c.id}/results`, { as: focal.SN })).status, 403)
    const targets = (await (
      await h.request(`/api/v1/consultations/${c.id}/targets`, { as: sec })
    ).json()) as Target[]
    const kenya = targets.find((t) => t.countryCode === 'KE')!
    for (const path of [
      `/api/v1/consultations/${c.id}/responses/${kenya.id}`,
      `/consultations/${c.id}/respond/${kenya.id}`,
    ]) {
      const res = await h.request(path, { as: focal.SN })
      assert.equal(res.status, 404, path)
      assert.doesNotMatch(await res.text(), /detail from KE/)
    }
    // An outsider exports nothing.
    const fr = await h.user([{ role: 'focal_point', countryCode: 'FR' }])
    assert.equal((await h.request(`/api/v1/consultations/${c.id}/export`, { as: fr })).status, 404)
    // XLSX for the secretariat: both tables, as sheets.
    const xlsx = await h.request(`/api/v1/consultations/${c.id}/export?format=xlsx`, { as: sec })
    assert.equal(xlsx.status, 200)
    const sheets = await readXlsxFile(Buffer.from(await xlsx.arrayBuffer()))
    assert.deepEqual(
      sheets.map((s) => s.sheet),
      ['Responses', 'Summary'],
    )
    const responses = sheets[0]!.data
    assert.equal(responses[0]![0], 'Country or organization')
    assert.ok(responses.some((r) => r[0] === 'Senegal' && r.includes('AI') && r.includes('detail from SN')))
  })

  test('with answers for the secretariat only, respondents lose sight of their response once it closes', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const c = await create(sec)
    const focal = await openWithAnswers(sec, c.id, ['SN'])
    const [t] = (await (
      await h.request(`/api/v1/consultations/${c.id}/targets`, { as: focal.SN })
    ).json()) as Target[]
    const path = `/api/v1/consultations/${c.id}/responses/${t!.id}`
    assert.equal((await h.request(path, { as: focal.SN })).status, 200)
    await h.request(`/api/v1/consultations/${c.id}/close`, { method: 'POST', as: sec })
    assert.equal((await h.request(path, { as: focal.SN })).status, 404)
    assert.equal((await h.request(`/api/v1/consultations/${c.id}/export`, { as: focal.SN })).status, 404)
    assert.equal((await h.request(path, { as: sec })).status, 200)
  })

  test('published aggregates: counts only, cells under 5 hidden, no free text, in API, page, chart and export', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const c = await create(sec, { confidentiality: 'aggregated_public' })
    await openWithAnswers(sec, c.id, ['SN', 'KE', 'GH', 'NG', 'TZ'])
    // One more answers differently, so "connect" has a count of 1: too small to publish.
    const ug = await h.user([{ role: 'focal_point', countryCode: 'UG' }])
    const [t] = (await (
      await h.request(`/api/v1/consultations/${c.id}/targets`, { as: ug })
    ).json()) as Target[]
    await h.request(`/api/v1/consultations/${c.id}/responses/${t!.id}`, {
      method: 'PUT',
      as: ug,
      json: { answers: { priority: 'connect', detail: 'from UG' }, submit: true },
    })
    const api = (await (await h.request(`/api/v1/consultations/${c.id}/results`)).json()) as {
      published: boolean
      questions: { id: string; options?: { id: string; count: number | null }[]; texts?: string[] }[]
    }
    assert.equal(api.published, true)
    const priority = api.questions.find((q) => q.id === 'priority')!
    assert.deepEqual(priority.options, [
      { id: 'ai', count: 5 },
      { id: 'connect', count: null },
    ])
    assert.equal(api.questions.find((q) => q.id === 'detail')!.texts, undefined)
    const page = await (await h.request(`/consultations/${c.id}/results`)).text()
    assert.match(page, /<svg[^>]*role="img"/)
    assert.doesNotMatch(page, /detail from|from UG|Topic of/)
    assert.match(page, /Connectivity<\/text>.*—<\/text>/s, 'the hidden cell is drawn as a dash')
    const summary = await (await h.request(`/api/v1/consultations/${c.id}/export?format=csv`)).text()
    assert.match(summary, /Top priority,AI,5,6/)
    assert.match(summary, /Top priority,Connectivity,,6/)
    assert.doesNotMatch(summary, /detail from|from UG|Topic of/)
    assert.equal(
      (await h.request(`/api/v1/consultations/${c.id}/export?format=csv&table=responses`)).status,
      404,
    )
    // The secretariat sees the full figures and texts on the same page.
    const full = await (await h.request(`/consultations/${c.id}/results`, { as: sec })).text()
    assert.match(full, /from UG/)
    assert.match(full, /Topic of SN/)
  })

  test('the meeting page shows its consultation: asked when, rate, lead time, topics for the secretariat', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const meeting = await buildMeeting(h.db, {
      status: 'announced',
      starts_at: new Date(Date.now() + 30 * 86400_000),
    })
    const c = await create(sec, { meetingId: meeting.id })
    await h.user([{ role: 'focal_point', countryCode: 'GH' }])
    await openWithAnswers(sec, c.id, ['SN'])
    const page = await (await h.request(`/meetings/${meeting.id}`, { as: sec })).text()
    assert.match(page, /Consultations for this meeting/)
    assert.match(page, /17% \(1\/6\)/)
    assert.match(page, /(29|30) days before/)
    assert.match(page, /Topic of SN/)
    assert.match(page, /detail from SN/)
    const member = await h.user([{ role: 'focal_point', countryCode: 'SN' }])
    const theirs = await (await h.request(`/meetings/${meeting.id}`, { as: member })).text()
    assert.doesNotMatch(theirs, /Topic of SN|detail from SN/, 'what countries said is for the secretariat')
  })

  test('once open, who is asked and how answers are shared cannot change; titles, closing and questions can', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const c = await create(sec)
    const body = (over: Record<string, unknown>) => ({
      titles: c.titles,
      purpose: 'pre_meeting_developing_countries',
      audience: { kind: 'countries', countries: ['SN', 'KE', 'GH', 'NG', 'TZ', 'UG'] },
      opensAt: new Date(Date.now() - 3600_000).toISOString(),
      closesAt: new Date(Date.now() + 10 * 86400_000).toISOString(),
      confidentiality: 'secretariat',
      questionnaire,
      ...over,
    })
    // A draft changes freely, and its questionnaire is replaced, not versioned.
    const draft = await h.request(`/api/v1/consultations/${c.id}`, {
      method: 'PUT',
      as: sec,
      json: body({ audience: { kind: 'countries', countries: ['SN'] } }),
    })
    assert.equal(draft.status, 200, await draft.clone().text())
    const got = (await draft.json()) as { opensAt: string; questionnaireVersion: number }
    assert.equal(got.questionnaireVersion, 1)
    await h.request(`/api/v1/consultations/${c.id}/open`, { method: 'POST', as: sec })
    const widened = await h.request(`/api/v1/consultations/${c.id}`, {
      method: 'PUT',
      as: sec,
      json: body({ opensAt: got.opensAt, confidentiality: 'aggregated_public' }),
    })
    assert.equal(widened.status, 409)
    const errors = ((await widened.json()) as { errors: Record<string, string[]> }).errors
    assert.deepEqual(Object.keys(errors).sort(), ['audience', 'confidentiality'])
    const later = await h.request(`/api/v1/consultations/${c.id}`, {
      method: 'PUT',
      as: sec,
      json: body({
        opensAt: got.opensAt,
        audience: { kind: 'countries', countries: ['SN'] },
        titles: { en: 'Renamed' },
        closesAt: new Date(Date.now() + 20 * 86400_000).toISOString(),
        questionnaire: {
          sections: [
            { ...questionnaire.sections[0], questions: questionnaire.sections[0]!.questions.slice(0, 2) },
          ],
        },
      }),
    })
    assert.equal(later.status, 200, await later.clone().text())
    const after = (await later.json()) as { title: string; questionnaireVersion: number }
    assert.equal(after.title, 'Renamed')
    assert.equal(after.questionnaireVersion, 2)
    const focal = await h.user([{ role: 'focal_point', countryCode: 'SN' }])
    assert.equal(
      (await h.request(`/api/v1/consultations/${c.id}`, { method: 'PUT', as: focal, json: body({}) })).status,
      403,
    )
  })
})
