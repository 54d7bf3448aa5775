import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildGroup, buildMeeting, buildOrganization, buildPerson } from '../../testing/factories.ts'
import { unique, useHarness } from '../../testing/harness.ts'

const h = useHarness()

type Page<T> = { items: T[]; total: number }
type Org = {
  id: string
  name: string
  countryCode: string
  ituRegion: string
  category: string
  sme: boolean
  archived: boolean
}
type Person = { id: string; name: string; email?: string | null; phone?: string | null }

describe('organizations', () => {
  test('the secretariat creates an organization; it is audited in the same transaction', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const name = unique('Kestrel Networks')
    const res = await h.request('/api/v1/organizations', {
      method: 'POST',
      as: sec,
      json: { name, category: 'sector_member', countryCode: 'ke', sme: true, segment: 'operator' },
    })
    assert.equal(res.status, 201)
    const org = (await res.json()) as Org
    assert.equal(org.countryCode, 'KE')
    assert.equal(org.ituRegion, 'africa')
    const audit = await h.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_type', '=', 'organization')
      .where('entity_id', '=', org.id)
      .execute()
    assert.equal(audit.length, 1)
    assert.equal(audit[0]!.action, 'create')
    assert.equal(audit[0]!.actor_label, sec.email)
  })

  test('refuses a duplicate name in the same country with 409 and writes nothing', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const name = unique('Duplicate Org')
    await buildOrganization(h.db, { name, country_code: 'FR' })
    const before = await h.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    const res = await h.request('/api/v1/organizations', {
      method: 'POST',
      as: sec,
      json: { name: name.toUpperCase(), category: 'academia', countryCode: 'FR' },
    })
    assert.equal(res.status, 409)
    const problem = (await res.json()) as { code: string }
    assert.equal(problem.code, 'ORGANIZATION_DUPLICATE')
    const after = await h.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    assert.equal(Number(after.n), Number(before.n))
    const same = await h.request('/api/v1/organizations', {
      method: 'POST',
      as: sec,
      json: { name, category: 'academia', countryCode: 'DE' },
    })
    assert.equal(same.status, 201, 'the same name in another country is another organization')
  })

  test('names the field for an unknown country, an oversized name and a bad website', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const res = await h.request('/api/v1/organizations', {
      method: 'POST',
      as: sec,
      json: {
        name: 'x'.repeat(301),
        category: 'sector_member',
        countryCode: 'QQ',
        website: 'javascript:alert(1)',
      },
    })
    assert.equal(res.status, 422)
    assert.equal(res.headers.get('content-type'), 'application/problem+json')
    const body = (await res.json()) as { code: string; errors: Record<string, string[]> }
    assert.equal(body.code, 'VALIDATION_FAILED')
    assert.ok(body.errors.name)
    assert.ok(body.errors.website)
    const unknown = await h.request('/api/v1/organizations', {
      method: 'POST',
      as: sec,
      json: { name: unique('Q'), category: 'sector_member', countryCode: 'QQ' },
    })
    assert.equal(unknown.status, 422)
    assert.deepEqual(((await unknown.json()) as { errors: Record<string, string[]> }).errors, {
      countryCode: ['country_unknown'],
    })
  })

  test('filters by region, development status, category and SME, sorts and paginates', async () => {
    const tag = unique('Filterable')
    await buildOrganization(h.db, {
      name: `${tag} A`,
      country_code: 'KE',
      category: 'sector_member',
      sme: true,
    })
    await buildOrganization(h.db, {
      name: `${tag} B`,
      country_code: 'FR',
      category: 'sector_member',
      sme: false,
    })
    await buildOrganization(h.db, { name: `${tag} C`, country_code: 'EG', category: 'academia', sme: false })
    await buildOrganization(h.db, {
      name: `${tag} D`,
      country_code: 'BR',
      category: 'sector_member',
      sme: true,
    })
    const get = async (qs: string) =>
      (await (
        await h.request(`/api/v1/organizations?q=${encodeURIComponent(tag)}&${qs}`)
      ).json()) as Page<Org>
    assert.deepEqual(
      (await get('region=africa')).items.map((o) => o.name),
      [`${tag} A`],
    )
    assert.deepEqual(
      (await get('region=arab_states')).items.map((o) => o.name),
      [`${tag} C`],
    )
    assert.deepEqual(
      (await get('status=developed')).items.map((o) => o.name),
      [`${tag} B`],
    )
    assert.deepEqual(
      (await get('sme=true')).items.map((o) => o.name),
      [`${tag} A`, `${tag} D`],
    )
    assert.deepEqual(
      (await get('category=academia')).items.map((o) => o.name),
      [`${tag} C`],
    )
    assert.deepEqual(
      (await get('sort=name&dir=desc&pageSize=2')).items.map((o) => o.name),
      [`${tag} D`, `${tag} C`],
    )
    const page2 = await get('sort=name&dir=desc&pageSize=2&page=2')
    assert.deepEqual(
      page2.items.map((o) => o.name),
      [`${tag} B`, `${tag} A`],
    )
    assert.equal(page2.total, 4)
  })

  test('a search string with SQL and LIKE metacharacters is matched literally', async () => {
    const res = await h.request(`/api/v1/organizations?q=${encodeURIComponent("%' OR 1=1 --")}`)
    assert.equal(res.status, 200)
    assert.equal(((await res.json()) as Page<Org>).total, 0)
    const bad = await h.request('/api/v1/organizations?sort=name;drop%20table%20organization')
    assert.equal(bad.status, 422)
  })

  test('archiving hides an organization from the public and ends its group memberships', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const org = await buildOrganization(h.db)
    const group = await buildGroup(h.db)
    await h.db
      .insertInto('group_membership')
      .values({ group_id: group.id, organization_id: org.id, start_date: '2020-01-01' })
      .execute()
    const res = await h.request(`/api/v1/organizations/${org.id}/archive`, { method: 'POST', as: sec })
    assert.equal(res.status, 200)
    assert.equal((await h.request(`/api/v1/organizations/${org.id}`)).status, 404)
    const m = await h.db
      .selectFrom('group_membership')
      .select('end_date')
      .where('organization_id', '=', org.id)
      .executeTakeFirstOrThrow()
    assert.ok(m.end_date)
  })

  test('a member representative edits its own organization but not another, nor its category', async () => {
    const own = await buildOrganization(h.db, { country_code: 'JP' })
    const other = await buildOrganization(h.db, { country_code: 'JP' })
    const rep = await h.user([{ role: 'member_representative', organizationId: own.id }])
    const input = {
      name: `${own.name} renamed`,
      category: 'sector_member',
      countryCode: 'JP',
      website: 'https://own.example',
    }
    assert.equal(
      (await h.request(`/api/v1/organizations/${own.id}`, { method: 'PUT', as: rep, json: input })).status,
      200,
    )
    const denied = await h.request(`/api/v1/organizations/${other.id}`, {
      method: 'PUT',
      as: rep,
      json: { ...input, name: other.name },
    })
    assert.equal(denied.status, 403)
    const row = await h.db
      .selectFrom('organization')
      .select('name')
      .where('id', '=', other.id)
      .executeTakeFirstOrThrow()
    assert.equal(row.name, other.name)
    const scope = await h.request(`/api/v1/organizations/${own.id}`, {
      method: 'PUT',
      as: rep,
      json: { ...input, category: 'member_state' },
    })
    assert.equal(scope.status, 403)
  })

  test('anonymous users cannot create, and get 401 even for an invalid body', async () => {
    const invalid = await h.request('/api/v1/organizations', { method: 'POST', json: {} })
    assert.equal(invalid.status, 401)
    const res = await h.request('/api/v1/organizations', {
      method: 'POST',
      json: { name: 'Anon', category: 'academia', countryCode: 'KE' },
    })
    assert.equal(res.status, 401)
  })
})

