import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import ICAL from 'ical.js'
import { buildGroup, buildMeeting, buildOrganization, buildPerson } from '../../testing/factories.ts'
import { type TestUser, unique, useHarness } from '../../testing/harness.ts'
import { groupAttendance, sendReminders } from './meetings.service.ts'

const h = useHarness()

type Meeting = {
  id: string
  status: string
  version: number
  startsAt: string
  registered: number
  waitlisted: number
}
type Registration = {
  id: string
  personId: string
  status: string
  seniorityNote: string | null
  overrideReason: string | null
}

const isoLocal = (d: Date) => d.toISOString().slice(0, 16)
const days = (n: number) => new Date(Date.now() + n * 86400_000)

async function createMeeting(sec: TestUser, overrides: Record<string, unknown> = {}) {
  const res = await h.request('/api/v1/meetings', {
    method: 'POST',
    as: sec,
    json: {
      kind: 'cto_meeting',
      titles: { en: unique('CTO meeting'), fr: 'Réunion des CTO' },
      startsAt: isoLocal(days(30)),
      endsAt: isoLocal(new Date(days(30).getTime() + 6 * 3600_000)),
      timeZone: 'UTC',
      format: 'in_person',
      city: 'Nairobi',
      countryCode: 'KE',
      seniorityPolicy: 'open',
      ...overrides,
    },
  })
  assert.equal(res.status, 201, await res.clone().text())
  return (await res.json()) as Meeting
}

async function moveTo(sec: TestUser, meeting: Meeting, ...statuses: string[]): Promise<Meeting> {
  let m = meeting
  for (const status of statuses) {
    const res = await h.request(`/api/v1/meetings/${m.id}/status`, {
      method: 'POST',
      as: sec,
      json: { status, version: m.version },
    })
    assert.equal(res.status, 200, `${status}: ${await res.clone().text()}`)
    m = (await res.json()) as Meeting
  }
  return m
}

async function registerAs(
  user: TestUser,
  meetingId: string,
  personId: string,
  extra: Record<string, unknown> = {},
) {
  return h.request(`/api/v1/meetings/${meetingId}/registrations`, {
    method: 'POST',
    as: user,
    json: { personId, participation: 'onsite', ...extra },
  })
}

