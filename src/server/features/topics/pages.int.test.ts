import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildOrganization } from '../../testing/factories.ts'
import { type TestUser, useHarness } from '../../testing/harness.ts'

const h = useHarness()

function post(path: string, as: TestUser, pairs: [string, string][]) {
  return h.request(path, {
    method: 'POST',
    headers: { Cookie: as.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([...pairs, ['_csrf', as.csrf]]),
  })
}

const idFrom = (res: Response) =>
  /\/topics\/([0-9a-f-]{36})/.exec(res.headers.get('location') ?? '')?.[1] ?? ''

describe('topic pages', () => {
  test('a member proposes through the form, supports it; the secretariat moves it and the page tells the story', async () => {
    const org = await buildOrganization(h.db, { country_code: 'BR', name: 'Brasil Telecom Lab' })
    const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
    const sec = await h.user([{ role: 'secretariat' }])
    const p = await h.request('/api/v1/priorities', {
      method: 'POST',
      as: sec,
      json: {
        titles: { en: 'AI for good' },
        kind: 'strategic_priority',
        weight: 5,
        periodStart: '2025-01-01',
      },
    })
    const priority = (await p.json()) as { id: string }

    const form = await h.request('/topics/new', { as: rep })
    assert.equal(form.status, 200)
    assert.match(await form.text(), /Brasil Telecom Lab/)
    const refused = await post('/topics/new', rep, [
      ['titles.en', ''],
      ['studyGroups', 'bad group!'],
    ])
    assert.equal(refused.status, 422)
    assert.match(await refused.text(), /Use study-group names/)

    const created = await post('/topics/new', rep, [
      ['titles.en', 'AI for network operations'],
      ['descriptions.en', 'Closed-loop automation'],
      ['keywords', 'AI, automation'],
      ['studyGroups', 'SG13, SG20'],
      ['proposedByOrganizationId', org.id],
      ['priorityIds', priority.id],
    ])
    assert.equal(created.status, 303, await created.clone().text())
    const id = idFrom(created)
    assert.ok(id)
    assert.equal((await post(`/topics/${id}/supports`, rep, [['organizationId', org.id]])).status, 303)
    const twice = await post(`/topics/${id}/supports`, rep, [['organizationId', org.id]])
    assert.equal(twice.status, 409)
    assert.match(await twice.text(), /already supports/)

    const wrong = await post(`/topics/${id}/transitions`, sec, [
      ['to', 'standard_approved'],
      ['reason', 'Too early'],
      ['version', '1'],
    ])
    assert.equal(wrong.status, 409)
    const moved = await post(`/topics/${id}/transitions`, sec, [
      ['to', 'shortlisted'],
      ['reason', 'Strong demand from the membership'],
      ['evidenceUrl', 'https://example.org/tsag-report'],
      ['version', '1'],
    ])
    assert.equal(moved.status, 303, await moved.clone().text())
    const page = await (await h.request(`/topics/${id}`, { as: sec })).text()
    for (const text of [
      'AI for network operations',
      'Shortlisted',
      'Supported by Brasil Telecom Lab',
      'Proposed → Shortlisted',
      'Strong demand from the membership',
      'https://example.org/tsag-report',
      'AI for good',
    ])
      assert.ok(page.includes(text), text)

    // Others read it; only the secretariat sees the forms that change it.
    const focal = await h.user([{ role: 'focal_point', countryCode: 'FR' }])
    const theirs = await (await h.request(`/topics/${id}`, { as: focal })).text()
    assert.doesNotMatch(theirs, /action="\/topics\/[0-9a-f-]{36}\/transitions"/)
    assert.equal(
      (
        await post(`/topics/${id}/transitions`, focal, [
          ['to', 'on_agenda'],
          ['reason', 'x'],
          ['version', '2'],
        ])
      ).status,
      403,
    )
    const list = await (await h.request('/topics?state=shortlisted', { as: focal })).text()
    assert.match(list, /AI for network operations/)
    assert.match(list, /<svg[^>]*role="img"/, 'the funnel chart')
    assert.equal((await h.request('/topics')).status, 303, 'visitors sign in first')
  })

  test('administrators edit the lifecycle in a matrix; the secretariat manages priorities', async () => {
    const admin = await h.user([{ role: 'admin' }])
    const sec = await h.user([{ role: 'secretariat' }])
    assert.equal((await h.request('/admin/topic-lifecycle', { as: sec })).status, 403)
    const page = await (await h.request('/admin/topic-lifecycle', { as: admin })).text()
    const checked = [...page.matchAll(/name="rule" value="([a-z_]+&gt;[a-z_]+)" checked/g)].map((m) =>
      m[1]!.replace('&gt;', '>'),
    )
    assert.ok(checked.includes('proposed>shortlisted'))
    const saved = await post('/admin/topic-lifecycle', admin, [
      ...checked.map((r): [string, string] => ['rule', r]),
      ['rule', 'monitoring>standard_approved'],
      ['rule', 'proposed>proposed'],
    ])
    assert.equal(saved.status, 303)
    const rules = (await (await h.request('/api/v1/topic-lifecycle', { as: sec })).json()) as {
      rules: { from: string; to: string }[]
    }
    assert.ok(rules.rules.some((r) => r.from === 'monitoring' && r.to === 'standard_approved'))
    assert.ok(!rules.rules.some((r) => r.from === r.to))
    // Unticking every move would freeze every topic: refused on the page and in the API, nothing changed.
    const none = await post('/admin/topic-lifecycle', admin, [])
    assert.equal(none.status, 422)
    assert.match(await none.text(), /tick at least one move/)
    const api = await h.request('/api/v1/topic-lifecycle', { method: 'PUT', as: admin, json: { rules: [] } })
    assert.equal(api.status, 422)
    const unchanged = (await (await h.request('/api/v1/topic-lifecycle', { as: sec })).json()) as typeof rules
    assert.deepEqual(unchanged, rules)

    const bad = await post('/priorities', sec, [
      ['titles.en', 'Quantum'],
      ['kind', 'emerging_technology'],
      ['weight', '150'],
      ['periodStart', '2026-01-01'],
    ])
    assert.equal(bad.status, 422)
    const ok = await post('/priorities', sec, [
      ['titles.en', 'Quantum'],
      ['kind', 'emerging_technology'],
      ['weight', '4'],
      ['periodStart', '2026-01-01'],
    ])
    assert.equal(ok.status, 303)
    assert.match(await (await h.request('/priorities', { as: sec })).text(), /Quantum/)
    const list = await (await h.request('/api/v1/priorities', { as: sec })).json()
    const quantum = (list as { id: string; title: string; version: number }[]).find(
      (x) => x.title === 'Quantum',
    )!
    const editPage = await (await h.request(`/priorities/${quantum.id}/edit`, { as: sec })).text()
    assert.match(editPage, /value="Quantum"/)
    const edited = await post(`/priorities/${quantum.id}/edit`, sec, [
      ['titles.en', 'Quantum technologies'],
      ['titles.fr', 'Technologies quantiques'],
      ['kind', 'emerging_technology'],
      ['weight', '6'],
      ['periodStart', '2026-01-01'],
      ['version', String(quantum.version)],
    ])
    assert.equal(edited.status, 303)
    const stale = await post(`/priorities/${quantum.id}/edit`, sec, [
      ['titles.en', 'Quantum'],
      ['kind', 'emerging_technology'],
      ['weight', '1'],
      ['periodStart', '2026-01-01'],
      ['version', String(quantum.version)],
    ])
    assert.equal(stale.status, 409, 'an edit on an old reading')
    const after = (await (await h.request('/api/v1/priorities', { as: sec })).json()) as {
      id: string
      weight: number
      titles: Record<string, string>
    }[]
    const q = after.find((x) => x.id === quantum.id)!
    assert.equal(q.weight, 6)
    assert.equal(q.titles.fr, 'Technologies quantiques')
    const focal = await h.user([{ role: 'focal_point', countryCode: 'FR' }])
    assert.equal(
      (await post('/priorities', focal, [['titles.en', 'X']])).status,
      403,
      'refused before reading',
    )
    assert.equal(
      (
        await post('/priorities', focal, [
          ['titles.en', 'X'],
          ['kind', 'emerging_technology'],
          ['weight', '1'],
          ['periodStart', '2026-01-01'],
        ])
      ).status,
      403,
    )
  })
})