describe('people and personal data', () => {
  test('contact data is shown to the secretariat and the own representative only', async () => {
    const org = await buildOrganization(h.db)
    const person = await buildPerson(h.db, {
      organization_id: org.id,
      public_consent: true,
      phone: '+254 700 000',
    })
    const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
    const otherRep = await h.user([
      { role: 'member_representative', organizationId: (await buildOrganization(h.db)).id },
    ])
    const focal = await h.user([{ role: 'focal_point', countryCode: 'KE' }])
    const sec = await h.user([{ role: 'secretariat' }])
    const as = async (u?: typeof rep) =>
      (await (await h.request(`/api/v1/people/${person.id}`, u ? { as: u } : {})).json()) as Person
    assert.equal((await as(sec)).email, person.email)
    assert.equal((await as(rep)).phone, '+254 700 000')
    assert.equal((await as(otherRep)).email, undefined)
    assert.equal(
      (await as(focal)).email,
      undefined,
      'a focal point does not see a company’s staff contact data',
    )
    assert.equal((await as()).email, undefined)
    assert.equal((await as()).name, person.name, 'a consenting person is on the public list')
  })

  test('a person without public-list consent is invisible to others, in lists, counts and by id', async () => {
    const org = await buildOrganization(h.db)
    const hidden = await buildPerson(h.db, {
      organization_id: org.id,
      public_consent: false,
      name: unique('Hidden Person'),
    })
    assert.equal((await h.request(`/api/v1/people/${hidden.id}`)).status, 404)
    const list = (await (
      await h.request(`/api/v1/people?q=${encodeURIComponent(hidden.name)}`)
    ).json()) as Page<Person>
    assert.equal(list.total, 0)
    const page = await (await h.request(`/organizations/${org.id}`)).text()
    assert.ok(!page.includes(hidden.name))
    const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
    const own = (await (
      await h.request(`/api/v1/people?q=${encodeURIComponent(hidden.name)}`, { as: rep })
    ).json()) as Page<Person>
    assert.equal(own.total, 1)
  })

  test('a focal point sees its own Member State’s contacts but not another country’s', async () => {
    const kenya = await buildOrganization(h.db, {
      category: 'member_state',
      country_code: 'KE',
      name: unique('Government of Kenya'),
    })
    const france = await buildOrganization(h.db, {
      category: 'member_state',
      country_code: 'FR',
      name: unique('Gouvernement'),
    })
    const own = await buildPerson(h.db, { organization_id: kenya.id, public_consent: false })
    const foreign = await buildPerson(h.db, { organization_id: france.id, public_consent: false })
    const foreignPublic = await buildPerson(h.db, { organization_id: france.id, public_consent: true })
    const focal = await h.user([{ role: 'focal_point', countryCode: 'KE' }])
    const mine = (await (await h.request(`/api/v1/people/${own.id}`, { as: focal })).json()) as Person
    assert.equal(mine.email, own.email)
    assert.equal((await h.request(`/api/v1/people/${foreign.id}`, { as: focal })).status, 404)
    const other = (await (
      await h.request(`/api/v1/people/${foreignPublic.id}`, { as: focal })
    ).json()) as Person
    assert.equal(other.email, undefined)
    const edit = await h.request(`/api/v1/people/${foreignPublic.id}`, {
      method: 'PUT',
      as: focal,
      json: { organizationId: france.id, name: 'Changed', seniority: 'expert' },
    })
    assert.equal(edit.status, 403)
  })

  test('a member representative adds people to its own organization only', async () => {
    const org = await buildOrganization(h.db)
    const other = await buildOrganization(h.db)
    const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
    const ok = await h.request('/api/v1/people', {
      method: 'POST',
      as: rep,
      json: {
        organizationId: org.id,
        name: 'New CTO',
        seniority: 'c_level',
        email: `${unique('cto')}@example.org`,
      },
    })
    assert.equal(ok.status, 201)
    const denied = await h.request('/api/v1/people', {
      method: 'POST',
      as: rep,
      json: { organizationId: other.id, name: 'Intruder', seniority: 'expert' },
    })
    assert.equal(denied.status, 403)
  })

  test('the subject-access export lists the meetings the person was invited to, registered for and attended', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const person = await buildPerson(h.db, { name: unique('Export Me') })
    const other = await buildPerson(h.db, { organization_id: person.organization_id })
    const earlier = await buildMeeting(h.db, {
      status: 'concluded',
      starts_at: new Date('2024-03-10T08:00:00Z'),
    })
    const later = await buildMeeting(h.db, {
      status: 'concluded',
      starts_at: new Date('2025-03-10T08:00:00Z'),
    })
    const org = person.organization_id
    await h.db
      .insertInto('meeting_invitation')
      .values([
        {
          meeting_id: later.id,
          organization_id: org,
          person_id: person.id,
          group_role: 'principal',
          state: 'accepted',
        },
        {
          meeting_id: earlier.id,
          organization_id: org,
          person_id: other.id,
          delegate_person_id: person.id,
          state: 'delegated',
        },
      ])
      .execute()
    await h.db
      .insertInto('meeting_registration')
      .values({
        meeting_id: later.id,
        organization_id: org,
        person_id: person.id,
        status: 'registered',
        participation: 'onsite',
      })
      .execute()
    await h.db
      .insertInto('meeting_attendance')
      .values([
        {
          meeting_id: later.id,
          organization_id: org,
          person_id: person.id,
          attended_as: 'principal',
          captured_by: 'check_in',
        },
        {
          meeting_id: earlier.id,
          organization_id: org,
          person_id: other.id,
          attended_as: 'principal',
          captured_by: 'list',
        },
      ])
      .execute()
    const res = await h.request(`/api/v1/people/${person.id}/export`, { as: sec })
    assert.equal(res.status, 200)
    const data = (await res.json()) as {
      invitations: { meetingDate: string; as: string; state: string }[]
      registrations: { meetingDate: string; status: string; participation: string }[]
      attendance: { meetingDate: string; attendedAs: string; capturedBy: string }[]
      panelRoles: unknown[]
    }
    assert.deepEqual(
      data.invitations.map((i) => [i.meetingDate, i.as, i.state]),
      [
        ['2024-03-10', 'delegate', 'delegated'],
        ['2025-03-10', 'principal', 'accepted'],
      ],
      'in the order of the meetings; the invitation to someone else names the person as delegate',
    )
    assert.deepEqual(
      data.registrations.map((r) => [r.meetingDate, r.status, r.participation]),
      [['2025-03-10', 'registered', 'onsite']],
    )
    assert.deepEqual(
      data.attendance.map((a) => [a.meetingDate, a.attendedAs, a.capturedBy]),
      [['2025-03-10', 'principal', 'check_in']],
      "the other person's attendance is not in this export",
    )
    assert.deepEqual(data.panelRoles, [])
  })

  test('personal data can be exported and erased; the erasure keeps the record for counts', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const person = await buildPerson(h.db, { name: unique('Erase Me'), phone: '+41 22 730 5111' })
    const exp = await h.request(`/api/v1/people/${person.id}/export`, { as: sec })
    assert.equal(exp.status, 200)
    const data = (await exp.json()) as { person: { email: string } }
    assert.equal(data.person.email, person.email)
    const erase = await h.request(`/api/v1/people/${person.id}/erase`, { method: 'POST', as: sec })
    assert.equal(erase.status, 204)
    const row = await h.db
      .selectFrom('person')
      .selectAll()
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow()
    assert.equal(row.email, null)
    assert.equal(row.phone, null)
    assert.equal(row.name, 'Erased person')
    assert.ok(row.erased_at)
    const rep = await h.user([{ role: 'member_representative', organizationId: person.organization_id }])
    assert.equal(
      (await h.request(`/api/v1/people/${person.id}/erase`, { method: 'POST', as: rep })).status,
      403,
    )
  })
})

