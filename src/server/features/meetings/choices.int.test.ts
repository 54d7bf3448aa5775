import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildMeeting } from '../../testing/factories.ts'
import { useHarness } from '../../testing/harness.ts'
import { meetingChoices } from './meetings.service.ts'

const h = useHarness()

describe('meetings as choices for a form', () => {
  test('the most recent first, up to the limit, and a record’s own meeting however old; drafts only for the secretariat', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const focal = await h.user([{ role: 'focal_point', countryCode: 'KE' }])
    const day = 86400_000
    const oldest = await buildMeeting(h.db, {
      status: 'concluded',
      starts_at: new Date(Date.now() - 900 * day),
    })
    const older = await buildMeeting(h.db, {
      status: 'concluded',
      starts_at: new Date(Date.now() - 600 * day),
    })
    const recent = await buildMeeting(h.db, {
      status: 'concluded',
      starts_at: new Date(Date.now() - 30 * day),
    })
    const draft = await buildMeeting(h.db, { status: 'draft', starts_at: new Date(Date.now() + 30 * day) })

    const two = await meetingChoices(h.db, sec.actor, 'en', { limit: 2 })
    assert.deepEqual(
      two.map((m) => m.id),
      [draft.id, recent.id],
    )
    assert.equal(typeof two[0]!.title, 'string')
    assert.ok(two[0]!.timeZone)

    const kept = await meetingChoices(h.db, sec.actor, 'en', { limit: 2, include: oldest.id })
    assert.deepEqual(
      kept.map((m) => m.id),
      [draft.id, recent.id, oldest.id],
    )
    // Already among the choices: not twice. Not an id: ignored.
    const same = await meetingChoices(h.db, sec.actor, 'en', { limit: 2, include: recent.id })
    assert.equal(same.length, 2)
    assert.equal((await meetingChoices(h.db, sec.actor, 'en', { limit: 2, include: 'x' })).length, 2)

    const outside = await meetingChoices(h.db, focal.actor, 'en', { limit: 2, include: draft.id })
    assert.deepEqual(
      outside.map((m) => m.id),
      [recent.id, older.id],
    )
  })
})