describe('meeting status', () => {
  test('moves draft → announced → registration open → closed; drafts are invisible to the public', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const m = await createMeeting(sec)
    assert.equal(m.status, 'draft')
    assert.equal((await h.request(`/api/v1/meetings/${m.id}`)).status, 404)
    const moved = await moveTo(sec, m, 'announced', 'registration_open', 'registration_closed')
    assert.equal(moved.status, 'registration_closed')
    assert.equal((await h.request(`/api/v1/meetings/${m.id}`)).status, 200)
    const audit = await h.db
      .selectFrom('audit_log')
      .select('summary')
      .where('entity_id', '=', m.id)
      .where('entity_type', '=', 'meeting')
      .execute()
    assert.ok(audit.some((a) => a.summary === 'announced → registration_open'))
  })

  test('refuses an impossible transition, a held meeting that has not started, and a stale version', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const m = await createMeeting(sec)
    const skip = await h.request(`/api/v1/meetings/${m.id}/status`, {
      method: 'POST',
      as: sec,
      json: { status: 'held', version: m.version },
    })
    assert.equal(skip.status, 409)
    assert.equal(((await skip.json()) as { code: string }).code, 'MEETING_TRANSITION_INVALID')
    const closed = await moveTo(sec, m, 'announced', 'registration_open', 'registration_closed')
    const early = await h.request(`/api/v1/meetings/${m.id}/status`, {
      method: 'POST',
      as: sec,
      json: { status: 'held', version: closed.version },
    })
    assert.equal(((await early.json()) as { code: string }).code, 'MEETING_NOT_STARTED')
    const stale = await h.request(`/api/v1/meetings/${m.id}/status`, {
      method: 'POST',
      as: sec,
      json: { status: 'cancelled', version: m.version },
    })
    assert.equal(stale.status, 409)
    assert.equal(((await stale.json()) as { code: string }).code, 'MEETING_CONFLICT')
  })

  test('of two concurrent edits from the same version, the second gets 409 and the first is kept', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const m = await createMeeting(sec)
    const base = {
      kind: 'cto_meeting',
      startsAt: isoLocal(days(30)),
      endsAt: isoLocal(new Date(days(30).getTime() + 3600_000)),
      timeZone: 'Asia/Kolkata',
      format: 'in_person',
      countryCode: 'IN',
      seniorityPolicy: 'open',
      version: m.version,
    }
    const first = await h.request(`/api/v1/meetings/${m.id}`, {
      method: 'PUT',
      as: sec,
      json: { ...base, titles: { en: 'First edit' } },
    })
    const second = await h.request(`/api/v1/meetings/${m.id}`, {
      method: 'PUT',
      as: sec,
      json: { ...base, titles: { en: 'Second edit' } },
    })
    assert.equal(first.status, 200)
    assert.equal(second.status, 409)
    const now = (await (await h.request(`/api/v1/meetings/${m.id}`, { as: sec })).json()) as {
      title: string
      timeZone: string
    }
    assert.equal(now.title, 'First edit')
    assert.equal(now.timeZone, 'Asia/Kolkata')
  })

  test('validates dates, time zone and venue with field errors', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const res = await h.request('/api/v1/meetings', {
      method: 'POST',
      as: sec,
      json: {
        kind: 'workshop',
        titles: { en: 'W' },
        startsAt: '2026-05-02T10:00',
        endsAt: '2026-05-02T09:00',
        timeZone: 'Europe/Geneva',
        format: 'in_person',
        seniorityPolicy: 'open',
      },
    })
    assert.equal(res.status, 422)
    const { errors } = (await res.json()) as { errors: Record<string, string[]> }
    assert.deepEqual(Object.keys(errors).sort(), ['countryCode', 'endsAt', 'timeZone'])
  })

  test('stores wall-clock times in the venue’s time zone as the right instants', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const m = await createMeeting(sec, {
      startsAt: '2026-10-14T09:30',
      endsAt: '2026-10-14T17:00',
      timeZone: 'Asia/Kolkata',
      countryCode: 'IN',
    })
    assert.equal(m.startsAt, '2026-10-14T04:00:00.000Z')
  })
})