describe('groups', () => {
  test('changing the principal keeps the earlier composition in the history', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const org = await buildOrganization(h.db)
    const first = await buildPerson(h.db, { organization_id: org.id })
    const second = await buildPerson(h.db, { organization_id: org.id })
    const alt = await buildPerson(h.db, { organization_id: org.id })
    const group = await buildGroup(h.db)
    const add = await h.request(`/api/v1/groups/${group.id}/memberships`, {
      method: 'POST',
      as: sec,
      json: {
        organizationId: org.id,
        principalPersonId: first.id,
        alternatePersonId: alt.id,
        startDate: '2023-01-01',
      },
    })
    assert.equal(add.status, 201)
    const { id } = (await add.json()) as { id: string }
    const change = await h.request(`/api/v1/memberships/${id}/change`, {
      method: 'POST',
      as: sec,
      json: { principalPersonId: second.id, alternatePersonId: alt.id, effectiveDate: '2024-07-01' },
    })
    assert.equal(change.status, 200)
    const rows = await h.db
      .selectFrom('group_membership')
      .selectAll()
      .where('group_id', '=', group.id)
      .orderBy('start_date')
      .execute()
    assert.deepEqual(
      rows.map((r) => [r.principal_person_id, r.start_date, r.end_date]),
      [
        [first.id, '2023-01-01', '2024-06-30'],
        [second.id, '2024-07-01', null],
      ],
    )
    const dup = await h.request(`/api/v1/groups/${group.id}/memberships`, {
      method: 'POST',
      as: sec,
      json: { organizationId: org.id, startDate: '2025-01-01' },
    })
    assert.equal(dup.status, 409)
  })

  test('refuses a principal from another organization and the same person as alternate', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const org = await buildOrganization(h.db)
    const outsider = await buildPerson(h.db)
    const insider = await buildPerson(h.db, { organization_id: org.id })
    const group = await buildGroup(h.db)
    const res = await h.request(`/api/v1/groups/${group.id}/memberships`, {
      method: 'POST',
      as: sec,
      json: { organizationId: org.id, principalPersonId: outsider.id, startDate: '2024-01-01' },
    })
    assert.equal(res.status, 422)
    const same = await h.request(`/api/v1/groups/${group.id}/memberships`, {
      method: 'POST',
      as: sec,
      json: {
        organizationId: org.id,
        principalPersonId: insider.id,
        alternatePersonId: insider.id,
        startDate: '2024-01-01',
      },
    })
    assert.equal(same.status, 422)
    const count = await h.db
      .selectFrom('group_membership')
      .select('id')
      .where('group_id', '=', group.id)
      .execute()
    assert.equal(count.length, 0)
  })

  test('group names fall back to English in another language', async () => {
    const group = await buildGroup(h.db, { names: { en: 'CTO group', fr: 'Groupe des CTO' } })
    const fr = (await (await h.request(`/api/v1/groups/${group.id}?lang=fr`)).json()) as { name: string }
    const zh = (await (await h.request(`/api/v1/groups/${group.id}?lang=zh`)).json()) as { name: string }
    assert.equal(fr.name, 'Groupe des CTO')
    assert.equal(zh.name, 'CTO group')
  })
})

