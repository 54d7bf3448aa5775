import assert from 'node:assert/strict'
import { beforeEach, describe, test } from 'node:test'
import { sql } from 'kysely'
import { buildMeeting, buildOrganization, buildPerson } from '../../testing/factories.ts'
import { type TestUser, unique, useHarness } from '../../testing/harness.ts'

const h = useHarness()
beforeEach(loadSectors)

type Meeting = {
  id: string
  title: string
  kind: string
  status: string
  version: number
  sector: string | null
  panelId: string | null
  panelName: string | null
}
type Problem = { code: string; errors?: Record<string, string[]> }

const isoLocal = (d: Date) => d.toISOString().slice(0, 16)
const days = (n: number) => new Date(Date.now() + n * 86400_000)

/** Sector ids by code (ITU-T, ITU-R, ITU-D), from the structure the setup puts in place. */
const sector: Record<string, string> = {}
let firstSectorCode = ''

/** Reads the Sectors once the harness's database is open (each test starts with it). */
async function loadSectors() {
  if (firstSectorCode) return
  const rows = await h.db
    .selectFrom('sector')
    .select(['id', 'code'])
    .orderBy('position')
    .orderBy('code')
    .execute()
  for (const r of rows) sector[r.code] = r.id
  firstSectorCode = rows[0]!.code
}

function meetingJson(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'cto_meeting',
    titles: { en: unique('Sector meeting') },
    startsAt: isoLocal(days(30)),
    endsAt: isoLocal(new Date(days(30).getTime() + 6 * 3600_000)),
    timeZone: 'UTC',
    format: 'in_person',
    city: 'Geneva',
    countryCode: 'CH',
    seniorityPolicy: 'open',
    ...overrides,
  }
}

function postMeeting(as: TestUser, overrides: Record<string, unknown> = {}) {
  return h.request('/api/v1/meetings', { method: 'POST', as, json: meetingJson(overrides) })
}

async function createMeeting(as: TestUser, overrides: Record<string, unknown> = {}): Promise<Meeting> {
  const res = await postMeeting(as, overrides)
  assert.equal(res.status, 201, await res.clone().text())
  return (await res.json()) as Meeting
}

/** A meeting of a Sector (code) or Union-wide (null), straight in the database, in the given status. */
async function meetingIn(code: string | null, status = 'announced') {
  const m = await buildMeeting(h.db, { status })
  await h.db
    .updateTable('meeting')
    .set({ sector_id: code ? sector[code]! : null })
    .where('id', '=', m.id)
    .execute()
  return m
}