describe('invitations', () => {
  test('invites a group’s principals and alternates in one action, e-mailed in each invitee’s language', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const group = await buildGroup(h.db)
    const orgA = await buildOrganization(h.db, { country_code: 'FR' })
    const orgB = await buildOrganization(h.db, { country_code: 'EG' })
    const a1 = await buildPerson(h.db, { organization_id: orgA.id })
    await h.db.updateTable('person').set({ preferred_language: 'fr' }).where('id', '=', a1.id).execute()
    const a2 = await buildPerson(h.db, { organization_id: orgA.id })
    const b1 = await buildPerson(h.db, { organization_id: orgB.id })
    await h.db
      .insertInto('group_membership')
      .values([
        {
          group_id: group.id,
          organization_id: orgA.id,
          principal_person_id: a1.id,
          alternate_person_id: a2.id,
          start_date: '2024-01-01',
        },
        {
          group_id: group.id,
          organization_id: orgB.id,
          principal_person_id: b1.id,
          start_date: '2024-01-01',
        },
      ])
      .execute()
    const draft = await createMeeting(sec, { groupId: group.id })
    const early = await h.request(`/api/v1/meetings/${draft.id}/invitations`, {
      method: 'POST',
      as: sec,
      json: { groupId: group.id },
    })
    assert.equal(((await early.json()) as { code: string }).code, 'MEETING_NOT_ANNOUNCED')
    const m = await moveTo(sec, draft, 'announced')
    const res = await h.request(`/api/v1/meetings/${m.id}/invitations`, {
      method: 'POST',
      as: sec,
      json: { groupId: group.id },
    })
    assert.equal(res.status, 201)
    assert.deepEqual(await res.json(), { created: 3 })
    const fr = await h.db
      .selectFrom('outbox_email')
      .selectAll()
      .where('to_address', '=', a1.email!)
      .executeTakeFirstOrThrow()
    assert.match(fr.subject, /Réunion des CTO/)
    const again = await h.request(`/api/v1/meetings/${m.id}/invitations`, {
      method: 'POST',
      as: sec,
      json: { groupId: group.id },
    })
    assert.deepEqual(await again.json(), { created: 0 })
    const rep = await h.user([{ role: 'member_representative', organizationId: orgB.id }])
    const mine = (await (await h.request(`/api/v1/meetings/${m.id}/invitations`, { as: rep })).json()) as {
      id: string
      personId: string
    }[]
    assert.deepEqual(
      mine.map((i) => i.personId),
      [b1.id],
      'a representative sees only its organization’s invitations',
    )
    const accept = await h.request(`/api/v1/invitations/${mine[0]!.id}/response`, {
      method: 'POST',
      as: rep,
      json: { state: 'accepted' },
    })
    assert.equal(accept.status, 204)
  })

  test('reminds pending invitees once, shortly before the deadline', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const org = await buildOrganization(h.db)
    const person = await buildPerson(h.db, { organization_id: org.id })
    const m = await moveTo(
      sec,
      await createMeeting(sec, { registrationDeadline: isoLocal(days(2)) }),
      'announced',
    )
    await h.request(`/api/v1/meetings/${m.id}/invitations`, {
      method: 'POST',
      as: sec,
      json: { organizationId: org.id, personId: person.id },
    })
    await moveTo(sec, m, 'registration_open')
    assert.ok((await sendReminders(h.db, 'http://localhost:3000')) >= 1)
    assert.equal(await sendReminders(h.db, 'http://localhost:3000'), 0)
    const mails = await h.db
      .selectFrom('outbox_email')
      .select('subject')
      .where('to_address', '=', person.email!)
      .execute()
    assert.equal(mails.filter((x) => x.subject.startsWith('Reminder')).length, 1)
  })
})

