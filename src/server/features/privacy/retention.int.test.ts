import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { useHarness } from '../../testing/harness.ts'
import { plantWorld } from '../../testing/world.ts'
import { applyRetention } from './retention.service.ts'

const h = useHarness()

test('retention deletes old registrations and old text answers, and keeps attendance and the choice answers', async () => {
  const w = await plantWorld(h)
  const admin = await h.user([{ role: 'admin' }])
  const sec = await h.user([{ role: 'secretariat' }])
  // The registered meeting ended 14 months ago; the country consultation closed 14 months ago.
  await sql`UPDATE meeting SET starts_at = now() - interval '14 months' - interval '8 hours',
    ends_at = now() - interval '14 months' WHERE id = ${w.upcoming.id}`.execute(h.db)
  await sql`UPDATE consultation SET opens_at = now() - interval '15 months', closes_at = now() - interval '14 months'
    WHERE id = ${w.byCountry}`.execute(h.db)

  // Nothing happens while nothing is set.
  assert.deepEqual(await applyRetention(h.db), { registrations: 0, responses: 0 })

  // Only an administrator sets it, and bad values are refused with the field named.
  assert.equal((await h.request('/admin/retention', { as: sec })).status, 403)
  const bad = await h.request('/admin/retention', {
    method: 'POST',
    as: admin,
    form: { registrationMonths: '0', answerTextMonths: 'soon' },
  })
  assert.equal(bad.status, 422)
  assert.match(await bad.text(), /from 1 to 600/)
  const saved = await h.request('/admin/retention', {
    method: 'POST',
    as: admin,
    form: { registrationMonths: '12', answerTextMonths: '12' },
  })
  assert.equal(saved.status, 303)
  const page = await (await h.request('/admin/retention', { as: admin })).text()
  assert.match(page, /Now: 2 registrations to delete, text answers to remove from 2 responses/)

  const registrationsBefore = await h.db.selectFrom('meeting_registration').select('id').execute()
  const applied = await h.request('/admin/retention/apply', { method: 'POST', as: admin, form: {} })
  assert.equal(applied.status, 303)

  const registrations = await h.db
    .selectFrom('meeting_registration')
    .select('id')
    .where('meeting_id', '=', w.upcoming.id)
    .execute()
  assert.deepEqual(registrations, [])
  assert.equal(
    (await h.db.selectFrom('meeting_registration').select('id').execute()).length,
    registrationsBefore.length - 2,
  )
  const attendance = await h.db
    .selectFrom('meeting_attendance')
    .select('id')
    .where('meeting_id', '=', w.held.id)
    .execute()
  assert.equal(attendance.length, 2, 'attendance is kept')

  const answers = await h.db
    .selectFrom('consultation_response')
    .select(['answers', 'consultation_id'])
    .where('consultation_id', 'in', [w.byCountry, w.byOrganization])
    .execute()
  for (const r of answers) {
    const a = r.answers as Record<string, unknown>
    assert.equal(a.priority, 'ai', 'the choice answer is kept')
    if (r.consultation_id === w.byCountry) assert.equal(a.detail, undefined, 'the old text answer is gone')
    else assert.match(String(a.detail), /Our need/, 'a recent consultation keeps its text')
  }
  const history = await sql<{ n: number }>`SELECT count(*)::int AS n FROM consultation_response_change c
    JOIN consultation_response r ON r.id = c.response_id
    WHERE r.consultation_id = ${w.byCountry} AND c.answers ? 'detail'`.execute(h.db)
  assert.equal(history.rows[0]!.n, 0, 'nor is it left in the history')
  const dump = JSON.stringify(
    (await sql<{ a: string }>`SELECT answers::text AS a FROM consultation_response_change`.execute(h.db))
      .rows,
  )
  assert.ok(!dump.includes(w.markers.country), 'the marker planted in the old answer is gone')

  // The results still count the choice answers.
  const results = await h.request(`/api/v1/consultations/${w.byCountry}/results`, { as: sec })
  assert.equal(results.status, 200)
  const audit = await h.db
    .selectFrom('audit_log')
    .select(['summary', 'actor_label'])
    .where('entity_type', '=', 'retention_setting')
    .where('action', '=', 'erase')
    .executeTakeFirstOrThrow()
  assert.equal(audit.summary, '2 registrations deleted, text answers removed from 2 responses')
  // Applied again: nothing left to do.
  assert.deepEqual(await applyRetention(h.db), { registrations: 0, responses: 0 })
})
