import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildMeeting } from '../../testing/factories.ts'
import { type TestUser, useHarness } from '../../testing/harness.ts'

const h = useHarness()

function post(path: string, as: TestUser, pairs: [string, string][]) {
  return h.request(path, {
    method: 'POST',
    headers: { Cookie: as.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([...pairs, ['_csrf', as.csrf]]),
  })
}

describe('agenda pages', () => {
  test('the secretariat builds and publishes through the pages; everyone sees why each item is there', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const meeting = await buildMeeting(h.db, { status: 'announced' })
    const res = await h.request('/api/v1/topics', {
      method: 'POST',
      as: sec,
      json: { titles: { en: 'Open RAN security' }, source: 'secretariat' },
    })
    const topic = (await res.json()) as { id: string }
    const builder = await h.request(`/meetings/${meeting.id}/agenda/builder`, { as: sec })
    assert.equal(builder.status, 200)
    assert.match(await builder.text(), /Open RAN security/)
    const added = await post(`/meetings/${meeting.id}/agenda/builder`, sec, [
      ['kind', 'add_topic'],
      ['topicId', topic.id],
    ])
    assert.equal(added.status, 303, await added.clone().text())
    const free = await post(`/meetings/${meeting.id}/agenda/builder`, sec, [
      ['kind', 'add_free'],
      ['titles.en', ''],
    ])
    assert.equal(free.status, 422)
    const page = await (await h.request(`/meetings/${meeting.id}/agenda/builder`, { as: sec })).text()
    const lock = /name="lockVersion" value="(\d+)"/.exec(page)?.[1]
    assert.ok(lock)
    const stale = await post(`/meetings/${meeting.id}/agenda/publish`, sec, [['lockVersion', '1']])
    assert.equal(stale.status, 409)
    const published = await post(`/meetings/${meeting.id}/agenda/publish`, sec, [['lockVersion', lock]])
    assert.equal(published.status, 303)
    const visitor = await (await h.request(`/meetings/${meeting.id}/agenda`)).text()
    assert.match(visitor, /Open RAN security/)
    assert.match(visitor, /Version 1, published/)
    assert.match(visitor, /Score \d/)
    assert.doesNotMatch(visitor, /Build the agenda/)
    const focal = await h.user([{ role: 'focal_point', countryCode: 'KE' }])
    assert.equal((await h.request(`/meetings/${meeting.id}/agenda/builder`, { as: focal })).status, 403)
    assert.equal((await post('/topics/score-weights', focal, [['strategic', '1']])).status, 403)
    const weights = await post('/topics/score-weights', sec, [
      ['strategic', '-1'],
      ['consultation_demand', '2'],
      ['developing_demand', '2'],
      ['supports', '1'],
      ['open_actions', '1'],
      ['staleness', '1'],
    ])
    assert.equal(weights.status, 422)
  })
})
