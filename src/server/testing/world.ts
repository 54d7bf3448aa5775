import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { inflateRawSync } from 'node:zlib'
import { replaceCalendarToken } from '../features/auth/auth.service.ts'
import { runReportJobs } from '../reports/reports.service.ts'
import { buildGroup, buildMeeting, buildOrganization, buildPerson } from './factories.ts'
import { type Harness, type TestUser, unique } from './harness.ts'

/**
 * A small world for authorization tests: two organizations (A in country X, B in country Y) and the two
 * countries' governments, their people, a group, meetings (the held one with a draft agenda),
 * consultations of countries and of organizations with answers, a topic supported by A and X with a
 * conclusion and an action, a report, a circular, a hand-measured indicator. Every confidential value
 * carries a marker, so a test can look for it in any response.
 */
export const COUNTRY_X = 'SN'
export const COUNTRY_Y = 'GH'

export type Role = 'anonymous' | 'repA' | 'repB' | 'fpX' | 'fpY' | 'secretariat' | 'admin'
export const ROLE_NAMES: Role[] = ['anonymous', 'repA', 'repB', 'fpX', 'fpY', 'secretariat', 'admin']

export type World = Awaited<ReturnType<typeof plantWorld>>

export const questionnaire = {
  sections: [
    {
      id: 's',
      title: { en: 'Needs' },
      questions: [
        {
          id: 'priority',
          type: 'single_choice',
          text: { en: 'Top priority' },
          required: true,
          options: [
            { id: 'ai', label: { en: 'AI' } },
            { id: 'connect', label: { en: 'Connectivity' } },
          ],
        },
        { id: 'detail', type: 'long_text', text: { en: 'Detail' } },
      ],
    },
  ],
}

// The smallest valid PDF header passes the upload's type sniffing.
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')

async function ok(res: Response, status = 200): Promise<Response> {
  assert.equal(res.status, status, `${res.url} ${await res.clone().text()}`)
  return res
}

