import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { buildMeeting, buildOrganization } from '../../testing/factories.ts'
import { unique, useHarness } from '../../testing/harness.ts'

const h = useHarness()

test('an erasure removes the person’s name and contact data from earlier audit entries, which keep their ids', async () => {
  const sec = await h.user([{ role: 'secretariat' }])
  const org = await buildOrganization(h.db)
  const name = unique('Ada Lovelace')
  const email = `${unique('ada')}@example.org`
  // Created and edited through the API, so the audit log holds the values before and after.
  const created = await h.request('/api/v1/people', {
    method: 'POST',
    as: sec,
    json: {
      name,
      email,
      organizationId: org.id,
      phone: '+44 20 7946 0000',
      publicConsent: true,
      seniority: 'c_level',
    },
  })
  assert.equal(created.status, 201, await created.clone().text())
  const person = (await created.json()) as { id: string; version?: number }
  const edited = await h.request(`/api/v1/people/${person.id}`, {
    method: 'PUT',
    as: sec,
    json: {
      name,
      email,
      organizationId: org.id,
      phone: '+44 20 7946 0000',
      publicConsent: true,
      seniority: 'c_level',
      title: 'Chief Technology Officer',
    },
  })
  assert.ok([200, 204].includes(edited.status), await edited.clone().text())
  const meeting = await buildMeeting(h.db)
  await h.db
    .insertInto('meeting_attendance')
    .values({
      meeting_id: meeting.id,
      organization_id: org.id,
      person_id: person.id,
      attended_as: 'principal',
      captured_by: 'list',
    })
    .execute()
  // An unrelated organization whose name happens to be the person's e-mail keeps its audit entry as it was.
  const namesake = await h.request('/api/v1/organizations', {
    method: 'POST',
    as: sec,
    json: { name: email, category: 'academia', countryCode: 'KE' },
  })
  assert.equal(namesake.status, 201)

  const entries = async () =>
    (
      await sql<{ text: string; entity_id: string; action: string }>`
        SELECT concat_ws('|', summary, before::text, after::text) AS text, entity_id, action
        FROM audit_log WHERE entity_type = 'person' AND entity_id = ${person.id} ORDER BY id`.execute(h.db)
    ).rows
  const before = await entries()
  assert.ok(
    before.some((e) => e.text.includes(name) && e.text.includes(email)),
    'the values are in the log before',
  )

  assert.equal(
    (await h.request(`/api/v1/people/${person.id}/erase`, { method: 'POST', as: sec })).status,
    204,
  )

  const after = await entries()
  assert.deepEqual(
    after.slice(0, before.length).map((e) => [e.entity_id, e.action]),
    before.map((e) => [e.entity_id, e.action]),
    'every entry is still there, with its id and action',
  )
  assert.equal(after.at(-1)?.action, 'erase')
  const all = (
    await sql<{ t: string }>`SELECT string_agg(concat_ws('|', summary, before::text, after::text), ' ') AS t
    FROM audit_log WHERE entity_type = 'person'`.execute(h.db)
  ).rows[0]!.t
  for (const value of [name, email, '+44 20 7946 0000', 'Chief Technology Officer'])
    assert.ok(!all.includes(value), `${value} is gone from the audit log`)
  assert.match(after[0]!.text, /\[erased\]/)
  const org2 = await sql<{ t: string }>`SELECT after::text AS t FROM audit_log
    WHERE entity_type = 'organization' AND action = 'create' AND after::text LIKE ${`%${email}%`}`.execute(
    h.db,
  )
  assert.equal(org2.rows.length, 1, 'an entry about something else is left alone')

  // Aggregates keep the person: the attendance is still counted.
  const attended = await h.db
    .selectFrom('meeting_attendance')
    .select('id')
    .where('person_id', '=', person.id)
    .execute()
  assert.equal(attended.length, 1)
  // And outside an erasure the log still cannot be changed.
  await assert.rejects(sql`UPDATE audit_log SET summary = 'x' WHERE entity_id = ${person.id}`.execute(h.db))
  await assert.rejects(
    h.db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('engage.audit_redaction', 'on', true)`.execute(trx)
      await sql`UPDATE audit_log SET action = 'create' WHERE entity_id = ${person.id}`.execute(trx)
    }),
    'even with redaction on, who did what cannot change',
  )
})