describe('registration', () => {
  test('a representative registers its own people once, not another organization’s, and not when closed', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const org = await buildOrganization(h.db)
    const other = await buildOrganization(h.db)
    const person = await buildPerson(h.db, { organization_id: org.id })
    const outsider = await buildPerson(h.db, { organization_id: other.id })
    const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
    const m = await createMeeting(sec)
    const notOpen = await registerAs(rep, m.id, person.id)
    assert.equal(notOpen.status, 404, 'a draft meeting does not exist for a representative')
    await moveTo(sec, m, 'announced')
    assert.equal(
      ((await (await registerAs(rep, m.id, person.id)).json()) as { code: string }).code,
      'REGISTRATION_NOT_OPEN',
    )
    await moveTo(sec, { ...m, version: m.version + 1 }, 'registration_open')
    assert.equal((await registerAs(rep, m.id, person.id)).status, 201)
    const twice = await registerAs(rep, m.id, person.id)
    assert.equal(((await twice.json()) as { code: string }).code, 'ALREADY_REGISTERED')
    assert.equal((await registerAs(rep, m.id, outsider.id)).status, 403)
    const regs = await h.db
      .selectFrom('meeting_registration')
      .select('id')
      .where('meeting_id', '=', m.id)
      .execute()
    assert.equal(regs.length, 1)
  })

  test('refuses registration after the deadline', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const person = await buildPerson(h.db)
    const m = await createMeeting(sec, {
      registrationDeadline: isoLocal(days(-1)),
      startsAt: isoLocal(days(5)),
      endsAt: isoLocal(days(6)),
    })
    await moveTo(sec, m, 'announced', 'registration_open')
    const res = await registerAs(sec, m.id, person.id)
    assert.equal(((await res.json()) as { code: string }).code, 'REGISTRATION_DEADLINE_PASSED')
  })

  test('enforces the seniority policy, with a recorded override by the secretariat', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const org = await buildOrganization(h.db)
    const expert = await buildPerson(h.db, { organization_id: org.id, seniority: 'expert' })
    const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
    const strict = await moveTo(
      sec,
      await createMeeting(sec, { seniorityPolicy: 'executives_only' }),
      'announced',
      'registration_open',
    )
    const blocked = await registerAs(rep, strict.id, expert.id)
    assert.equal(blocked.status, 422)
    assert.equal(((await blocked.json()) as { code: string }).code, 'SENIORITY_POLICY')
    assert.equal((await registerAs(rep, strict.id, expert.id, { overrideReason: 'I insist' })).status, 403)
    const ok = await registerAs(sec, strict.id, expert.id, {
      overrideReason: 'Rapporteur presenting the results',
    })
    assert.equal(ok.status, 201)
    const reg = (await ok.json()) as Registration
    assert.equal(reg.overrideReason, 'Rapporteur presenting the results')
    const soft = await moveTo(
      sec,
      await createMeeting(sec, { seniorityPolicy: 'executives_preferred' }),
      'announced',
      'registration_open',
    )
    const flagged = (await (await registerAs(rep, soft.id, expert.id)).json()) as Registration
    assert.equal(flagged.seniorityNote, 'below_executive')
  })

  test('fills capacity, then a waiting list that moves up when a seat is freed', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const m = await moveTo(sec, await createMeeting(sec, { capacity: 2 }), 'announced', 'registration_open')
    const people = await Promise.all([1, 2, 3].map(() => buildPerson(h.db)))
    const regs: Registration[] = []
    for (const p of people) regs.push((await (await registerAs(sec, m.id, p.id)).json()) as Registration)
    assert.deepEqual(
      regs.map((r) => r.status),
      ['registered', 'registered', 'waitlisted'],
    )
    assert.equal(
      (await h.request(`/api/v1/registrations/${regs[0]!.id}/cancel`, { method: 'POST', as: sec })).status,
      204,
    )
    const after = await h.db
      .selectFrom('meeting_registration')
      .select(['person_id', 'status'])
      .where('meeting_id', '=', m.id)
      .execute()
    assert.equal(after.find((r) => r.person_id === people[2]!.id)?.status, 'registered')
  })

  test('never sells the last seat twice under concurrent requests', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const m = await moveTo(sec, await createMeeting(sec, { capacity: 1 }), 'announced', 'registration_open')
    const people = await Promise.all(Array.from({ length: 6 }, () => buildPerson(h.db)))
    const results = await Promise.all(people.map((p) => registerAs(sec, m.id, p.id)))
    assert.deepEqual(
      results.map((r) => r.status),
      Array(6).fill(201),
    )
    const rows = await h.db
      .selectFrom('meeting_registration')
      .select('status')
      .where('meeting_id', '=', m.id)
      .execute()
    assert.equal(rows.filter((r) => r.status === 'registered').length, 1)
    assert.equal(rows.filter((r) => r.status === 'waitlisted').length, 5)
  })
})

