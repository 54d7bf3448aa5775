import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { AppError } from '../../http/errors.ts'
import { runReportJobs } from '../../reports/reports.service.ts'
import { useHarness } from '../../testing/harness.ts'
import type { Actor } from '../auth/auth.policy.ts'
import { assertRecordInScope, inScope, resolveSector, sectorFilter, sectorScope } from './scope.ts'

const h = useHarness()

const sectorIds = async () =>
  new Map((await h.db.selectFrom('sector').select(['id', 'code']).execute()).map((s) => [s.code, s.id]))

test('an administrator limits a secretariat role to one Sector, in the API and on the user page; other roles cannot be limited', async () => {
  const ids = await sectorIds()
  const admin = await h.user([{ role: 'admin' }])
  const target = await h.user([])
  const grant = await h.request(`/api/v1/users/${target.userId}/roles`, {
    method: 'POST',
    as: admin,
    json: { role: 'secretariat', sector: 'itu-r' },
  })
  assert.equal(grant.status, 200)
  const user = (await grant.json()) as { grants: { role: string; sectorId: string | null }[] }
  assert.deepEqual(
    user.grants.map((g) => [g.role, g.sectorId]),
    [['secretariat', ids.get('ITU-R')]],
  )
  const audit = await h.db
    .selectFrom('audit_log')
    .select('after')
    .where('entity_type', '=', 'role_assignment')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow()
  assert.match(JSON.stringify(audit.after), new RegExp(ids.get('ITU-R')!))

  for (const [body, field] of [
    [{ role: 'focal_point', countryCode: 'KE', sector: 'ITU-R' }, 'sector'],
    [{ role: 'secretariat', sector: 'ITU-X' }, 'sector'],
  ] as const) {
    const before = await h.db
      .selectFrom('role_assignment')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    const res = await h.request(`/api/v1/users/${target.userId}/roles`, {
      method: 'POST',
      as: admin,
      json: body,
    })
    assert.equal(res.status, 422, JSON.stringify(body))
    assert.ok(JSON.stringify(await res.json()).includes(field))
    const after = await h.db
      .selectFrom('role_assignment')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    assert.equal(Number(after.n), Number(before.n), 'nothing stored')
  }

  // A Sector added without a place goes last, so the default Sector of new records does not change.
  const added = await h.request('/api/v1/structure/sectors', {
    method: 'POST',
    as: admin,
    json: { code: 'ITU-X', names: { en: 'A fourth Sector' } },
  })
  assert.equal(added.status, 201)
  const sectors = (await (await h.request('/api/v1/structure/sectors')).json()) as { code: string }[]
  assert.deepEqual(
    sectors.map((x) => x.code),
    ['ITU-T', 'ITU-R', 'ITU-D', 'ITU-X'],
  )

  // The user page offers the Sector and shows the limited role with its Sector's code.
  const other = await h.user([])
  const page = await h.request(`/admin/users/${other.userId}`, { as: admin })
  assert.match(await page.text(), /name="sector"/)
  const posted = await h.request(`/admin/users/${other.userId}/roles`, {
    method: 'POST',
    as: admin,
    form: { role: 'secretariat', sector: 'ITU-D' },
  })
  assert.equal(posted.status, 303)
  const shown = await (await h.request(`/admin/users/${other.userId}`, { as: admin })).text()
  assert.match(shown, /ITU-D/)
})