export async function plantWorld(h: Harness) {
  const tag = randomBytes(5).toString('hex').toUpperCase()
  const markers = {
    /** In country X's consultation answer. */
    country: `ZZSECRET-C${tag}`,
    /** In organization A's private data: its consultation answer and its people's contact details. */
    org: `ZZSECRET-O${tag}`,
    /** In the name of a person of organization A without public-list consent. */
    person: `ZZSECRET-P${tag}`,
  }
  const orgA = await buildOrganization(h.db, { name: unique('Org A'), country_code: COUNTRY_X })
  const orgB = await buildOrganization(h.db, { name: unique('Org B'), country_code: COUNTRY_Y })
  const personA = await buildPerson(h.db, {
    organization_id: orgA.id,
    public_consent: true,
    email: `${markers.org.toLowerCase()}@example.org`,
    phone: `+221 ${markers.org}`,
  })
  const hiddenA = await buildPerson(h.db, {
    organization_id: orgA.id,
    public_consent: false,
    name: `Hidden ${markers.person}`,
    email: null,
  })
  const personB = await buildPerson(h.db, { organization_id: orgB.id, public_consent: true })
  const hiddenB = await buildPerson(h.db, { organization_id: orgB.id, public_consent: false })
  // The governments of X and Y: a focal point speaks for its own.
  const stateX = await buildOrganization(h.db, {
    name: unique('State X'),
    category: 'member_state',
    country_code: COUNTRY_X,
  })
  const stateY = await buildOrganization(h.db, {
    name: unique('State Y'),
    category: 'member_state',
    country_code: COUNTRY_Y,
  })
  const stateXPerson = await buildPerson(h.db, { organization_id: stateX.id, public_consent: false })
  const stateYPerson = await buildPerson(h.db, { organization_id: stateY.id, public_consent: false })
  /** In no group: one that can still join. */
  const orgC = await buildOrganization(h.db, { name: unique('Org C'), country_code: COUNTRY_X })

  const users = {
    repA: await h.user([{ role: 'member_representative', organizationId: orgA.id }]),
    repB: await h.user([{ role: 'member_representative', organizationId: orgB.id }]),
    fpX: await h.user([{ role: 'focal_point', countryCode: COUNTRY_X }]),
    fpY: await h.user([{ role: 'focal_point', countryCode: COUNTRY_Y }]),
    secretariat: await h.user([{ role: 'secretariat' }]),
    admin: await h.user([{ role: 'admin' }]),
  } satisfies Record<Exclude<Role, 'anonymous'>, TestUser>
  const sec = users.secretariat

  // A group where the hidden person is organization A's principal: group pages must not name them.
  const group = await buildGroup(h.db)
  const membershipA = await h.db
    .insertInto('group_membership')
    .values({
      group_id: group.id,
      organization_id: orgA.id,
      principal_person_id: hiddenA.id,
      start_date: '2020-01-01',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const membershipB = await h.db
    .insertInto('group_membership')
    .values({
      group_id: group.id,
      organization_id: orgB.id,
      principal_person_id: hiddenB.id,
      start_date: '2020-01-01',
    })
    .returning('id')
    .executeTakeFirstOrThrow()

  // An upcoming meeting (invitations, registrations) and a held one (attendance, conclusions, report).
  const upcoming = await buildMeeting(h.db, { group_id: group.id, status: 'registration_open' })
  const held = await buildMeeting(h.db, {
    group_id: group.id,
    status: 'held',
    starts_at: new Date(Date.now() - 3 * 86400_000),
  })
  const draftMeeting = await buildMeeting(h.db, { group_id: group.id, status: 'draft' })
  const invite = async (organizationId: string, personId: string) =>
    h.db
      .insertInto('meeting_invitation')
      .values({ meeting_id: upcoming.id, organization_id: organizationId, person_id: personId })
      .returning('id')
      .executeTakeFirstOrThrow()
  const invitationA = await invite(orgA.id, hiddenA.id)
  const invitationB = await invite(orgB.id, hiddenB.id)
  const register = async (organizationId: string, personId: string) =>
    h.db
      .insertInto('meeting_registration')
      .values({
        meeting_id: upcoming.id,
        organization_id: organizationId,
        person_id: personId,
        participation: 'onsite',
        status: 'registered',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  const registrationA = await register(orgA.id, hiddenA.id)
  const registrationB = await register(orgB.id, hiddenB.id)
  const attend = async (organizationId: string, personId: string) =>
    h.db
      .insertInto('meeting_attendance')
      .values({
        meeting_id: held.id,
        organization_id: organizationId,
        person_id: personId,
        attended_as: 'principal',
        captured_by: 'list',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  const attendanceA = await attend(orgA.id, hiddenA.id)
  const attendanceB = await attend(orgB.id, hiddenB.id)
  const document = await h.db
    .insertInto('meeting_document')
    .values({
      meeting_id: upcoming.id,
      kind: 'other',
      title: 'Programme',
      file_name: 'programme.pdf',
      content: Buffer.from(PDF),
      content_type: 'application/pdf',
      sha256: 'x'.repeat(64),
      size_bytes: PDF.length,
      published: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const meetingSession = await h.db
    .insertInto('meeting_session')
    .values({ meeting_id: upcoming.id, titles: JSON.stringify({ en: 'Opening' }), position: 1 })
    .returning('id')
    .executeTakeFirstOrThrow()

  // A consultation of countries X and Y, and one of organizations A and B; each answered by its targets.
  const consult = async (audience: unknown) => {
    const res = await ok(
      await h.request('/api/v1/consultations', {
        method: 'POST',
        as: sec,
        json: {
          titles: { en: unique('Consultation') },
          purpose: 'pre_meeting_developing_countries',
          audience,
          meetingId: upcoming.id,
          opensAt: new Date(Date.now() - 3600_000).toISOString(),
          closesAt: new Date(Date.now() + 10 * 86400_000).toISOString(),
          confidentiality: 'secretariat',
          questionnaire,
        },
      }),
      201,
    )
    const { id } = (await res.json()) as { id: string }
    await ok(await h.request(`/api/v1/consultations/${id}/open`, { method: 'POST', as: sec }))
    return id
  }
  const answer = async (consultationId: string, as: TestUser, detail: string) => {
    const [target] = (await (
      await ok(await h.request(`/api/v1/consultations/${consultationId}/targets`, { as }))
    ).json()) as { id: string }[]
    await ok(
      await h.request(`/api/v1/consultations/${consultationId}/responses/${target!.id}`, {
        method: 'PUT',
        as,
        json: { answers: { priority: 'ai', detail }, submit: true },
      }),
    )
    return target!.id
  }
  const byCountry = await consult({ kind: 'countries', countries: [COUNTRY_X, COUNTRY_Y] })
  const targetX = await answer(byCountry, users.fpX, `Our need: ${markers.country}`)
  const targetY = await answer(byCountry, users.fpY, 'Our need: roaming')
  const byOrganization = await consult({ kind: 'organizations', organizations: [orgA.id, orgB.id] })
  const targetA = await answer(byOrganization, users.repA, `Our need: ${markers.org}`)
  const targetB = await answer(byOrganization, users.repB, 'Our need: spectrum')

  // A topic concluded at the held meeting, with a follow-up action.
  const topic = (await (
    await ok(
      await h.request('/api/v1/topics', {
        method: 'POST',
        as: sec,
        json: { titles: { en: unique('Topic') }, source: 'secretariat' },
      }),
      201,
    )
  ).json()) as { id: string; version: number }
  const conclusion = (await (
    await ok(
      await h.request(`/api/v1/meetings/${held.id}/conclusions`, {
        method: 'POST',
        as: sec,
        json: { topicId: topic.id, texts: { en: 'Noted.' }, type: 'observation' },
      }),
      201,
    )
  ).json()) as { id: string }
  const action = (await (
    await ok(
      await h.request(`/api/v1/conclusions/${conclusion.id}/actions`, {
        method: 'POST',
        as: sec,
        json: {
          what: { en: 'Draft a work item' },
          ownerBody: 'SG13',
          responsibleUserId: sec.userId,
          dueDate: new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10),
        },
      }),
      201,
    )
  ).json()) as { id: string }
  // A duplicate to merge into the topic, A's and X's supports for it, and a draft agenda with an item.
  const spareTopic = (await (
    await ok(
      await h.request('/api/v1/topics', {
        method: 'POST',
        as: sec,
        json: { titles: { en: unique('Duplicate topic') }, source: 'secretariat' },
      }),
      201,
    )
  ).json()) as { id: string }
  for (const [as, organizationId] of [
    [users.repA, orgA.id],
    [users.fpX, stateX.id],
  ] as const)
    await ok(
      await h.request(`/api/v1/topics/${topic.id}/supports`, {
        method: 'POST',
        as,
        json: { organizationId },
      }),
    )
  await ok(
    await h.request(`/api/v1/meetings/${held.id}/agenda/edits`, {
      method: 'POST',
      as: sec,
      json: { kind: 'add_free', titles: { en: 'Opening' } },
    }),
  )
  const priority = await h.db
    .insertInto('strategic_priority')
    .values({
      kind: 'strategic_priority',
      titles: JSON.stringify({ en: 'Priority' }),
      period_start: '2025-01-01',
    })
    .returning('id')
    .executeTakeFirstOrThrow()

  // A meeting report, run and issued.
  const job = await ok(
    await h.request('/reports', {
      method: 'POST',
      as: sec,
      form: { kind: 'meeting', meetingId: held.id, lang: 'en' },
    }),
    303,
  )
  const jobId = job.headers.get('location')!.split('/').at(-1)!
  await runReportJobs(h.db)
  const issued = await ok(
    await h.request(`/reports/jobs/${jobId}/issue`, {
      method: 'POST',
      as: sec,
      form: { documentNumber: 'TSAG-TD-1' },
    }),
    303,
  )
  const issueId = issued.headers.get('location')!.split('/').at(-1)!.split('?')[0]!

  // A circular with its document.
  const form = new FormData()
  form.set('_csrf', sec.csrf)
  for (const [k, v] of Object.entries({
    number: `C-${tag}`,
    issuedOn: '2026-03-02',
    subject: 'Survey',
    audience: 'sector_members',
  }))
    form.set(k, v)
  form.set('file', new File([PDF], 'circular.pdf'))
  const circular = await ok(
    await h.app.request('/plan/circulars', { method: 'POST', body: form, headers: { Cookie: sec.cookie } }),
    303,
  )
  const circularId = circular.headers.get('location')!.split('/').at(-1)!.split('?')[0]!

  const planItem = await h.db.selectFrom('plan_item').select('code').orderBy('code').executeTakeFirstOrThrow()
  const planAction = await h.db
    .selectFrom('plan_action')
    .select('code')
    .orderBy('code')
    .executeTakeFirstOrThrow()
  const indicator = await h.db
    .selectFrom('indicator')
    .select('code')
    .orderBy('code')
    .executeTakeFirstOrThrow()
  const sector = await h.db
    .selectFrom('sector')
    .select('id')
    .where('code', '=', 'ITU-T')
    .executeTakeFirstOrThrow()
  const orgBody = await h.db
    .selectFrom('org_body')
    .select('id')
    .where('sector_id', '=', sector.id)
    .orderBy('starts_on')
    .executeTakeFirstOrThrow()
  // An indicator measured by hand (those Engage starts with are computed).
  const manualIndicator = `manual_${tag.toLowerCase()}`
  await ok(
    await h.request('/api/v1/plan/indicators', {
      method: 'POST',
      as: sec,
      json: { code: manualIndicator, name: 'Workshops held', unit: 'count', direction: 'increase' },
    }),
    201,
  )
  const grant = await h.db
    .selectFrom('role_assignment')
    .select('id')
    .where('user_id', '=', users.repB.userId)
    .executeTakeFirstOrThrow()
  const calendarSecret = await replaceCalendarToken(h.db, users.repA.actor)
  const tokenA = await ok(
    await h.request('/api/v1/tokens', {
      method: 'POST',
      as: users.repA,
      json: { name: 'cli', scope: 'read', days: 30 },
    }),
    201,
  )
  const tokenAId = ((await tokenA.json()) as { apiToken: { id: string } }).apiToken.id
  // An Industry Advisory Panel whose principal member is A's person without consent (a marker the Panel's
  // pages must show only to those who may see A's people), and a piece of advice to TSAG.
  const year = new Date().getUTCFullYear()
  const panel = (await (
    await ok(
      await h.request('/api/v1/panels', {
        method: 'POST',
        as: sec,
        json: {
          code: unique('IAP').slice(-30),
          names: { en: 'Industry Advisory Panel' },
          termStartsOn: `${year - 1}-01-01`,
          termEndsOn: `${year + 1}-12-31`,
        },
      }),
      201,
    )
  ).json()) as { id: string }
  // The answer is the Panel with its members.
  const panelMember = (
    (await (
      await ok(
        await h.request(`/api/v1/panels/${panel.id}/members`, {
          method: 'POST',
          as: sec,
          json: { personId: hiddenA.id, role: 'principal', startsOn: `${year - 1}-01-01` },
        }),
        201,
      )
    ).json()) as { members: { id: string; personId: string | null }[] }
  ).members.find((m) => m.personId === hiddenA.id)!
  const panelAdvice = (await (
    await ok(
      await h.request(`/api/v1/panels/${panel.id}/advice`, {
        method: 'POST',
        as: sec,
        json: {
          givenOn: `${year - 1}-06-01`,
          advice: { en: 'Open the study groups to start-ups.' },
          addressedTo: 'TSAG',
        },
      }),
      201,
    )
  ).json()) as { id: string }

  return {
    markers,
    users,
    orgA,
    orgB,
    orgC,
    stateX,
    stateY,
    stateXPerson,
    stateYPerson,
    personA,
    hiddenA,
    personB,
    hiddenB,
    group,
    membershipA: membershipA.id,
    membershipB: membershipB.id,
    upcoming,
    held,
    draftMeeting,
    invitationA: invitationA.id,
    invitationB: invitationB.id,
    registrationA: registrationA.id,
    registrationB: registrationB.id,
    attendanceA: attendanceA.id,
    attendanceB: attendanceB.id,
    document: document.id,
    meetingSession: meetingSession.id,
    byCountry,
    targetX,
    targetY,
    byOrganization,
    targetA,
    targetB,
    topic: topic.id,
    spareTopic: spareTopic.id,
    conclusion: conclusion.id,
    action: action.id,
    priority: priority.id,
    jobId,
    issueId,
    circularId,
    planItem: planItem.code,
    planAction: planAction.code,
    indicator: indicator.code,
    manualIndicator,
    grant: grant.id,
    sector: sector.id,
    orgBody: orgBody.id,
    calendarSecret,
    tokenAId,
    panel: panel.id,
    panelMember: panelMember.id,
    panelAdvice: panelAdvice.id,
  }
}

/** The text of a response; a ZIP (XLSX, DOCX) is unpacked so that its parts can be searched too. */
export async function bodyText(res: Response): Promise<string> {
  const bytes = new Uint8Array(await res.arrayBuffer())
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return unzipText(bytes)
  return new TextDecoder().decode(bytes)
}

/** Reads a ZIP's central directory and inflates every entry (stored or deflated). */
function unzipText(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let end = bytes.length - 22
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--
  assert.ok(end >= 0, 'a ZIP has an end-of-central-directory record')
  const count = view.getUint16(end + 10, true)
  let at = view.getUint32(end + 16, true)
  const parts: string[] = []
  for (let i = 0; i < count; i++) {
    const method = view.getUint16(at + 10, true)
    const size = view.getUint32(at + 20, true)
    const nameLength = view.getUint16(at + 28, true)
    const extra = view.getUint16(at + 30, true)
    const comment = view.getUint16(at + 32, true)
    const local = view.getUint32(at + 42, true)
    const dataAt = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true)
    const data = bytes.subarray(dataAt, dataAt + size)
    parts.push(new TextDecoder().decode(method === 8 ? inflateRawSync(data) : data))
    at += 46 + nameLength + extra + comment
  }
  return parts.join('\n')
}