async function auditCount(userId: string) {
  const row = await h.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('actor_user_id', '=', userId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

async function sectorIdOf(meetingId: string) {
  const row = await h.db
    .selectFrom('meeting')
    .select('sector_id')
    .where('id', '=', meetingId)
    .executeTakeFirstOrThrow()
  return row.sector_id
}

async function listIds(query: string, as?: TestUser) {
  const res = await h.request(`/api/v1/meetings?${query}&pageSize=200`, as ? { as } : {})
  assert.equal(res.status, 200, await res.clone().text())
  const body = (await res.json()) as { items: Meeting[]; total: number }
  return { ids: new Set(body.items.map((m) => m.id)), items: body.items, total: body.total }
}

describe('the Sector of a meeting', () => {
  test('the three Sectors exist after setup', () => {
    for (const code of ['ITU-T', 'ITU-R', 'ITU-D']) assert.ok(sector[code], `${code} exists`)
  })

  test('creates a meeting in a Sector, Union-wide, or in the default Sector, and says which', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const r = await createMeeting(sec, { sector: 'ITU-R' })
    assert.equal(r.sector, 'ITU-R')
    assert.equal(await sectorIdOf(r.id), sector['ITU-R'])
    const lower = await createMeeting(sec, { sector: 'itu-d' })
    assert.equal(lower.sector, 'ITU-D', 'codes are matched in any case')
    const union = await createMeeting(sec, { sector: 'union' })
    assert.equal(union.sector, null)
    assert.equal(await sectorIdOf(union.id), null)
    const plain = await createMeeting(sec)
    assert.equal(plain.sector, firstSectorCode, 'without a Sector: the first Sector of the structure')
    const fetched = (await (await h.request(`/api/v1/meetings/${r.id}`, { as: sec })).json()) as Meeting
    assert.equal(fetched.sector, 'ITU-R')

    const limited = await h.user([{ role: 'secretariat', sectorId: sector['ITU-R']! }])
    const own = await createMeeting(limited)
    assert.equal(own.sector, 'ITU-R', "a limited secretariat's meeting defaults to its own Sector")

    const audit = await h.db
      .selectFrom('audit_log')
      .select('after')
      .where('entity_type', '=', 'meeting')
      .where('entity_id', '=', r.id)
      .where('action', '=', 'create')
      .executeTakeFirstOrThrow()
    assert.equal((audit.after as { sector_id: string }).sector_id, sector['ITU-R'])
  })

  test('the forms create and edit a meeting with its Sector and show it', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const form = await h.request('/meetings/new', { as: sec })
    const html = await form.text()
    assert.match(html, /name="sector"/)
    assert.match(html, /<option value="union"/)
    const title = unique('Form meeting')
    const res = await h.request('/meetings/new', {
      method: 'POST',
      as: sec,
      form: {
        kind: 'workshop',
        'titles.en': title,
        startsAt: isoLocal(days(20)),
        endsAt: isoLocal(new Date(days(20).getTime() + 3600_000)),
        timeZone: 'UTC',
        format: 'online',
        seniorityPolicy: 'open',
        sector: 'ITU-D',
        panelId: '',
      },
    })
    assert.equal(res.status, 303, await res.clone().text())
    const id = res.headers.get('location')!.split('/')[2]!.split('?')[0]!
    assert.equal(await sectorIdOf(id), sector['ITU-D'])
    const page = await (await h.request(`/meetings/${id}`, { as: sec })).text()
    assert.match(page, /<dt>Sector<\/dt>\s*<dd>ITU-D<\/dd>/)
    const edit = await (await h.request(`/meetings/${id}/edit`, { as: sec })).text()
    assert.match(edit, /<option value="ITU-D" selected/)
    const moved = await h.request(`/meetings/${id}/edit`, {
      method: 'POST',
      as: sec,
      form: {
        kind: 'workshop',
        'titles.en': title,
        startsAt: isoLocal(days(20)),
        endsAt: isoLocal(new Date(days(20).getTime() + 3600_000)),
        timeZone: 'UTC',
        format: 'online',
        seniorityPolicy: 'open',
        sector: 'union',
        panelId: '',
        version: '1',
      },
    })
    assert.equal(moved.status, 303, await moved.clone().text())
    assert.equal(await sectorIdOf(id), null)
    const after = await (await h.request(`/meetings/${id}`, { as: sec })).text()
    assert.match(after, /<dt>Sector<\/dt>\s*<dd>Union-wide<\/dd>/)
  })

  test('refuses an unknown Sector code with 422 and the field error', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const before = await h.db
      .selectFrom('meeting')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    const res = await postMeeting(sec, { sector: 'ITU-X' })
    assert.equal(res.status, 422)
    const problem = (await res.json()) as Problem
    assert.equal(problem.code, 'VALIDATION_FAILED')
    assert.deepEqual(problem.errors, { sector: ['sector_unknown'] })
    const malformed = await postMeeting(sec, { sector: 'not a code!' })
    assert.equal(malformed.status, 422)
    assert.deepEqual(((await malformed.json()) as Problem).errors?.sector, ['sector_code'])
    const after = await h.db
      .selectFrom('meeting')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    assert.equal(Number(after.n), Number(before.n), 'nothing was created')

    const m = await createMeeting(sec, { sector: 'ITU-T' })
    const put = await h.request(`/api/v1/meetings/${m.id}`, {
      method: 'PUT',
      as: sec,
      json: meetingJson({ sector: 'ITU-X', version: m.version }),
    })
    assert.equal(put.status, 422)
    assert.deepEqual(((await put.json()) as Problem).errors, { sector: ['sector_unknown'] })
    assert.equal(await sectorIdOf(m.id), sector['ITU-T'])

    const list = await h.request('/api/v1/meetings?sector=ITU-X')
    assert.equal(list.status, 422)
    assert.deepEqual(((await list.json()) as Problem).errors, { sector: ['sector_unknown'] })
    const page = await h.request('/meetings?sector=ITU-X')
    assert.equal(page.status, 422)
    assert.match(await page.text(), /class="field-error"/)

    const form = await h.request('/meetings/new', {
      method: 'POST',
      as: sec,
      form: {
        kind: 'workshop',
        'titles.en': unique('Form meeting'),
        startsAt: isoLocal(days(20)),
        endsAt: isoLocal(new Date(days(20).getTime() + 3600_000)),
        timeZone: 'UTC',
        format: 'online',
        seniorityPolicy: 'open',
        sector: 'ITU-X',
      },
    })
    assert.equal(form.status, 422)
    assert.match(await form.text(), /is not a known Sector/)
  })
})