describe('audit log', () => {
  test('cannot be changed or deleted, even by SQL from the application', async () => {
    await h.db
      .insertInto('audit_log')
      .values({ actor_label: 'test', action: 'create', entity_type: 'x', entity_id: '1' })
      .execute()
    await assert.rejects(h.db.updateTable('audit_log').set({ action: 'delete' }).execute())
    await assert.rejects(h.db.deleteFrom('audit_log').execute())
  })

  test('admins browse and filter it; nobody else can', async () => {
    const admin = await h.user([{ role: 'admin' }])
    const sec = await h.user([{ role: 'secretariat' }])
    const org = await buildOrganization(h.db)
    await h.request(`/api/v1/organizations/${org.id}/archive`, { method: 'POST', as: sec })
    const res = await h.request(`/api/v1/audit?entityType=organization&entityId=${org.id}`, { as: admin })
    assert.equal(res.status, 200)
    const page = (await res.json()) as Page<{ action: string; before: { archived_at: string | null } }>
    assert.deepEqual(
      page.items.map((i) => i.action),
      ['archive'],
    )
    assert.equal(page.items[0]!.before.archived_at, null)
    assert.equal((await h.request('/api/v1/audit', { as: sec })).status, 403)
    assert.equal((await h.request('/admin/audit', { as: sec })).status, 403)
  })
})