describe('attendance and figures', () => {
  test('attendance is refused before the meeting is held', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const org = await buildOrganization(h.db)
    const m = await createMeeting(sec)
    const res = await h.request(`/api/v1/meetings/${m.id}/attendance`, {
      method: 'POST',
      as: sec,
      json: { organizationId: org.id, attendedAs: 'other', capturedBy: 'list' },
    })
    assert.equal(res.status, 409)
  })

  test('records who attended and in which capacity, and computes the figures', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const ke = await buildOrganization(h.db, { country_code: 'KE', sme: true, category: 'sector_member' })
    const fr = await buildOrganization(h.db, { country_code: 'FR', sme: false, category: 'academia' })
    const ke1 = await buildPerson(h.db, {
      organization_id: ke.id,
      seniority: 'c_level',
      public_consent: true,
    })
    const ke2 = await buildPerson(h.db, {
      organization_id: ke.id,
      seniority: 'senior_executive',
      public_consent: false,
    })
    const fr1 = await buildPerson(h.db, { organization_id: fr.id, seniority: 'expert', public_consent: true })
    const m = await createMeeting(sec, { startsAt: isoLocal(days(-2)), endsAt: isoLocal(days(-1)) })
    await moveTo(sec, m, 'announced', 'registration_open', 'registration_closed', 'held')
    for (const [org, person, attendedAs] of [
      [ke.id, ke1.id, 'principal'],
      [ke.id, ke2.id, 'alternate'],
      [fr.id, fr1.id, 'substitute'],
    ] as const) {
      const res = await h.request(`/api/v1/meetings/${m.id}/attendance`, {
        method: 'POST',
        as: sec,
        json: { organizationId: org, personId: person, attendedAs, capturedBy: 'list' },
      })
      assert.equal(res.status, 201)
    }
    // Correcting a record updates it instead of adding another.
    await h.request(`/api/v1/meetings/${m.id}/attendance`, {
      method: 'POST',
      as: sec,
      json: { organizationId: fr.id, personId: fr1.id, attendedAs: 'other', capturedBy: 'check_in' },
    })
    const figures = (await (await h.request(`/api/v1/meetings/${m.id}/figures`)).json()) as Record<
      string,
      unknown
    >
    assert.equal(figures.organizations, 2)
    assert.equal(figures.people, 3)
    assert.deepEqual(figures.byRegion, [
      { key: 'africa', organizations: 1, people: 2 },
      { key: 'europe', organizations: 1, people: 1 },
    ])
    assert.deepEqual(figures.byDevelopmentStatus, [
      { key: 'developed', organizations: 1, people: 1 },
      { key: 'developing', organizations: 1, people: 2 },
    ])
    assert.deepEqual(figures.bySme, [
      { key: 'false', organizations: 1, people: 1 },
      { key: 'true', organizations: 1, people: 2 },
    ])
    assert.deepEqual(figures.byAttendedAs, [
      { key: 'alternate', organizations: 1, people: 1 },
      { key: 'other', organizations: 1, people: 1 },
      { key: 'principal', organizations: 1, people: 1 },
    ])
    assert.deepEqual(figures.bySeniority, [
      { key: 'c_level', organizations: 1, people: 1 },
      { key: 'expert', organizations: 1, people: 1 },
      { key: 'senior_executive', organizations: 1, people: 1 },
    ])
    const publicList = (await (await h.request(`/api/v1/meetings/${m.id}/attendance`)).json()) as {
      personName: string | null
    }[]
    assert.deepEqual(
      publicList.map((a) => a.personName).sort(),
      [fr1.name, ke1.name, null].sort(),
      'no name without consent',
    )
  })
})

describe('calendar', () => {
  test('the .ics parses with a real iCalendar parser and keeps its UID across updates', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const m = await moveTo(
      sec,
      await createMeeting(sec, {
        startsAt: '2026-12-01T09:00',
        endsAt: '2026-12-01T17:00',
        timeZone: 'Europe/Zurich',
        countryCode: 'CH',
        city: 'Geneva',
      }),
      'announced',
    )
    const read = async () => {
      const res = await h.request(`/api/v1/meetings/${m.id}/calendar.ics`)
      assert.equal(res.status, 200)
      assert.match(res.headers.get('content-type') ?? '', /text\/calendar/)
      const vevent = new ICAL.Component(ICAL.parse(await res.text())).getFirstSubcomponent('vevent')!
      const event = new ICAL.Event(vevent)
      return {
        uid: event.uid,
        start: event.startDate.toJSDate().toISOString(),
        sequence: event.sequence,
        location: event.location,
      }
    }
    const before = await read()
    assert.equal(before.start, '2026-12-01T08:00:00.000Z')
    assert.equal(before.location, 'Geneva, Switzerland')
    await moveTo(sec, m, 'registration_open')
    const after = await read()
    assert.equal(after.uid, before.uid)
    assert.ok(after.sequence > before.sequence)
  })
})

