import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import type { AppError } from '../../http/errors.ts'
import { buildMeeting, buildOrganization, buildPerson } from '../../testing/factories.ts'
import { type TestUser, unique, useHarness } from '../../testing/harness.ts'
import { followUpAdvice } from './panel.service.ts'

const h = useHarness()

type Problem = { code: string; errors?: Record<string, string[]>; details?: Record<string, unknown> }
type Member = {
  id: string
  personId: string | null
  personName: string | null
  organizationName: string
  role: string
  alternateFor: string | null
  endsOn: string | null
  current: boolean
  version: number
}
type Panel = {
  id: string
  code: string
  name: string
  sector: string | null
  reportsTo: { id: string; code: string } | null
  termStartsOn: string
  termEndsOn: string
  current: boolean
  currentMembers: number
  adviceGiven: number
  openAdvice: number
  version: number
  members: Member[]
  meetings: { id: string; title: string }[]
}
type Advice = {
  id: string
  number: number
  givenOn: string
  text: string
  addressedTo: string
  addressedToBodyId: string | null
  addressedToName: string
  meetingId: string | null
  status: string
  response: string | null
  respondedOn: string | null
  actionTaken: string | null
  version: number
  updates: { by: string; status: string; note: string }[]
}

// Dates around today, so the Panel's term is current whenever the suite runs.
const Y = new Date().getUTCFullYear()
const TERM = { termStartsOn: `${Y - 2}-01-01`, termEndsOn: `${Y + 2}-12-31` }
const today = new Date().toISOString().slice(0, 10)

let sec: TestUser
let admin: TestUser
let sectors: Map<string, string>
let bodies: Map<string, string>

async function json<T>(res: Response, status: number): Promise<T> {
  const text = await res.text()
  assert.equal(res.status, status, text)
  return JSON.parse(text) as T
}

async function codeAndErrors(res: Response) {
  const p = (await res.json()) as Problem
  return [p.code, p.errors]
}

async function createPanel(as: TestUser, body: Record<string, unknown> = {}): Promise<Panel> {
  return json<Panel>(
    await h.request('/api/v1/panels', {
      method: 'POST',
      as,
      json: { code: unique('IAP').slice(0, 30), names: { en: 'Industry Advisory Panel' }, ...TERM, ...body },
    }),
    201,
  )
}

const addMember = (as: TestUser, panelId: string, body: Record<string, unknown>) =>
  h.request(`/api/v1/panels/${panelId}/members`, {
    method: 'POST',
    as,
    json: { role: 'principal', startsOn: today, ...body },
  })

const addAdvice = (as: TestUser, panelId: string, body: Record<string, unknown>) =>
  h.request(`/api/v1/panels/${panelId}/advice`, {
    method: 'POST',
    as,
    json: { givenOn: `${Y - 1}-06-01`, advice: { en: 'Open the study groups to start-ups.' }, ...body },
  })

const followUp = (as: TestUser, panelId: string, adviceId: string, body: Record<string, unknown>) =>
  h.request(`/api/v1/panels/${panelId}/advice/${adviceId}/status`, { method: 'POST', as, json: body })