describe('countries', () => {
  test('ships the reference list with ITU regions and development status', async () => {
    const list = (await (await h.request('/api/v1/countries?region=arab_states')).json()) as {
      code: string
    }[]
    assert.equal(list.length, 22)
    const st = (await (await h.request('/api/v1/countries/ST')).json()) as { ldc: boolean; sids: boolean }
    assert.equal(st.ldc, false, 'São Tomé and Príncipe graduated from LDC status in December 2024')
    assert.equal(st.sids, true)
    const ru = (await (await h.request('/api/v1/countries/RU?lang=ru')).json()) as {
      name: string
      ituRegion: string
    }
    assert.equal(ru.ituRegion, 'cis')
    assert.equal(ru.name, 'Российская Федерация')
    assert.equal((await h.request('/api/v1/countries/ZZ')).status, 404)
  })

  test('only admins correct a country, and the correction is audited', async () => {
    const admin = await h.user([{ role: 'admin' }])
    const sec = await h.user([{ role: 'secretariat' }])
    assert.equal(
      (await h.request('/api/v1/countries/BT', { method: 'PATCH', as: sec, json: { ldc: false } })).status,
      403,
    )
    const patch = () =>
      h.request('/api/v1/countries/BT', {
        method: 'PATCH',
        as: admin,
        json: { names: { en: 'Kingdom of Bhutan' } },
      })
    const audited = () =>
      h.db
        .selectFrom('audit_log')
        .select('id')
        .where('entity_type', '=', 'country')
        .where('entity_id', '=', 'BT')
        .execute()
    const res = await patch()
    assert.equal(res.status, 200)
    assert.equal(((await res.json()) as { name: string }).name, 'Kingdom of Bhutan')
    assert.equal((await audited()).length, 1)
    assert.equal((await patch()).status, 200)
    assert.equal((await audited()).length, 1, 'a change that changes nothing is not audited')
  })
})