describe('group attendance record', () => {
  test('counts, per member organization, the held meetings since it joined and who attended', async () => {
    const group = await buildGroup(h.db)
    const a = await buildOrganization(h.db)
    const b = await buildOrganization(h.db)
    const [m1, m2, m3] = [
      await buildMeeting(h.db, {
        group_id: group.id,
        status: 'concluded',
        starts_at: new Date('2023-03-01T09:00:00Z'),
      }),
      await buildMeeting(h.db, {
        group_id: group.id,
        status: 'concluded',
        starts_at: new Date('2024-03-01T09:00:00Z'),
      }),
      await buildMeeting(h.db, {
        group_id: group.id,
        status: 'held',
        starts_at: new Date('2025-03-01T09:00:00Z'),
      }),
    ]
    await buildMeeting(h.db, {
      group_id: group.id,
      status: 'announced',
      starts_at: new Date('2027-03-01T09:00:00Z'),
    })
    await h.db
      .insertInto('group_membership')
      .values([
        { group_id: group.id, organization_id: a.id, start_date: '2022-01-01' },
        { group_id: group.id, organization_id: b.id, start_date: '2023-06-01' },
      ])
      .execute()
    const att = (meeting: { id: string }, org: { id: string }, attended_as: string) =>
      h.db
        .insertInto('meeting_attendance')
        .values({ meeting_id: meeting.id, organization_id: org.id, attended_as, captured_by: 'list' })
        .execute()
    await att(m1!, a, 'principal')
    await att(m2!, a, 'alternate')
    await att(m3!, b, 'substitute')
    const record = await groupAttendance(h.db, group.id)
    const row = (org: { id: string }) => record.find((r) => r.organizationId === org.id)!
    assert.deepEqual(
      {
        meetings: row(a).meetings,
        attended: row(a).attended,
        p: row(a).asPrincipal,
        alt: row(a).asAlternate,
        sub: row(a).asSubstitute,
      },
      { meetings: 3, attended: 2, p: 1, alt: 1, sub: 0 },
    )
    assert.deepEqual(
      {
        meetings: row(b).meetings,
        attended: row(b).attended,
        p: row(b).asPrincipal,
        alt: row(b).asAlternate,
        sub: row(b).asSubstitute,
      },
      { meetings: 2, attended: 1, p: 0, alt: 0, sub: 1 },
    )
    const page = await (await h.request(`/groups/${group.id}`)).text()
    assert.match(page, /67\s*%|67%/)
  })
})

describe('calendar feeds', () => {
  const events = async (res: Response) => {
    assert.equal(res.status, 200)
    const root = new ICAL.Component(ICAL.parse(await res.text()))
    return root.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v).summary)
  }

  test('a group’s feed lists its announced meetings only', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const group = await buildGroup(h.db)
    const shown = await moveTo(
      sec,
      await createMeeting(sec, { groupId: group.id, titles: { en: 'Announced one' } }),
      'announced',
    )
    await createMeeting(sec, { groupId: group.id, titles: { en: 'Still a draft' } })
    assert.ok(shown)
    assert.deepEqual(await events(await h.request(`/groups/${group.id}/calendar.ics`)), ['Announced one'])
  })

  test('a personal feed shows the meetings of one’s organization, through a link that can be replaced', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const org = await buildOrganization(h.db)
    const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
    const mine = await moveTo(
      sec,
      await createMeeting(sec, { titles: { en: 'Invited meeting' } }),
      'announced',
    )
    await moveTo(sec, await createMeeting(sec, { titles: { en: 'Someone else’s meeting' } }), 'announced')
    await h.request(`/api/v1/meetings/${mine.id}/invitations`, {
      method: 'POST',
      as: sec,
      json: { organizationId: org.id },
    })
    const linkOf = async () => {
      const html = await (await h.request('/account/calendar', { method: 'POST', as: rep, form: {} })).text()
      return /http:\/\/localhost:3000(\/calendar\/[\w-]+\.ics)/.exec(html)![1]!
    }
    const first = await linkOf()
    assert.deepEqual(await events(await h.request(first)), ['Invited meeting'])
    const second = await linkOf()
    assert.equal((await h.request(first)).status, 404, 'the replaced link stops working')
    assert.equal((await h.request(second)).status, 200)
    assert.equal((await h.request('/calendar/not-a-real-secret.ics')).status, 404)
  })
})