async function counts() {
  const n = async (
    table: 'advisory_panel' | 'advisory_panel_member' | 'advisory_panel_advice' | 'audit_log',
  ) =>
    Number(
      (
        await h.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  return {
    panels: await n('advisory_panel'),
    members: await n('advisory_panel_member'),
    advice: await n('advisory_panel_advice'),
    audit: await n('audit_log'),
    updates: Number(
      (
        await h.db
          .selectFrom('advisory_panel_advice_update')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  }
}

describe('the Industry Advisory Panel', () => {
  before(async () => {
    sec = await h.user([{ role: 'secretariat' }])
    admin = await h.user([{ role: 'admin' }])
    sectors = new Map(
      (await h.db.selectFrom('sector').select(['id', 'code']).execute()).map((s) => [s.code, s.id]),
    )
    bodies = new Map(
      (await h.db.selectFrom('org_body_name').select(['body_id', 'code']).execute()).map((b) => [
        b.code,
        b.body_id,
      ]),
    )
  })

  test('the structure is there: the three Sectors, their advisory groups and the Council', () => {
    assert.deepEqual([...sectors.keys()].sort(), ['ITU-D', 'ITU-R', 'ITU-T'])
    for (const code of ['TSAG', 'RAG', 'TDAG', 'Council']) assert.ok(bodies.has(code), code)
  })

  test('a secretariat sets up Panels: Union-wide and reporting to the Council by default, newest term first', async () => {
    const before = await counts()
    const current = await createPanel(sec, {
      names: { en: 'Industry Advisory Panel', fr: 'Groupe consultatif' },
    })
    assert.equal(current.sector, null, 'Union-wide')
    assert.equal(current.reportsTo?.code, 'Council')
    assert.equal(current.current, true)
    assert.equal(current.version, 1)
    const earlier = await createPanel(sec, {
      termStartsOn: `${Y - 6}-01-01`,
      termEndsOn: `${Y - 3}-12-31`,
      sector: 'ITU-R',
      reportsToBodyId: bodies.get('RAG'),
    })
    assert.equal(earlier.sector, 'ITU-R')
    assert.equal(earlier.reportsTo?.code, 'RAG')
    assert.equal(earlier.current, false)

    const list = await json<{ items: Panel[]; total: number }>(
      await h.request('/api/v1/panels', { as: sec }),
      200,
    )
    const order = list.items.map((p) => p.id)
    assert.ok(order.indexOf(current.id) < order.indexOf(earlier.id), 'newest term first')
    const union = await json<{ items: Panel[] }>(
      await h.request('/api/v1/panels?sector=union', { as: sec }),
      200,
    )
    assert.ok(union.items.every((p) => p.sector === null) && union.items.some((p) => p.id === current.id))
    const itur = await json<{ items: Panel[] }>(
      await h.request('/api/v1/panels?sector=ITU-R', { as: sec }),
      200,
    )
    assert.deepEqual(
      itur.items.map((p) => p.id),
      [earlier.id],
    )
    const fr = await json<Panel>(await h.request(`/api/v1/panels/${current.id}?lang=fr`, { as: sec }), 200)
    assert.equal(fr.name, 'Groupe consultatif')

    // Refused: a code in use, a term that ends before it begins, a body that did not exist when the term began.
    const taken = await h.request('/api/v1/panels', {
      method: 'POST',
      as: sec,
      json: { code: current.code.toLowerCase(), names: { en: 'Again' }, ...TERM },
    })
    assert.equal(taken.status, 409)
    assert.deepEqual(((await taken.json()) as Problem).errors, { code: ['panel_code_taken'] })
    const backwards = await h.request('/api/v1/panels', {
      method: 'POST',
      as: sec,
      json: { code: 'X1', names: { en: 'X' }, termStartsOn: `${Y}-06-01`, termEndsOn: `${Y}-01-01` },
    })
    assert.equal(backwards.status, 422)
    assert.deepEqual(((await backwards.json()) as Problem).errors, {
      termEndsOn: ['panel_term_end_before_start'],
    })
    const nameless = await h.request('/api/v1/panels', {
      method: 'POST',
      as: sec,
      json: { code: 'X2', names: {}, ...TERM },
    })
    assert.equal(nameless.status, 422)
    assert.deepEqual(((await nameless.json()) as Problem).errors, { names: ['name_required'] })

    const after = await counts()
    assert.equal(after.panels, before.panels + 2)
    const audited = await h.db
      .selectFrom('audit_log')
      .select(['action', 'entity_type'])
      .where('entity_id', '=', current.id)
      .execute()
    assert.deepEqual(audited, [{ action: 'create', entity_type: 'advisory_panel' }])
  })

  test('a stale edit is refused with 409 and saves nothing; left-out Sector and body are kept; the term cannot shrink past its records', async () => {
    const panel = await createPanel(sec, { sector: 'ITU-R', reportsToBodyId: bodies.get('RAG') })
    const edit = (version: number, body: Record<string, unknown> = {}) =>
      h.request(`/api/v1/panels/${panel.id}`, {
        method: 'PUT',
        as: sec,
        json: { code: panel.code, names: { en: 'Renamed Panel' }, ...TERM, version, ...body },
      })
    const saved = await json<Panel>(await edit(1), 200)
    assert.equal(saved.name, 'Renamed Panel')
    assert.equal(saved.version, 2)
    assert.deepEqual([saved.sector, saved.reportsTo?.code], ['ITU-R', 'RAG'], 'left out, they are kept')
    const stale = await edit(1, { names: { en: 'Lost edit' } })
    assert.equal(stale.status, 409)
    assert.equal(((await stale.json()) as Problem).code, 'PANEL_CONFLICT')
    const now = await json<Panel>(await h.request(`/api/v1/panels/${panel.id}`, { as: sec }), 200)
    assert.equal(now.name, 'Renamed Panel', 'nothing of the stale edit was saved')

    const person = await buildPerson(h.db)
    await json(await addMember(sec, panel.id, { personId: person.id, startsOn: `${Y - 1}-01-01` }), 201)
    const shrunk = await edit(2, { termStartsOn: `${Y}-01-01` })
    assert.equal(shrunk.status, 422)
    assert.deepEqual(((await shrunk.json()) as Problem).errors, {
      termStartsOn: ['panel_term_excludes_records'],
    })
  })

  test('members: principals and their alternates, and every refusal with its field', async () => {
    const panel = await createPanel(sec)
    const other = await createPanel(sec)
    const org = await buildOrganization(h.db, { name: unique('Vendor') })
    const [p1, p2, a1, a2, stranger] = await Promise.all(
      [0, 1, 2, 3, 4].map(() => buildPerson(h.db, { organization_id: org.id, public_consent: true })),
    )
    const principal = await json<Panel>(await addMember(sec, panel.id, { personId: p1!.id }), 201)
    const m1 = principal.members.find((m) => m.personId === p1!.id)!
    assert.equal(m1.role, 'principal')
    assert.equal(principal.currentMembers, 1)

    // The same person again, while still a member.
    const again = await addMember(sec, panel.id, { personId: p1!.id, startsOn: `${Y + 1}-01-01` })
    assert.equal(again.status, 409)
    assert.deepEqual(await codeAndErrors(again), [
      'PANEL_MEMBER_EXISTS',
      { personId: ['panel_member_exists'] },
    ])
    // Outside the term.
    const late = await addMember(sec, panel.id, { personId: p2!.id, startsOn: `${Y + 3}-01-01` })
    assert.equal(late.status, 422)
    assert.deepEqual(await codeAndErrors(late), ['PANEL_OUTSIDE_TERM', { startsOn: ['panel_outside_term'] }])
    // An alternate must name whom they stand in for.
    const unnamed = await addMember(sec, panel.id, { personId: a1!.id, role: 'alternate' })
    assert.equal(unnamed.status, 422)
    assert.deepEqual(((await unnamed.json()) as Problem).errors, {
      alternateFor: ['panel_alternate_for_required'],
    })

    const withAlternate = await json<Panel>(
      await addMember(sec, panel.id, { personId: a1!.id, role: 'alternate', alternateFor: m1.id }),
      201,
    )
    const alt1 = withAlternate.members.find((m) => m.personId === a1!.id)!
    assert.equal(alt1.alternateFor, m1.id)

    const refusals: [Record<string, unknown>, string][] = [
      [{ personId: a2!.id, role: 'alternate', alternateFor: alt1.id }, 'panel_alternate_not_principal'],
      [{ personId: a2!.id, role: 'alternate', alternateFor: m1.id }, 'panel_alternate_taken'],
    ]
    const otherPrincipal = await json<Panel>(await addMember(sec, other.id, { personId: stranger!.id }), 201)
    refusals.push([
      { personId: a2!.id, role: 'alternate', alternateFor: otherPrincipal.members[0]!.id },
      'panel_alternate_other_panel',
    ])
    for (const [body, message] of refusals) {
      const res = await addMember(sec, panel.id, body)
      assert.equal(res.status, 422, message)
      assert.deepEqual(await codeAndErrors(res), ['PANEL_ALTERNATE_INVALID', { alternateFor: [message] }])
    }
    const unknownPerson = await addMember(sec, panel.id, { personId: crypto.randomUUID() })
    assert.equal(unknownPerson.status, 422)
    assert.deepEqual(((await unknownPerson.json()) as Problem).errors, { personId: ['person_unknown'] })

    // Ending the principal ends their alternate the same day; a second end is refused, as is a stale one.
    const end = (memberId: string, body: Record<string, unknown>) =>
      h.request(`/api/v1/panels/${panel.id}/members/${memberId}/end`, { method: 'POST', as: sec, json: body })
    const beforeStart = await end(m1.id, { endsOn: `${Y - 3}-01-01`, version: m1.version })
    assert.equal(beforeStart.status, 422)
    const stale = await end(m1.id, { endsOn: today, version: m1.version + 1 })
    assert.equal(stale.status, 409)
    const ended = await json<Panel>(await end(m1.id, { endsOn: today, version: m1.version }), 200)
    for (const id of [m1.id, alt1.id]) assert.equal(ended.members.find((m) => m.id === id)?.endsOn, today)
    const twice = await end(m1.id, { endsOn: today, version: m1.version + 1 })
    assert.equal(twice.status, 409)
    assert.equal(((await twice.json()) as Problem).code, 'PANEL_MEMBER_ENDED')
    const audit = await h.db
      .selectFrom('audit_log')
      .select('summary')
      .where('entity_type', '=', 'advisory_panel_member')
      .where('entity_id', 'in', [m1.id, alt1.id])
      .where('action', '=', 'update')
      .execute()
    assert.deepEqual(audit.map((a) => a.summary).sort(), [
      'membership ended',
      'membership ended with its principal',
    ])
    // After the membership ended, the person may sit again.
    await json(await addMember(sec, panel.id, { personId: p1!.id, startsOn: `${Y + 1}-01-01` }), 201)
  })

  test('members are named as the directory allows: others see the organization of someone not listed publicly', async () => {
    const panel = await createPanel(sec)
    const org = await buildOrganization(h.db, { name: unique('Operator') })
    const hidden = await buildPerson(h.db, {
      organization_id: org.id,
      public_consent: false,
      name: 'Hidden Person',
    })
    const listed = await buildPerson(h.db, {
      organization_id: org.id,
      public_consent: true,
      name: 'Listed Person',
    })
    await json(await addMember(sec, panel.id, { personId: hidden.id }), 201)
    await json(await addMember(sec, panel.id, { personId: listed.id }), 201)
    const outsider = await h.user([
      { role: 'member_representative', organizationId: (await buildOrganization(h.db)).id },
    ])
    const own = await h.user([{ role: 'member_representative', organizationId: org.id }])
    const seen = async (as: TestUser) =>
      (await json<Panel>(await h.request(`/api/v1/panels/${panel.id}`, { as }), 200)).members
        .map((m) => `${m.personName ?? '—'} (${m.organizationName})`)
        .sort()
    assert.deepEqual(await seen(outsider), [`Listed Person (${org.name})`, `— (${org.name})`].sort())
    const asOutsider = await json<Panel>(await h.request(`/api/v1/panels/${panel.id}`, { as: outsider }), 200)
    assert.ok(
      asOutsider.members.every((m) => m.personId !== hidden.id),
      'no id either',
    )
    assert.deepEqual(await seen(own), [`Hidden Person (${org.name})`, `Listed Person (${org.name})`])
    assert.deepEqual(await seen(sec), [`Hidden Person (${org.name})`, `Listed Person (${org.name})`])
    const page = await (await h.request(`/panels/${panel.id}`, { as: outsider })).text()
    assert.doesNotMatch(page, /Hidden Person/)
    assert.match(page, /Name not listed publicly/)
  })

  test('advice: numbered per Panel, addressed to a body of the structure on its day, refused outside its dates', async () => {
    const panel = await createPanel(sec)
    const other = await createPanel(sec)
    const study = await json<{ id: string }>(
      await h.request('/api/v1/structure/bodies', {
        method: 'POST',
        as: admin,
        json: {
          sectorId: sectors.get('ITU-T'),
          kind: 'study_group',
          code: 'SG99',
          names: { en: 'Study Group 99' },
          startsOn: `${Y - 4}-03-01`,
          endsOn: `${Y - 2}-10-31`,
        },
      }),
      201,
    )
    const first = await json<Advice>(
      await addAdvice(sec, panel.id, { addressedTo: 'tsag', dueDate: `${Y}-03-01` }),
      201,
    )
    assert.equal(first.number, 1)
    assert.equal(first.addressedTo, 'TSAG')
    assert.equal(first.addressedToBodyId, bodies.get('TSAG'))
    assert.equal(first.addressedToName, 'Telecommunication Standardization Advisory Group')
    assert.equal(first.status, 'given')
    assert.deepEqual(
      first.updates.map((u) => [u.status, u.note]),
      [['given', 'Advice recorded.']],
    )

    // The study group existed until Y-2: advice given in Y-1 cannot go to it, by id or by code.
    const byId = await addAdvice(sec, panel.id, { addressedToBodyId: study.id })
    assert.equal(byId.status, 422)
    const problem = (await byId.json()) as Problem
    assert.equal(problem.code, 'BODY_NOT_IN_PERIOD')
    assert.deepEqual(problem.errors, { addressedToBodyId: ['outside_body_period'] })
    assert.equal(problem.details?.startsOn, `${Y - 4}-03-01`)
    assert.equal(problem.details?.endsOn, `${Y - 2}-10-31`)
    const byCode = await addAdvice(sec, panel.id, { addressedTo: 'SG99' })
    assert.equal(byCode.status, 422)
    assert.deepEqual(((await byCode.json()) as Problem).errors, { addressedTo: ['outside_body_period'] })
    // While it existed (within the Panel's term), it can.
    const inPeriod = await json<Advice>(
      await addAdvice(sec, panel.id, { addressedToBodyId: study.id, givenOn: `${Y - 2}-06-01` }),
      201,
    )
    assert.equal(inPeriod.number, 2)
    assert.equal(inPeriod.addressedTo, 'SG99')

    const refusals: [Record<string, unknown>, number, string, Record<string, string[]>][] = [
      [{ addressedTo: 'NOPE' }, 422, 'VALIDATION_FAILED', { addressedTo: ['panel_body_unknown'] }],
      [
        { addressedTo: 'TSAG', givenOn: `${Y - 3}-12-31` },
        422,
        'PANEL_OUTSIDE_TERM',
        { givenOn: ['panel_outside_term'] },
      ],
      [{}, 422, 'VALIDATION_FAILED', { addressedToBodyId: ['panel_addressee_required'] }],
      [{ addressedTo: 'TSAG', advice: {} }, 422, 'VALIDATION_FAILED', { advice: ['text_required'] }],
      [
        { addressedTo: 'TSAG', dueDate: `${Y - 2}-01-01` },
        422,
        'VALIDATION_FAILED',
        { dueDate: ['panel_due_before_given'] },
      ],
    ]
    const otherMeeting = await buildMeeting(h.db, { status: 'held' })
    await h.db.updateTable('meeting').set({ panel_id: other.id }).where('id', '=', otherMeeting.id).execute()
    refusals.push([
      { addressedTo: 'TSAG', meetingId: otherMeeting.id },
      422,
      'VALIDATION_FAILED',
      { meetingId: ['panel_meeting_invalid'] },
    ])
    for (const [body, status, code, errors] of refusals) {
      const res = await addAdvice(sec, panel.id, body)
      const p = (await res.json()) as Problem
      assert.deepEqual([res.status, p.code, p.errors], [status, code, errors], JSON.stringify(body))
    }

    // A meeting of the Panel: listed on the Panel and linked from the advice.
    const meeting = await buildMeeting(h.db, {
      status: 'held',
      starts_at: new Date(`${Y - 1}-05-31T09:00:00Z`),
    })
    await h.db.updateTable('meeting').set({ panel_id: panel.id }).where('id', '=', meeting.id).execute()
    const atMeeting = await json<Advice>(
      await addAdvice(sec, panel.id, { addressedToBodyId: bodies.get('Council'), meetingId: meeting.id }),
      201,
    )
    assert.equal(atMeeting.number, 3)
    assert.equal(atMeeting.meetingId, meeting.id)
    const detail = await json<Panel>(await h.request(`/api/v1/panels/${panel.id}`, { as: sec }), 200)
    assert.deepEqual(
      detail.meetings.map((m) => m.id),
      [meeting.id],
    )
    assert.equal(detail.adviceGiven, 3)

    // The list filters by status and addressee, and pages.
    const byBody = await json<{ items: Advice[]; total: number }>(
      await h.request(`/api/v1/panels/${panel.id}/advice?body=${bodies.get('TSAG')}`, { as: sec }),
      200,
    )
    assert.deepEqual(
      byBody.items.map((a) => a.number),
      [1],
    )
    const paged = await json<{ items: Advice[]; total: number }>(
      await h.request(`/api/v1/panels/${panel.id}/advice?pageSize=2&page=2`, { as: sec }),
      200,
    )
    assert.equal(paged.total, 3)
    assert.deepEqual(
      paged.items.map((a) => a.number),
      [1],
      'latest first',
    )
    const none = await json<{ total: number }>(
      await h.request(`/api/v1/panels/${panel.id}/advice?status=implemented`, { as: sec }),
      200,
    )
    assert.equal(none.total, 0)

    // Correcting the advice keeps its number, re-resolves its addressee, and refuses a stale version.
    const corrected = await json<Advice>(
      await h.request(`/api/v1/panels/${panel.id}/advice/${first.id}`, {
        method: 'PUT',
        as: sec,
        json: {
          givenOn: first.givenOn,
          advice: { en: 'Open the study groups to start-ups and SMEs.' },
          addressedTo: 'TDAG',
          version: first.version,
        },
      }),
      200,
    )
    assert.equal(corrected.addressedTo, 'TDAG')
    assert.equal(corrected.number, 1)
    assert.deepEqual(
      corrected.updates.map((u) => u.note),
      ['Advice recorded.', 'The advice as recorded was corrected.'],
    )
    const staleCorrection = await h.request(`/api/v1/panels/${panel.id}/advice/${first.id}`, {
      method: 'PUT',
      as: sec,
      json: { givenOn: first.givenOn, advice: { en: 'Lost' }, addressedTo: 'TSAG', version: first.version },
    })
    assert.equal(staleCorrection.status, 409)
    assert.equal(((await staleCorrection.json()) as Problem).code, 'ADVICE_CONFLICT')
  })

  test('follow-up: status moves with dated notes, the response and what was done, shown as a timeline', async () => {
    const panel = await createPanel(sec)
    const advice = await json<Advice>(
      await addAdvice(sec, panel.id, { addressedTo: 'TSAG', note: 'Agreed in plenary.' }),
      201,
    )
    assert.equal(advice.updates[0]?.note, 'Agreed in plenary.')
    let version = advice.version
    const step = async (body: Record<string, unknown>, status = 200) => {
      const res = await followUp(sec, panel.id, advice.id, { version, ...body })
      const text = await res.text()
      assert.equal(res.status, status, text)
      const out = JSON.parse(text) as Advice & Problem
      if (status === 200) version = out.version
      return out
    }
    const jump = await step({ status: 'implemented', note: 'Done', actionTaken: 'x' }, 409)
    assert.equal(jump.code, 'ADVICE_TRANSITION_INVALID')
    assert.deepEqual(jump.errors, { status: ['panel_status_not_allowed'] })
    const noNote = await step({ status: 'under_consideration', note: '' }, 422)
    assert.deepEqual(noNote.errors, { note: ['panel_note_required'] })
    await step({ status: 'under_consideration', note: 'TSAG will discuss it at its next meeting.' })
    const undecided = await step({ status: 'accepted', note: 'TSAG decided.' }, 422)
    assert.deepEqual(undecided.errors, { response: ['panel_response_required'] })
    const undated = await step({ status: 'accepted', note: 'TSAG decided.', response: 'Accepted.' }, 422)
    assert.deepEqual(undated.errors, { respondedOn: ['panel_responded_on_required'] })
    const early = await step(
      { status: 'accepted', note: 'TSAG decided.', response: 'Accepted.', respondedOn: `${Y - 1}-05-01` },
      422,
    )
    assert.deepEqual(early.errors, { respondedOn: ['panel_responded_before_given'] })
    const accepted = await step({
      status: 'accepted',
      note: 'TSAG decided.',
      response: 'TSAG accepts and asks TSB to act.',
      respondedOn: `${Y - 1}-09-15`,
    })
    assert.equal(accepted.status, 'accepted')
    assert.equal(accepted.response, 'TSAG accepts and asks TSB to act.')
    const notDone = await step({ status: 'implemented', note: 'Closed.' }, 422)
    assert.deepEqual(notDone.errors, { actionTaken: ['panel_action_taken_required'] })
    const done = await step({
      status: 'implemented',
      note: 'Start-ups now join study groups free for a year.',
      actionTaken: 'A start-up membership category was created.',
    })
    assert.equal(done.status, 'implemented')
    assert.equal(done.response, 'TSAG accepts and asks TSB to act.', 'the response is kept')
    assert.equal(done.respondedOn, `${Y - 1}-09-15`)
    assert.deepEqual(
      done.updates.map((u) => [u.status, u.note, u.by]),
      [
        ['given', 'Agreed in plenary.', sec.actor.name],
        ['under_consideration', 'TSAG will discuss it at its next meeting.', sec.actor.name],
        ['accepted', 'TSAG decided.', sec.actor.name],
        ['implemented', 'Start-ups now join study groups free for a year.', sec.actor.name],
      ],
    )
    const finalMove = await step({ status: 'accepted', note: 'Back?' }, 409)
    assert.equal(finalMove.code, 'ADVICE_TRANSITION_INVALID')

    // A stale follow-up is refused and changes nothing; the service gives the current version.
    const before = await counts()
    const stale = await followUp(sec, panel.id, advice.id, {
      status: 'implemented',
      note: 'Late',
      version: 1,
    })
    assert.equal(stale.status, 409)
    assert.equal(((await stale.json()) as Problem).code, 'ADVICE_CONFLICT')
    await assert.rejects(
      followUpAdvice(h.db, sec.actor, panel.id, advice.id, {
        status: 'implemented',
        note: 'Late',
        version: 1,
      }),
      (e: AppError) => e.code === 'ADVICE_CONFLICT' && e.details.version === version,
    )
    assert.deepEqual(await counts(), before)

    const audit = await h.db
      .selectFrom('audit_log')
      .select('summary')
      .where('entity_id', '=', advice.id)
      .orderBy('id')
      .execute()
    assert.deepEqual(
      audit.map((a) => a.summary),
      [null, 'given → under_consideration', 'under_consideration → accepted', 'accepted → implemented'],
    )
    const panelNow = await json<Panel>(await h.request(`/api/v1/panels/${panel.id}`, { as: sec }), 200)
    assert.equal(panelNow.openAdvice, 0)
  })

  test('access: anonymous and member representatives read nothing or change nothing; a Sector-limited secretariat changes only its Sector’s Panels', async () => {
    const union = await createPanel(sec)
    const org = await buildOrganization(h.db)
    const person = await buildPerson(h.db, { organization_id: org.id })
    const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
    const radio = await h.user([{ role: 'secretariat', sectorId: sectors.get('ITU-R')! }])
    const advice = await json<Advice>(await addAdvice(sec, union.id, { addressedTo: 'TSAG' }), 201)
    const before = await counts()

    assert.equal((await h.request('/api/v1/panels')).status, 401)
    assert.equal((await h.request(`/api/v1/panels/${union.id}/advice`)).status, 401)
    assert.equal(
      (
        await h.request('/api/v1/panels', {
          method: 'POST',
          json: { code: 'Z', names: { en: 'Z' }, ...TERM },
        })
      ).status,
      401,
    )
    const signIn = await h.request(`/panels/${union.id}`)
    assert.equal(signIn.status, 303, 'the page asks to sign in')
    assert.match(signIn.headers.get('location') ?? '', /^\/auth\/sign-in/)

    // Everyone signed in reads the Panel, its advice and their outcome.
    assert.equal((await h.request(`/api/v1/panels/${union.id}`, { as: rep })).status, 200)
    assert.equal((await h.request(`/api/v1/panels/${union.id}/advice/${advice.id}`, { as: rep })).status, 200)

    const writes = (as: TestUser) => [
      h.request('/api/v1/panels', {
        method: 'POST',
        as,
        json: { code: 'Z', names: { en: 'Z' }, ...TERM, sector: 'union' },
      }),
      h.request(`/api/v1/panels/${union.id}`, {
        method: 'PUT',
        as,
        json: { code: union.code, names: { en: 'Taken over' }, ...TERM, version: union.version },
      }),
      addMember(as, union.id, { personId: person.id }),
      addAdvice(as, union.id, { addressedTo: 'TSAG' }),
      followUp(as, union.id, advice.id, {
        status: 'under_consideration',
        note: 'x',
        version: advice.version,
      }),
      h.request(`/api/v1/panels/${union.id}/advice/${advice.id}`, {
        method: 'PUT',
        as,
        json: { givenOn: advice.givenOn, advice: { en: 'x' }, addressedTo: 'TSAG', version: advice.version },
      }),
    ]
    for (const res of await Promise.all(writes(rep))) {
      assert.equal(res.status, 403, await res.clone().text())
      assert.equal(((await res.json()) as Problem).code, 'FORBIDDEN')
    }
    for (const res of await Promise.all(writes(radio))) {
      assert.equal(res.status, 403, await res.clone().text())
      assert.equal(((await res.json()) as Problem).code, 'SECTOR_OUT_OF_SCOPE')
    }
    // The page form is refused the same way.
    const form = await h.request(`/panels/${union.id}/advice`, {
      method: 'POST',
      as: radio,
      form: { givenOn: `${Y - 1}-06-01`, 'advice.en': 'x', addressedToBodyId: bodies.get('TSAG')! },
    })
    assert.equal(form.status, 403)
    assert.deepEqual(await counts(), before, 'nothing changed')

    // In its own Sector it works: the Panel gets its Sector by default; a body of another Sector is refused.
    const own = await createPanel(radio)
    assert.equal(own.sector, 'ITU-R')
    const tsag = await addAdvice(radio, own.id, { addressedTo: 'TSAG' })
    assert.equal(tsag.status, 403)
    assert.deepEqual(((await tsag.json()) as Problem).errors, { addressedTo: ['panel_body_other_sector'] })
    await json(await addAdvice(radio, own.id, { addressedTo: 'RAG' }), 201)
    await json(await addAdvice(radio, own.id, { addressedTo: 'Council' }), 201)
    await json(await addMember(radio, own.id, { personId: person.id }), 201)
    // And the unlimited secretariat may still change it.
    await json(await addAdvice(sec, own.id, { addressedTo: 'TSAG' }), 201)
  })

  test('pages: the list, a new Panel, the Panel with its forms, the advice with its timeline; refusals come back in the form', async () => {
    const rep = await h.user([
      { role: 'member_representative', organizationId: (await buildOrganization(h.db)).id },
    ])
    const code = unique('P').slice(0, 30)
    const created = await h.request('/panels', {
      method: 'POST',
      as: sec,
      form: {
        code,
        'names.en': 'Industry Advisory Panel (pages)',
        sector: 'union',
        reportsToBodyId: bodies.get('Council')!,
        ...TERM,
      },
    })
    assert.equal(created.status, 303, await created.clone().text())
    const location = created.headers.get('location') ?? ''
    const id = /\/panels\/([0-9a-f-]{36})/.exec(location)?.[1] ?? ''
    assert.ok(id, location)

    const list = await (await h.request('/panels', { as: rep })).text()
    assert.match(list, /Industry Advisory Panel \(pages\)/)
    assert.doesNotMatch(list, /Set up a Panel/, 'no forms for a representative')
    assert.match(await (await h.request('/panels', { as: sec })).text(), /Set up a Panel/)
    assert.equal((await h.request('/panels/new', { as: rep })).status, 403)
    const newPage = await (await h.request('/panels/new', { as: sec })).text()
    assert.match(newPage, /ITU Council/)

    const person = await buildPerson(h.db, { public_consent: true, name: 'Ada Executive' })
    const outside = await h.request(`/panels/${id}/members`, {
      method: 'POST',
      as: sec,
      form: { personId: person.id, role: 'principal', startsOn: `${Y + 5}-01-01` },
    })
    assert.equal(outside.status, 422)
    const outsideText = await outside.text()
    assert.match(outsideText, /must fall within the Panel’s term/)
    assert.match(outsideText, /The Panel’s term runs from/)
    const added = await h.request(`/panels/${id}/members`, {
      method: 'POST',
      as: sec,
      form: { personId: person.id, role: 'principal', startsOn: today },
    })
    assert.equal(added.status, 303)

    const recorded = await h.request(`/panels/${id}/advice`, {
      method: 'POST',
      as: sec,
      form: {
        givenOn: `${Y - 1}-06-01`,
        'advice.en': 'Hold an executive round-table every year.',
        addressedToBodyId: bodies.get('TSAG')!,
      },
    })
    assert.equal(recorded.status, 303, await recorded.clone().text())
    const adviceUrl = recorded.headers.get('location') ?? ''
    assert.match(adviceUrl, new RegExp(`^/panels/${id}/advice/[0-9a-f-]{36}`))

    const page = await (await h.request(`/panels/${id}`, { as: sec })).text()
    for (const text of [
      'Ada Executive',
      'Hold an executive round-table every year.',
      'TSAG',
      'Record advice',
      'Add a member',
    ])
      assert.ok(page.includes(text), text)
    const repPage = await (await h.request(`/panels/${id}`, { as: rep })).text()
    assert.ok(repPage.includes('Hold an executive round-table every year.'))
    assert.ok(!repPage.includes('Record advice'), 'no forms for a representative')

    const followed = await h.request(`${adviceUrl.split('?')[0]}/status`, {
      method: 'POST',
      as: sec,
      form: { status: 'accepted', note: 'Decided at TSAG.', version: '1' },
    })
    assert.equal(followed.status, 422)
    assert.match(await followed.text(), /a decision needs the body’s response/)
    const ok = await h.request(`${adviceUrl.split('?')[0]}/status`, {
      method: 'POST',
      as: sec,
      form: {
        status: 'accepted',
        note: 'Decided at TSAG.',
        response: 'TSAG welcomes the round-table.',
        respondedOn: `${Y - 1}-10-01`,
        version: '1',
      },
    })
    assert.equal(ok.status, 303, await ok.clone().text())
    const advicePage = await (await h.request(adviceUrl, { as: rep })).text()
    for (const text of [
      'Advice 1 of',
      'TSAG welcomes the round-table.',
      'Decided at TSAG.',
      'Advice recorded.',
      'Accepted',
    ])
      assert.ok(advicePage.includes(text), text)
    assert.ok(!advicePage.includes('Record the follow-up'), 'no forms for a representative')
    const filtered = await (await h.request(`/panels/${id}?status=not_accepted`, { as: sec })).text()
    assert.match(filtered, /No advice matches these filters\./)
    const arabic = await h.request(`/panels/${id}?lang=ar`, { as: sec })
    assert.equal(arabic.status, 200)
    assert.match(await arabic.text(), /dir="rtl"/)
    assert.equal((await h.request(`/panels/${crypto.randomUUID()}`, { as: sec })).status, 404)

    // The API is in the OpenAPI document.
    const doc = await json<{ paths: Record<string, unknown> }>(await h.request('/api/openapi.json'), 200)
    for (const path of [
      '/api/v1/panels',
      '/api/v1/panels/{id}',
      '/api/v1/panels/{id}/members',
      '/api/v1/panels/{id}/members/{memberId}/end',
      '/api/v1/panels/{id}/advice',
      '/api/v1/panels/{id}/advice/{adviceId}',
      '/api/v1/panels/{id}/advice/{adviceId}/status',
    ])
      assert.ok(doc.paths[path], path)
  })
})