describe('the meeting list by Sector', () => {
  test('filters by Sector and Union-wide, in the API and on the page, exactly', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const r = await createMeeting(sec, { sector: 'ITU-R' })
    const t = await createMeeting(sec, { sector: 'ITU-T' })
    const u = await createMeeting(sec, { sector: 'union' })

    for (const [code, id, mine] of [
      ['ITU-R', sector['ITU-R'], r],
      ['ITU-T', sector['ITU-T'], t],
      ['union', null, u],
    ] as const) {
      const expected = await h.db
        .selectFrom('meeting')
        .select('id')
        .$call((q) => (id ? q.where('sector_id', '=', id) : q.where('sector_id', 'is', null)))
        .execute()
      const { ids, items, total } = await listIds(`sector=${code}`, sec)
      assert.deepEqual(ids, new Set(expected.map((e) => e.id)), `${code}: exactly its meetings`)
      assert.equal(total, expected.length)
      assert.ok(ids.has(mine.id))
      for (const m of items) assert.equal(m.sector, code === 'union' ? null : code)
    }
    const all = await listIds('', sec)
    for (const m of [r, t, u]) assert.ok(all.ids.has(m.id), 'no filter: every Sector')
    // Drafts stay hidden from the public whatever the Sector.
    assert.equal((await listIds('sector=ITU-R')).ids.has(r.id), false)

    const page = await h.request('/meetings?sector=ITU-R&pageSize=200', { as: sec })
    assert.equal(page.status, 200)
    const html = await page.text()
    assert.ok(html.includes(r.title))
    assert.ok(!html.includes(t.title))
    assert.ok(!html.includes(u.title))
    assert.match(html, /<option value="ITU-R" selected/)
    const unionPage = await (await h.request('/meetings?sector=union&pageSize=200', { as: sec })).text()
    assert.ok(unionPage.includes(u.title))
    assert.ok(!unionPage.includes(r.title))
    assert.ok(unionPage.includes('Union-wide'), 'the list shows each meeting’s Sector')
    // The filter is kept when paging.
    await createMeeting(sec, { sector: 'ITU-R' })
    const paged = await (await h.request('/meetings?sector=ITU-R&pageSize=1', { as: sec })).text()
    assert.match(paged, /href="[^"]*sector=ITU-R[^"]*page=2|href="[^"]*page=2[^"]*sector=ITU-R/)
  })
})