test('scope: limited roles write only their Sector; defaults, Union-wide and filters resolve as documented', async () => {
  const ids = await sectorIds()
  const itur = ids.get('ITU-R')!
  const itut = ids.get('ITU-T')!
  const limited: Actor = {
    kind: 'user',
    userId: 'u1',
    name: 'R',
    email: 'r@example.org',
    via: 'session',
    grants: [{ id: 'g', role: 'secretariat', countryCode: null, organizationId: null, sectorId: itur }],
  }
  const unlimited: Actor = { ...limited, grants: [{ ...limited.grants[0]!, sectorId: null }] }
  const both: Actor = {
    ...limited,
    grants: [
      ...limited.grants,
      { id: 'a', role: 'admin', countryCode: null, organizationId: null, sectorId: null },
    ],
  }
  assert.deepEqual(sectorScope(limited), [itur])
  assert.equal(sectorScope(unlimited), null)
  assert.equal(sectorScope(both), null, 'an unlimited staff role lifts the limit')
  assert.equal(inScope(limited, itur), true)
  assert.equal(inScope(limited, itut), false)
  assert.equal(inScope(limited, null), false, 'Union-wide records are outside a Sector')

  assert.equal(
    await resolveSector(h.db, limited, undefined),
    itur,
    'a limited user’s default is their Sector',
  )
  assert.equal(await resolveSector(h.db, unlimited, undefined), itut, 'else the first Sector')
  assert.equal(await resolveSector(h.db, unlimited, 'UNION'), null)
  assert.equal(await resolveSector(h.db, unlimited, 'itu-d'), ids.get('ITU-D'))
  await assert.rejects(
    resolveSector(h.db, limited, 'ITU-T'),
    (e: AppError) => e.code === 'SECTOR_OUT_OF_SCOPE',
  )
  await assert.rejects(
    resolveSector(h.db, limited, 'union'),
    (e: AppError) => e.code === 'SECTOR_OUT_OF_SCOPE',
  )
  await assert.rejects(
    resolveSector(h.db, unlimited, 'ITU-Q'),
    (e: AppError) => e.code === 'VALIDATION_FAILED' && !!e.fieldErrors?.sector,
  )

  assert.equal(await sectorFilter(h.db, undefined), undefined)
  assert.equal(await sectorFilter(h.db, 'union'), null)
  assert.equal(await sectorFilter(h.db, 'ITU-R'), itur)
  await assert.rejects(sectorFilter(h.db, 'nope'), (e: AppError) => e.code === 'VALIDATION_FAILED')

  // The per-object check reads the record's Sector; it costs nothing for unlimited actors.
  const meeting = await h.db
    .insertInto('meeting')
    .values({
      kind: 'workshop',
      titles: JSON.stringify({ en: 'W' }),
      starts_at: new Date('2030-01-01T09:00:00Z'),
      ends_at: new Date('2030-01-01T17:00:00Z'),
      time_zone: 'UTC',
      format: 'online',
      seniority_policy: 'open',
      sector_id: itut,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await assert.rejects(
    assertRecordInScope(h.db, limited, 'meeting', meeting.id),
    (e: AppError) => e.code === 'SECTOR_OUT_OF_SCOPE' && e.status === 403,
  )
  await assertRecordInScope(h.db, unlimited, 'meeting', meeting.id)
  await h.db.updateTable('meeting').set({ sector_id: itur }).where('id', '=', meeting.id).execute()
  await assertRecordInScope(h.db, limited, 'meeting', meeting.id)
})

test('a body page lists what was addressed to it by id — to signed-in users — and reports only to staff', async () => {
  const ids = await sectorIds()
  const admin = await h.user([{ role: 'admin' }])
  const member = await h.user([])
  const bodyRes = await h.request('/api/v1/structure/bodies', {
    method: 'POST',
    as: admin,
    json: {
      sectorId: ids.get('ITU-T'),
      kind: 'study_group',
      code: 'SG77',
      names: { en: 'Study Group 77' },
      startsOn: '2020-01-01',
      endsOn: null,
    },
  })
  assert.equal(bodyRes.status, 201)
  const body = (await bodyRes.json()) as { id: string }
  const meeting = await h.db
    .insertInto('meeting')
    .values({
      kind: 'cto_meeting',
      titles: JSON.stringify({ en: 'M' }),
      starts_at: new Date('2024-01-01T09:00:00Z'),
      ends_at: new Date('2024-01-01T17:00:00Z'),
      time_zone: 'UTC',
      format: 'online',
      seniority_policy: 'open',
      status: 'held',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const conclusion = await h.db
    .insertInto('conclusion')
    .values({ meeting_id: meeting.id, texts: JSON.stringify({ en: 'C' }), type: 'request' })
    .returning('id')
    .executeTakeFirstOrThrow()
  await h.db
    .insertInto('follow_up_action')
    .values({
      conclusion_id: conclusion.id,
      what: JSON.stringify({ en: 'Prepare a draft Recommendation on marker-7741' }),
      owner_body: 'SG77-old',
      owner_body_id: body.id,
      responsible_user_id: admin.userId,
      due_date: '2025-06-30',
    })
    .execute()
  const asMember = await (await h.request(`/structure/bodies/${body.id}`, { as: member })).text()
  assert.match(asMember, /marker-7741/)
  assert.match(asMember, /SG77-old/, 'the action keeps the code it had when made')
  assert.doesNotMatch(asMember, /Reports \(/, 'reports are for staff')
  const asAdmin = await (await h.request(`/structure/bodies/${body.id}`, { as: admin })).text()
  assert.match(asAdmin, /Reports \(0\)/)
  const anonymous = await (await h.request(`/structure/bodies/${body.id}`)).text()
  assert.doesNotMatch(anonymous, /marker-7741/)
  assert.doesNotMatch(anonymous, /Addressed to this body/)
})

test('each body sees its own: the leads of the body a report was issued to read it, from the body’s page; others are refused', async () => {
  const sec = await h.user([{ role: 'secretariat' }])
  const lead = await h.user([])
  const other = await h.user([])
  const tsag = (
    (await (await h.request('/api/v1/structure/bodies')).json()) as { id: string; code: string }[]
  ).find((b) => b.code === 'TSAG')!
  await h.db.insertInto('body_lead').values({ body: 'tsag', user_id: lead.userId }).execute()
  const requested = await h.request('/reports', {
    method: 'POST',
    as: sec,
    form: {
      kind: 'follow-up',
      from: '2025-01-01',
      to: '2025-12-31',
      lang: 'en',
      sector: 'ITU-T',
      addressedTo: 'TSAG',
    },
  })
  assert.equal(requested.status, 303)
  const jobId = requested.headers.get('location')!.split('/').at(-1)!
  await runReportJobs(h.db)
  const issued = await h.request(`/reports/jobs/${jobId}/issue`, {
    method: 'POST',
    as: sec,
    form: { documentNumber: 'TSAG-TD-77' },
  })
  assert.equal(issued.status, 303)
  const issuePath = issued.headers.get('location')!.split('?')[0]!

  const asLead = await h.request(issuePath, { as: lead })
  assert.equal(asLead.status, 200)
  const page = await asLead.text()
  assert.match(page, /TSAG-TD-77/)
  assert.match(page, new RegExp(`href="/structure/bodies/${tsag.id}"`), 'back to the body’s page')
  assert.doesNotMatch(page, /action="\/reports"/, 'no new draft for a lead')
  assert.equal((await h.request(`${issuePath}/download?format=html`, { as: lead })).status, 200)
  const bodyPage = await (await h.request(`/structure/bodies/${tsag.id}`, { as: lead })).text()
  assert.match(bodyPage, /TSAG-TD-77/)

  for (const who of [other, undefined]) {
    const res = await h.request(issuePath, who ? { as: who } : {})
    assert.equal(res.status, who ? 403 : 303)
    assert.doesNotMatch(await res.text(), /TSAG-TD-77/)
  }
  assert.doesNotMatch(
    await (await h.request(`/structure/bodies/${tsag.id}`, { as: other })).text(),
    /TSAG-TD-77/,
  )
  // A lead reads reports issued to their body, not the others: nor another's, nor does a missing one answer 404.
  assert.equal(
    (await h.request(`/reports/issued/00000000-0000-4000-8000-000000000000`, { as: lead })).status,
    403,
  )
  assert.equal((await h.request(`/reports`, { as: lead })).status, 403)
})