describe('delegation', () => {
  test('a representative hands its invitation to a colleague, never to someone of another organization', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const org = await buildOrganization(h.db)
    const cto = await buildPerson(h.db, { organization_id: org.id })
    const colleague = await buildPerson(h.db, { organization_id: org.id, name: unique('Colleague') })
    const outsider = await buildPerson(h.db)
    const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
    const m = await moveTo(sec, await createMeeting(sec), 'announced')
    await h.request(`/api/v1/meetings/${m.id}/invitations`, {
      method: 'POST',
      as: sec,
      json: { organizationId: org.id, personId: cto.id },
    })
    const page = await (await h.request(`/meetings/${m.id}`, { as: rep })).text()
    assert.ok(page.includes(colleague.name), 'the colleague is offered as delegate')
    const inv = await h.db
      .selectFrom('meeting_invitation')
      .select('id')
      .where('meeting_id', '=', m.id)
      .executeTakeFirstOrThrow()
    const wrong = await h.request(`/api/v1/invitations/${inv.id}/response`, {
      method: 'POST',
      as: rep,
      json: { state: 'delegated', delegatePersonId: outsider.id },
    })
    assert.equal(wrong.status, 422)
    const res = await h.request(`/invitations/${inv.id}/respond`, {
      method: 'POST',
      as: rep,
      form: { state: 'delegated', delegatePersonId: colleague.id, meetingId: m.id },
    })
    assert.equal(res.status, 303)
    const row = await h.db
      .selectFrom('meeting_invitation')
      .select(['state', 'delegate_person_id'])
      .where('id', '=', inv.id)
      .executeTakeFirstOrThrow()
    assert.deepEqual(row, { state: 'delegated', delegate_person_id: colleague.id })
    // The row names the delegate even when the page's list of people does not hold them (a search for
    // someone else, or an organization of more than a hundred people).
    const searched = await (await h.request(`/meetings/${m.id}?person=${cto.name}`, { as: rep })).text()
    assert.ok(!searched.includes(`<option value="${colleague.id}"`), 'the search leaves the colleague out')
    assert.ok(searched.includes(`→ ${colleague.name}`), 'the delegate is named on the invitation')
    const api = (await (await h.request(`/api/v1/meetings/${m.id}/invitations`, { as: rep })).json()) as {
      delegatePersonName: string | null
    }[]
    assert.deepEqual(
      api.map((i) => i.delegatePersonName),
      [colleague.name],
    )
  })
})

describe('inviting one person from the meeting page', () => {
  test('creates the invitation for that person and e-mails them', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const person = await buildPerson(h.db)
    const m = await moveTo(sec, await createMeeting(sec), 'announced')
    const res = await h.request(`/meetings/${m.id}/invite`, {
      method: 'POST',
      as: sec,
      form: { person: `${person.organization_id}:${person.id}` },
    })
    assert.equal(res.status, 303)
    const inv = await h.db
      .selectFrom('meeting_invitation')
      .select(['person_id', 'organization_id'])
      .where('meeting_id', '=', m.id)
      .execute()
    assert.deepEqual(inv, [{ person_id: person.id, organization_id: person.organization_id }])
    assert.ok(
      await h.db
        .selectFrom('outbox_email')
        .select('id')
        .where('to_address', '=', person.email!)
        .executeTakeFirst(),
    )
  })
})