describe('a secretariat limited to one Sector', () => {
  test('creates its Sector’s meetings, and is refused another Sector’s or a Union-wide one', async () => {
    const limited = await h.user([{ role: 'secretariat', sectorId: sector['ITU-R']! }])
    const own = await createMeeting(limited, { sector: 'ITU-R' })
    assert.equal(own.sector, 'ITU-R')
    const audits = await auditCount(limited.userId)
    for (const code of ['ITU-T', 'union']) {
      const title = unique('Refused')
      const res = await postMeeting(limited, { sector: code, titles: { en: title } })
      assert.equal(res.status, 403, code)
      assert.equal(((await res.json()) as Problem).code, 'SECTOR_OUT_OF_SCOPE')
      const made = await h.db
        .selectFrom('meeting')
        .select('id')
        .where(sql<string>`titles->>'en'`, '=', title)
        .execute()
      assert.deepEqual(made, [], 'nothing was created')
    }
    assert.equal(await auditCount(limited.userId), audits, 'no audit entry')

    // The form says so, and offers only the user's own Sector.
    const form = await (await h.request('/meetings/new', { as: limited })).text()
    assert.match(form, /<option value="ITU-R"/)
    assert.doesNotMatch(form, /<option value="ITU-T"/)
    assert.doesNotMatch(form, /<option value="union"/)
    const refused = await h.request('/meetings/new', {
      method: 'POST',
      as: limited,
      form: {
        kind: 'workshop',
        'titles.en': unique('Refused'),
        startsAt: isoLocal(days(20)),
        endsAt: isoLocal(new Date(days(20).getTime() + 3600_000)),
        timeZone: 'UTC',
        format: 'online',
        seniorityPolicy: 'open',
        sector: 'ITU-T',
      },
    })
    assert.equal(refused.status, 403)
    const refusedHtml = await refused.text()
    assert.match(refusedHtml, /Your role is limited to another Sector/)
    assert.match(refusedHtml, /name="titles.en"/, 'the form is shown again with what was typed')
  })

  test('is refused every change to another Sector’s meeting: nothing changes, nothing is audited', async () => {
    const limited = await h.user([{ role: 'secretariat', sectorId: sector['ITU-R']! }])
    const org = await buildOrganization(h.db)
    const person = await buildPerson(h.db, { organization_id: org.id })
    const announced = await meetingIn('ITU-T', 'announced')
    const open = await meetingIn('ITU-T', 'registration_open')
    const held = await meetingIn('ITU-T', 'held')
    const union = await meetingIn(null, 'announced')
    const attendance = await h.db
      .insertInto('meeting_attendance')
      .values({ meeting_id: held.id, organization_id: org.id, attended_as: 'other', captured_by: 'list' })
      .returning('id')
      .executeTakeFirstOrThrow()
    const registration = await h.db
      .insertInto('meeting_registration')
      .values({
        meeting_id: open.id,
        organization_id: org.id,
        person_id: person.id,
        participation: 'onsite',
        status: 'registered',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const invitation = await h.db
      .insertInto('meeting_invitation')
      .values({ meeting_id: announced.id, organization_id: org.id, person_id: person.id })
      .returning('id')
      .executeTakeFirstOrThrow()
    const audits = await auditCount(limited.userId)
    const snapshot = async () =>
      h.db.selectFrom('meeting').select(['id', 'version', 'status', 'sector_id', 'titles']).execute()
    const before = await snapshot()

    const pdf = new FormData()
    pdf.set('kind', 'presentation')
    pdf.set('title', 'Slides')
    pdf.set('file', new File([Buffer.from('%PDF-1.7\n%%EOF\n')], 'slides.pdf'))
    const attempts: [string, string, RequestInit & { json?: unknown }][] = [
      [
        'update',
        `/api/v1/meetings/${announced.id}`,
        { method: 'PUT', json: meetingJson({ version: announced.version }) },
      ],
      [
        'update Union-wide',
        `/api/v1/meetings/${union.id}`,
        { method: 'PUT', json: meetingJson({ version: union.version }) },
      ],
      [
        'move into its Sector',
        `/api/v1/meetings/${announced.id}`,
        { method: 'PUT', json: meetingJson({ version: announced.version, sector: 'ITU-R' }) },
      ],
      [
        'transition',
        `/api/v1/meetings/${announced.id}/status`,
        { method: 'POST', json: { status: 'registration_open', version: announced.version } },
      ],
      [
        'invite',
        `/api/v1/meetings/${announced.id}/invitations`,
        { method: 'POST', json: { organizationId: org.id } },
      ],
      [
        'answer an invitation for the organization',
        `/api/v1/invitations/${invitation.id}/response`,
        { method: 'POST', json: { state: 'accepted' } },
      ],
      [
        'register someone',
        `/api/v1/meetings/${open.id}/registrations`,
        { method: 'POST', json: { personId: (await buildPerson(h.db)).id, participation: 'onsite' } },
      ],
      ['cancel a registration', `/api/v1/registrations/${registration.id}/cancel`, { method: 'POST' }],
      [
        'record attendance',
        `/api/v1/meetings/${held.id}/attendance`,
        { method: 'POST', json: { organizationId: org.id, attendedAs: 'other', capturedBy: 'list' } },
      ],
      ['remove attendance', `/api/v1/attendance/${attendance.id}`, { method: 'DELETE' }],
      [
        'add a session',
        `/api/v1/meetings/${announced.id}/sessions`,
        { method: 'POST', json: { titles: { en: 'Opening' } } },
      ],
      [
        'save minutes',
        `/api/v1/meetings/${held.id}/minutes`,
        { method: 'POST', json: { body: 'Minutes', baseRevision: 0 } },
      ],
      ['upload a document', `/api/v1/meetings/${announced.id}/documents`, { method: 'POST', body: pdf }],
    ]
    for (const [what, path, init] of attempts) {
      const res = await h.request(path, { ...init, as: limited })
      assert.equal(res.status, 403, `${what}: ${await res.clone().text()}`)
      assert.equal(((await res.json()) as Problem).code, 'SECTOR_OUT_OF_SCOPE', what)
    }
    assert.deepEqual(await snapshot(), before, 'no meeting changed')
    const invitations = await h.db
      .selectFrom('meeting_invitation')
      .select(['state'])
      .where('meeting_id', '=', announced.id)
      .execute()
    assert.deepEqual(invitations, [{ state: 'pending' }])
    const reg = await h.db
      .selectFrom('meeting_registration')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('meeting_id', '=', open.id)
      .where('status', '=', 'registered')
      .executeTakeFirstOrThrow()
    assert.equal(Number(reg.n), 1)
    const att = await h.db
      .selectFrom('meeting_attendance')
      .select('id')
      .where('meeting_id', '=', held.id)
      .execute()
    assert.deepEqual(att, [{ id: attendance.id }])
    for (const table of ['meeting_session', 'meeting_minutes_revision', 'meeting_document'] as const) {
      const rows = await h.db
        .selectFrom(table)
        .select('meeting_id')
        .where('meeting_id', 'in', [announced.id, held.id])
        .execute()
      assert.deepEqual(rows, [], `no ${table}`)
    }
    assert.equal(await auditCount(limited.userId), audits, 'no audit entry')
  })

  test('reads another Sector’s meeting, without the controls to change it; the pages say why', async () => {
    const limited = await h.user([{ role: 'secretariat', sectorId: sector['ITU-R']! }])
    const other = await meetingIn('ITU-T', 'announced')
    const own = await meetingIn('ITU-R', 'announced')
    const otherPage = await h.request(`/meetings/${other.id}`, { as: limited })
    assert.equal(otherPage.status, 200)
    const otherHtml = await otherPage.text()
    assert.ok(!otherHtml.includes(`/meetings/${other.id}/edit`), 'no edit link')
    assert.ok(!otherHtml.includes(`action="/meetings/${other.id}/status"`), 'no status buttons')
    const ownHtml = await (await h.request(`/meetings/${own.id}`, { as: limited })).text()
    assert.ok(ownHtml.includes(`/meetings/${own.id}/edit`))
    assert.ok(ownHtml.includes(`action="/meetings/${own.id}/status"`))

    const edit = await h.request(`/meetings/${other.id}/edit`, { as: limited })
    assert.equal(edit.status, 403)
    assert.match(await edit.text(), /Your role is limited to another Sector/)
    const status = await h.request(`/meetings/${other.id}/status`, {
      method: 'POST',
      as: limited,
      form: { status: 'registration_open', version: String(other.version) },
    })
    assert.equal(status.status, 403)
    assert.match(await status.text(), /Your role is limited to another Sector/)
    const row = await h.db
      .selectFrom('meeting')
      .select('status')
      .where('id', '=', other.id)
      .executeTakeFirstOrThrow()
    assert.equal(row.status, 'announced')
  })

  test('changes its own Sector’s meeting, but cannot move it out of its Sector', async () => {
    const limited = await h.user([{ role: 'secretariat', sectorId: sector['ITU-R']! }])
    const m = await createMeeting(limited, { sector: 'ITU-R' })
    const moved = await h.request(`/api/v1/meetings/${m.id}`, {
      method: 'PUT',
      as: limited,
      json: meetingJson({ version: m.version, sector: 'ITU-T' }),
    })
    assert.equal(moved.status, 403)
    assert.equal(await sectorIdOf(m.id), sector['ITU-R'])
    const toUnion = await h.request(`/api/v1/meetings/${m.id}`, {
      method: 'PUT',
      as: limited,
      json: meetingJson({ version: m.version, sector: 'union' }),
    })
    assert.equal(toUnion.status, 403)
    const kept = await h.request(`/api/v1/meetings/${m.id}`, {
      method: 'PUT',
      as: limited,
      json: meetingJson({ version: m.version, city: 'Bern' }),
    })
    assert.equal(kept.status, 200, await kept.clone().text())
    const updated = (await kept.json()) as Meeting & { city: string }
    assert.equal(updated.city, 'Bern')
    assert.equal(updated.sector, 'ITU-R', 'without a Sector, the meeting keeps its own')
    const res = await h.request(`/api/v1/meetings/${m.id}/status`, {
      method: 'POST',
      as: limited,
      json: { status: 'announced', version: updated.version },
    })
    assert.equal(res.status, 200)
    const held = await meetingIn('ITU-R', 'held')
    const org = await buildOrganization(h.db)
    const att = await h.request(`/api/v1/meetings/${held.id}/attendance`, {
      method: 'POST',
      as: limited,
      json: { organizationId: org.id, attendedAs: 'other', capturedBy: 'list' },
    })
    assert.equal(att.status, 201, await att.clone().text())
    const invite = await h.request(`/api/v1/meetings/${m.id}/invitations`, {
      method: 'POST',
      as: limited,
      json: { organizationId: org.id },
    })
    assert.equal(invite.status, 201, await invite.clone().text())
  })

  test('an unlimited secretariat and an administrator are not refused', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const admin = await h.user([{ role: 'admin' }])
    for (const user of [sec, admin]) {
      for (const code of ['ITU-T', 'ITU-R', 'union']) await createMeeting(user, { sector: code })
      const m = await createMeeting(user, { sector: 'ITU-T' })
      const moved = await h.request(`/api/v1/meetings/${m.id}`, {
        method: 'PUT',
        as: user,
        json: meetingJson({ version: m.version, sector: 'union' }),
      })
      assert.equal(moved.status, 200)
      assert.equal(((await moved.json()) as Meeting).sector, null)
      const held = await meetingIn('ITU-D', 'held')
      const org = await buildOrganization(h.db)
      const att = await h.request(`/api/v1/meetings/${held.id}/attendance`, {
        method: 'POST',
        as: user,
        json: { organizationId: org.id, attendedAs: 'other', capturedBy: 'list' },
      })
      assert.equal(att.status, 201)
    }
  })
})

describe('meetings of an Industry Advisory Panel', () => {
  async function panel(name: string) {
    return h.db
      .insertInto('advisory_panel')
      .values({
        code: unique('IAP').slice(0, 30),
        names: JSON.stringify({ en: name, fr: `${name} (fr)` }),
        term_starts_on: '2026-01-01',
        term_ends_on: '2029-12-31',
      })
      .returningAll()
      .executeTakeFirstOrThrow()
  }

  test('links a panel meeting to its panel, shows it, and keeps the link unless told', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const name = unique('Industry panel')
    const p = await panel(name)
    const m = await createMeeting(sec, { kind: 'advisory_panel', panelId: p.id, sector: 'union' })
    assert.equal(m.panelId, p.id)
    assert.equal(m.panelName, name)
    const fr = (await (
      await h.request(`/api/v1/meetings/${m.id}`, { as: sec, headers: { 'Accept-Language': 'fr' } })
    ).json()) as Meeting
    assert.equal(fr.panelName, `${name} (fr)`, 'the name in the reader’s language')
    const page = await (await h.request(`/meetings/${m.id}`, { as: sec })).text()
    assert.match(page, /<dt>Industry Advisory Panel<\/dt>/)
    assert.ok(page.includes(`<a href="/panels/${p.id}">${name}</a>`))
    const form = await (await h.request(`/meetings/${m.id}/edit`, { as: sec })).text()
    assert.ok(form.includes(`<option value="${p.id}" selected`))

    const kept = await h.request(`/api/v1/meetings/${m.id}`, {
      method: 'PUT',
      as: sec,
      json: meetingJson({ kind: 'advisory_panel', version: m.version, city: 'Bern' }),
    })
    assert.equal(kept.status, 200)
    const k = (await kept.json()) as Meeting
    assert.equal(k.panelId, p.id, 'without panelId the link stays')
    const unlinked = await h.request(`/api/v1/meetings/${m.id}`, {
      method: 'PUT',
      as: sec,
      json: meetingJson({ kind: 'advisory_panel', version: k.version, panelId: null }),
    })
    assert.equal(unlinked.status, 200)
    assert.equal(((await unlinked.json()) as Meeting).panelId, null)
  })

  test('refuses a panel that does not exist, and a panel on a meeting of another kind', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const p = await panel(unique('Panel'))
    const unknown = await postMeeting(sec, {
      kind: 'advisory_panel',
      panelId: '00000000-0000-4000-8000-000000000000',
    })
    assert.equal(unknown.status, 422)
    const u = (await unknown.json()) as Problem
    assert.equal(u.code, 'VALIDATION_FAILED')
    assert.deepEqual(u.errors, { panelId: ['meeting_panel_unknown'] })
    const wrongKind = await postMeeting(sec, { kind: 'workshop', panelId: p.id })
    assert.equal(wrongKind.status, 422)
    assert.deepEqual(((await wrongKind.json()) as Problem).errors, { panelId: ['meeting_panel_kind'] })
    const malformed = await postMeeting(sec, { kind: 'advisory_panel', panelId: 'nope' })
    assert.equal(malformed.status, 422)
    assert.ok(((await malformed.json()) as Problem).errors?.panelId)

    // Changing the kind of a linked meeting without unlinking it is refused too.
    const m = await createMeeting(sec, { kind: 'advisory_panel', panelId: p.id })
    const changed = await h.request(`/api/v1/meetings/${m.id}`, {
      method: 'PUT',
      as: sec,
      json: meetingJson({ kind: 'workshop', version: m.version }),
    })
    assert.equal(changed.status, 422)
    assert.deepEqual(((await changed.json()) as Problem).errors, { panelId: ['meeting_panel_kind'] })
    const row = await h.db
      .selectFrom('meeting')
      .select(['kind', 'panel_id'])
      .where('id', '=', m.id)
      .executeTakeFirstOrThrow()
    assert.deepEqual(row, { kind: 'advisory_panel', panel_id: p.id })

    const form = await h.request('/meetings/new', {
      method: 'POST',
      as: sec,
      form: {
        kind: 'workshop',
        'titles.en': unique('Form meeting'),
        startsAt: isoLocal(days(20)),
        endsAt: isoLocal(new Date(days(20).getTime() + 3600_000)),
        timeZone: 'UTC',
        format: 'online',
        seniorityPolicy: 'open',
        sector: 'ITU-T',
        panelId: p.id,
      },
    })
    assert.equal(form.status, 422)
    assert.match(await form.text(), /only an advisory panel meeting can belong to a Panel/)
  })
})
