import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { strFromU8, unzipSync } from 'fflate'
import { buildMeeting, buildOrganization } from '../testing/factories.ts'
import { type TestUser, useHarness } from '../testing/harness.ts'
import { followUpReport } from './follow-up-report.ts'
import { type Report, reportTables } from './model.ts'
import { reportBodyHtml, reportCsv, reportDocx } from './render.ts'
import { reportsApi } from './reports.routes.ts'
import { listIssues, runReportJobs } from './reports.service.ts'
import { wtsaReport } from './wtsa-report.ts'

const h = useHarness()

/**
 * Until app.ts mounts the reports API, the tests mount it on their own app. Routes can be added only before
 * the app has answered a request: the first test calls this before any.
 */
function mountApi() {
  if (!h.app.routes.some((r) => r.path.startsWith('/api/v1/reports'))) h.app.route('/api/v1', reportsApi)
}

const at = (iso: string) => new Date(iso)
const text = (r: Report) => JSON.stringify(r.blocks)
const table = (r: Report, id: string) => {
  const t = reportTables(r).find((x) => x.id === id)
  assert.ok(t, `table ${id}`)
  return t
}

let sectorIds: Record<string, string> | undefined
async function sectors() {
  if (!sectorIds) {
    const rows = await h.db.selectFrom('sector').select(['id', 'code']).execute()
    sectorIds = Object.fromEntries(rows.map((r) => [r.code, r.id]))
  }
  return sectorIds
}

async function bodyId(code: string) {
  const row = await h.db
    .selectFrom('org_body_name')
    .select('body_id')
    .where('code', '=', code)
    .executeTakeFirstOrThrow()
  return row.body_id
}

/** A held meeting of a Sector (null: Union-wide) with one attending organization, a consultation, a topic
 * that moves, and a follow-up action of the same Sector. */
async function sectorRecords(user: TestUser, label: string, sectorId: string | null, year: number) {
  const meeting = await buildMeeting(h.db, { status: 'concluded', starts_at: at(`${year}-03-10T08:00:00Z`) })
  await h.db
    .updateTable('meeting')
    .set({ sector_id: sectorId, titles: JSON.stringify({ en: `Meeting ${label}` }) })
    .where('id', '=', meeting.id)
    .execute()
  const org = await buildOrganization(h.db, { country_code: 'KE' })
  await h.db
    .insertInto('meeting_attendance')
    .values({
      meeting_id: meeting.id,
      organization_id: org.id,
      person_id: null,
      attended_as: 'principal',
      captured_by: 'list',
    })
    .execute()
  await h.db
    .insertInto('consultation')
    .values({
      titles: JSON.stringify({ en: `Consultation ${label}` }),
      purpose: 'pre_meeting_developing_countries',
      meeting_id: meeting.id,
      audience: JSON.stringify({}),
      opens_at: at(`${year}-01-10T00:00:00Z`),
      closes_at: at(`${year}-02-10T00:00:00Z`),
      confidentiality: 'secretariat',
      status: 'closed',
      sector_id: sectorId,
    })
    .execute()
  const topic = await h.db
    .insertInto('topic')
    .values({ titles: JSON.stringify({ en: `Topic ${label}` }), source: 'secretariat', sector_id: sectorId })
    .returning('id')
    .executeTakeFirstOrThrow()
  await h.db
    .insertInto('topic_event')
    .values({
      topic_id: topic.id,
      kind: 'transition',
      from_state: 'proposed',
      to_state: 'on_agenda',
      at: at(`${year}-03-10T09:00:00Z`),
      meeting_id: meeting.id,
      reason: 'agenda',
      by_label: 'test',
    })
    .execute()
  const conclusion = await h.db
    .insertInto('conclusion')
    .values({
      meeting_id: meeting.id,
      topic_id: topic.id,
      texts: JSON.stringify({ en: `Conclusion ${label}` }),
      type: 'recommendation',
      created_at: at(`${year}-03-10T17:00:00Z`),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const action = await h.db
    .insertInto('follow_up_action')
    .values({
      conclusion_id: conclusion.id,
      what: JSON.stringify({ en: `Action ${label}` }),
      owner_body: 'Bureau',
      responsible_user_id: user.userId,
      due_date: `${year}-12-31`,
      status: 'open',
      created_at: at(`${year}-03-11T00:00:00Z`),
      sector_id: sectorId,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await h.db
    .insertInto('action_update')
    .values({ action_id: action.id, at: at(`${year}-03-11T00:00:00Z`), by_label: 'test', status_to: 'open' })
    .execute()
}

describe('period reports limited to a Sector', () => {
  test('the structure has the three Sectors', async () => {
    mountApi()
    const s = await sectors()
    for (const code of ['ITU-T', 'ITU-R', 'ITU-D']) assert.ok(s[code], code)
  })

  test('the report to WTSA counts one Sector’s meetings, consultations, topics and actions; union only the Union-wide ones', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const s = await sectors()
    await sectorRecords(sec, 'T-1981', s['ITU-T']!, 1981)
    await sectorRecords(sec, 'R-1981', s['ITU-R']!, 1981)
    await sectorRecords(sec, 'U-1981', null, 1981)
    const period = { from: '1981-01-01', to: '1981-12-31' }
    const asOf = at('1982-01-01')

    const r = await wtsaReport(h.db, sec.actor, { ...period, sector: 'itu-r' }, 'en', asOf)
    assert.match(r.header.title, /\(ITU-R\)$/, 'the title says which Sector')
    assert.equal(r.header.sector, 'ITU-R — Radiocommunication Sector')
    assert.deepEqual(
      table(r, 'meetings').rows.map((x) => x[0]),
      ['Meeting R-1981'],
    )
    assert.deepEqual(
      table(r, 'consultations').rows.map((x) => x[0]),
      ['Consultation R-1981'],
    )
    assert.deepEqual(
      table(r, 'topics').rows.map((x) => x[0]),
      ['Topic R-1981'],
    )
    assert.deepEqual(
      table(r, 'follow_up_by_body').rows.map((x) => x[1]),
      [1],
      'one action created, the ITU-R one',
    )
    assert.doesNotMatch(text(r), /T-1981|U-1981/, 'nothing of another Sector')

    const union = await wtsaReport(h.db, sec.actor, { ...period, sector: 'union' }, 'en', asOf)
    assert.match(union.header.title, /\(Union-wide\)$/)
    assert.equal(union.header.sector, 'Union-wide')
    assert.deepEqual(
      table(union, 'meetings').rows.map((x) => x[0]),
      ['Meeting U-1981'],
    )
    assert.deepEqual(
      table(union, 'topics').rows.map((x) => x[0]),
      ['Topic U-1981'],
    )
    assert.doesNotMatch(text(union), /T-1981|R-1981/)

    const all = await wtsaReport(h.db, sec.actor, period, 'en', asOf)
    assert.equal(all.header.sector, 'All Sectors')
    assert.doesNotMatch(all.header.title, /\(/, 'a report on every Sector keeps its plain title')
    assert.equal(table(all, 'meetings').rows.length, 3)
    assert.equal(table(all, 'consultations').rows.length, 3)
    // ITU-R has no action plan of its own: the report says so rather than showing another Sector's.
    assert.match(
      text(r),
      /no current action plan for what this report covers \(ITU-R — Radiocommunication Sector\)/,
    )
    assert.ok(!reportTables(r).some((t) => t.id === 'plan_items' || t.id === 'scorecard'))

    await assert.rejects(
      wtsaReport(h.db, sec.actor, { ...period, sector: 'ITU-X' }, 'en', asOf),
      (e: { code?: string }) => e.code === 'VALIDATION_FAILED',
    )
  })

  test('the follow-up report lists one Sector’s actions and topic moves only', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const s = await sectors()
    await sectorRecords(sec, 'T-1982', s['ITU-T']!, 1982)
    await sectorRecords(sec, 'D-1982', s['ITU-D']!, 1982)
    await sectorRecords(sec, 'U-1982', null, 1982)
    const period = { from: '1982-01-01', to: '1982-12-31' }
    const asOf = at('1982-06-30')
    const d = await followUpReport(h.db, sec.actor, { ...period, sector: 'ITU-D' }, 'en', asOf)
    assert.match(d.header.title, /\(ITU-D\)$/)
    const listed = reportTables(d)
      .filter((t) => t.id.startsWith('body_'))
      .flatMap((t) => t.rows.map((x) => x[0]))
    assert.deepEqual(listed, ['Action D-1982'])
    assert.deepEqual(
      table(d, 'topics_moved').rows.map((x) => x[0]),
      ['Topic D-1982'],
    )
    const union = await followUpReport(h.db, sec.actor, { ...period, sector: 'union' }, 'en', asOf)
    assert.deepEqual(
      table(union, 'topics_moved').rows.map((x) => x[0]),
      ['Topic U-1982'],
    )
    assert.doesNotMatch(text(union), /T-1982|D-1982/)
    const all = await followUpReport(h.db, sec.actor, period, 'en', asOf)
    assert.equal(table(all, 'topics_moved').rows.length, 3)
  })
})

describe('requesting reports by Sector and addressed to bodies', () => {
  const countJobs = async () =>
    Number(
      (
        await h.db
          .selectFrom('report_job')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  test('a secretariat limited to a Sector is refused another Sector’s or a Union-wide report, and nothing is stored', async () => {
    const s = await sectors()
    const limited = await h.user([{ role: 'secretariat', sectorId: s['ITU-R']! }])
    const base = { kind: 'follow-up', from: '1983-01-01', to: '1983-12-31', lang: 'en' }
    const before = await countJobs()
    const refused: Record<string, string>[] = [
      { sector: 'ITU-T' },
      { sector: 'union' },
      { sector: 'ITU-R', addressedTo: 'TSAG' },
    ]
    for (const extra of refused) {
      const res = await h.request('/reports', { method: 'POST', as: limited, form: { ...base, ...extra } })
      assert.equal(res.status, 403, JSON.stringify(extra))
    }
    const api = await h.request('/api/v1/reports', {
      method: 'POST',
      as: limited,
      json: { ...base, sector: 'ITU-T' },
    })
    assert.equal(api.status, 403)
    assert.equal(((await api.json()) as { code: string }).code, 'SECTOR_OUT_OF_SCOPE')
    assert.equal(await countJobs(), before, 'nothing stored')

    // Their own Sector, by name or by default, addressed to their advisory group or to the Council.
    const own = await h.request('/reports', {
      method: 'POST',
      as: limited,
      form: { ...base, addressedTo: await bodyId('RAG') },
    })
    assert.equal(own.status, 303)
    const jobId = own.headers.get('location')!.split('/').at(-1)!
    const job = await h.db
      .selectFrom('report_job')
      .select(['sector_id', 'addressed_to_body_id', 'params'])
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow()
    assert.equal(job.sector_id, s['ITU-R'])
    assert.equal(job.addressed_to_body_id, await bodyId('RAG'))
    assert.deepEqual(job.params, {
      from: '1983-01-01',
      to: '1983-12-31',
      sector: 'ITU-R',
      addressedTo: await bodyId('RAG'),
    })
    const council = await h.request('/reports', {
      method: 'POST',
      as: limited,
      form: { ...base, sector: 'ITU-R', addressedTo: 'Council' },
    })
    assert.equal(council.status, 303)

    // A report of another Sector, generated by an unlimited secretariat, cannot be issued by them.
    const sec = await h.user([{ role: 'secretariat' }])
    const other = await h.request('/reports', {
      method: 'POST',
      as: sec,
      form: { ...base, sector: 'ITU-T' },
    })
    const otherId = other.headers.get('location')!.split('/').at(-1)!
    await runReportJobs(h.db)
    const issued = await h.request(`/reports/jobs/${otherId}/issue`, {
      method: 'POST',
      as: limited,
      form: { documentNumber: 'R-1983-1' },
    })
    assert.equal(issued.status, 403)
    const stored = await h.db
      .selectFrom('report_issue')
      .select('id')
      .where('document_number', '=', 'R-1983-1')
      .execute()
    assert.equal(stored.length, 0)
    // The form offers them their own Sector only.
    const page = await (await h.request('/reports', { as: limited })).text()
    const form = page.slice(
      page.indexOf('name="sector"'),
      page.indexOf('</select>', page.indexOf('name="sector"')),
    )
    assert.match(form, /<option value="ITU-R"/)
    assert.doesNotMatch(form, /ITU-T|union|All Sectors/)
  })

  test('addressed to a body: stored, named in the header as on the report’s date, listed, filtered, and refused outside the body’s dates', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const s = await sectors()
    // A study group of one study period, renamed during it.
    const sg = await h.db
      .insertInto('org_body')
      .values({ sector_id: s['ITU-T']!, kind: 'study_group', starts_on: '2022-03-01', ends_on: '2024-10-31' })
      .returning('id')
      .executeTakeFirstOrThrow()
    await h.db
      .insertInto('org_body_name')
      .values([
        { body_id: sg.id, valid_from: '2022-03-01', code: 'SG9Z', names: JSON.stringify({ en: 'Old Nine' }) },
        { body_id: sg.id, valid_from: '2024-01-01', code: 'SG9Y', names: JSON.stringify({ en: 'New Nine' }) },
      ])
      .execute()
    const base = { kind: 'follow-up', from: '2023-01-01', to: '2023-06-30', lang: 'en' }
    const before = await countJobs()

    // On a day the study group did not exist: refused with its dates, nothing stored.
    const refused = await h.request('/reports', {
      method: 'POST',
      as: sec,
      form: { ...base, asOf: '2025-06-01', addressedTo: sg.id },
    })
    assert.equal(refused.status, 422)
    const page = await refused.text()
    assert.match(page, /existed only from Mar 1, 2022 to Oct 31, 2024, not on Jun 1, 2025/)
    const api = await h.request('/api/v1/reports', {
      method: 'POST',
      as: sec,
      json: { ...base, asOf: '2025-06-01', addressedTo: 'SG9Y' },
    })
    assert.equal(api.status, 422)
    const problem = (await api.json()) as { code: string; details: Record<string, string> }
    assert.equal(problem.code, 'BODY_NOT_IN_PERIOD')
    assert.equal(problem.details.startsOn, '2022-03-01')
    assert.equal(problem.details.endsOn, '2024-10-31')
    const unknown = await h.request('/api/v1/reports', {
      method: 'POST',
      as: sec,
      json: { ...base, addressedTo: 'No such body' },
    })
    assert.equal(unknown.status, 422)
    assert.deepEqual(((await unknown.json()) as { errors: unknown }).errors, {
      addressedTo: ['report_addressee_unknown'],
    })
    assert.equal(await countJobs(), before, 'nothing stored')

    // Within its dates: addressed, named as it was on the report's date.
    const ok = await h.request('/reports', {
      method: 'POST',
      as: sec,
      form: { ...base, asOf: '2023-07-01', addressedTo: sg.id, sector: 'ITU-T' },
    })
    assert.equal(ok.status, 303)
    const jobId = ok.headers.get('location')!.split('/').at(-1)!
    await runReportJobs(h.db)
    const jobPage = await (await h.request(`/reports/jobs/${jobId}`, { as: sec })).text()
    assert.match(jobPage, /<th scope="row">Addressed to<\/th><td>Old Nine \(SG9Z\)<\/td>/)
    assert.match(jobPage, /<th scope="row">Sector<\/th><td>ITU-T — Telecommunication Standardization Sector/)
    assert.match(jobPage, /Follow-up report to SG9Z, Jan 1, 2023 – Jun 30, 2023 \(ITU-T\)/)
    const docx = await h.request(`/reports/jobs/${jobId}/download?format=docx`, { as: sec })
    const xml = strFromU8(unzipSync(new Uint8Array(await docx.arrayBuffer()))['word/document.xml']!)
    assert.match(xml, /Addressed to/)
    assert.match(xml, /Old Nine \(SG9Z\)/)

    const issued = await h.request(`/reports/jobs/${jobId}/issue`, {
      method: 'POST',
      as: sec,
      form: { documentNumber: 'SG9-2023-1' },
    })
    assert.equal(issued.status, 303)
    // Another issued report, addressed to no one, is not among the study group's.
    const plain = await h.request('/reports', { method: 'POST', as: sec, form: base })
    const plainId = plain.headers.get('location')!.split('/').at(-1)!
    await runReportJobs(h.db)
    await h.request(`/reports/jobs/${plainId}/issue`, {
      method: 'POST',
      as: sec,
      form: { documentNumber: 'PLAIN-2023-1' },
    })

    const row = await h.db
      .selectFrom('report_issue')
      .select(['addressed_to_body_id', 'sector_id'])
      .where('document_number', '=', 'SG9-2023-1')
      .executeTakeFirstOrThrow()
    assert.deepEqual(row, { addressed_to_body_id: sg.id, sector_id: s['ITU-T'] })
    const list = await (await h.request(`/reports?body=${sg.id}`, { as: sec })).text()
    assert.match(list, /SG9-2023-1/)
    assert.doesNotMatch(list, /PLAIN-2023-1/)
    assert.match(list, /<td>Old Nine \(SG9Z\)<\/td>/)
    const mine = await listIssues(h.db, sec.actor, { body: sg.id, page: 1, pageSize: 20 })
    assert.deepEqual(
      mine.items.map((i) => [i.documentNumber, i.addressedTo?.code, i.sector]),
      [['SG9-2023-1', 'SG9Z', 'ITU-T']],
    )
    const openapi = (await (await h.request('/api/openapi.json')).json()) as {
      paths: Record<string, unknown>
    }
    assert.ok(openapi.paths['/api/v1/reports'] && openapi.paths['/api/v1/reports/issued'], 'documented')
    const byApi = await h.request(`/api/v1/reports/issued?body=${sg.id}`, { as: sec })
    assert.equal(byApi.status, 200)
    const listed = (await byApi.json()) as {
      items: { documentNumber: string; addressedTo: { name: string } }[]
      total: number
    }
    assert.equal(listed.total, 1)
    assert.equal(listed.items[0]!.addressedTo.name, 'Old Nine (SG9Z)')
    // Filtered by Sector: the ITU-T report is there, the one on every Sector is not.
    const itut = await listIssues(h.db, sec.actor, { sectorId: s['ITU-T']!, page: 1, pageSize: 200 })
    assert.ok(itut.items.some((i) => i.documentNumber === 'SG9-2023-1'))
    assert.ok(!itut.items.some((i) => i.documentNumber === 'PLAIN-2023-1'))
    // The same access rule as the list: a member representative may not see them.
    const rep = await h.user([
      { role: 'member_representative', organizationId: (await buildOrganization(h.db)).id },
    ])
    await assert.rejects(listIssues(h.db, rep.actor, { body: sg.id, page: 1, pageSize: 20 }))
    assert.equal((await h.request(`/api/v1/reports/issued?body=${sg.id}`, { as: rep })).status, 403)
  })
})

describe('the Industry Advisory Panel’s report to Council', () => {
  async function panelFixture() {
    const sec = await h.user([{ role: 'secretariat' }])
    const council = await bodyId('Council')
    const tsag = await bodyId('TSAG')
    const panel = await h.db
      .insertInto('advisory_panel')
      .values({
        code: 'IAP-2001',
        names: JSON.stringify({ en: 'Industry Advisory Panel', fr: 'Groupe consultatif de l’industrie' }),
        sector_id: null,
        reports_to_body_id: council,
        term_starts_on: '2001-01-01',
        term_ends_on: '2002-12-31',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const org = await buildOrganization(h.db, { name: 'Quantum Telecom 2001', country_code: 'KE' })
    const org2 = await buildOrganization(h.db, { name: 'Private Networks 2001', country_code: 'FR' })
    const consenting = await h.db
      .insertInto('person')
      .values({
        name: 'Amina Public 2001',
        organization_id: org.id,
        seniority: 'c_level',
        public_consent: true,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const hidden = await h.db
      .insertInto('person')
      .values({ name: 'Hidden Person 2001', organization_id: org2.id, seniority: 'c_level' })
      .returning('id')
      .executeTakeFirstOrThrow()
    const principal = await h.db
      .insertInto('advisory_panel_member')
      .values({ panel_id: panel.id, person_id: consenting.id, role: 'principal', starts_on: '2001-01-01' })
      .returning('id')
      .executeTakeFirstOrThrow()
    await h.db
      .insertInto('advisory_panel_member')
      .values({
        panel_id: panel.id,
        person_id: hidden.id,
        role: 'alternate',
        alternate_for: principal.id,
        starts_on: '2001-02-01',
      })
      .execute()
    const meeting = await buildMeeting(h.db, {
      status: 'concluded',
      kind: 'advisory_panel',
      starts_at: at('2001-05-10T08:00:00Z'),
    })
    await h.db
      .updateTable('meeting')
      .set({ panel_id: panel.id, titles: JSON.stringify({ en: 'Panel meeting May 2001' }) })
      .where('id', '=', meeting.id)
      .execute()
    const advice = async (v: {
      number: number
      text: string
      body: string | null
      addressedTo: string
      status: string
      due?: string
      response?: string
      respondedOn?: string
      actionTaken?: string
    }) =>
      h.db
        .insertInto('advisory_panel_advice')
        .values({
          panel_id: panel.id,
          number: v.number,
          meeting_id: meeting.id,
          given_on: '2001-05-10',
          advice: JSON.stringify({ en: v.text }),
          addressed_to_body_id: v.body,
          addressed_to: v.addressedTo,
          status: v.status,
          due_date: v.due ?? null,
          response: v.response ?? null,
          responded_on: v.respondedOn ?? null,
          action_taken: v.actionTaken ?? null,
          created_at: at('2001-05-10T18:00:00Z'),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    const first = await advice({
      number: 1,
      text: 'Open the study groups to start-ups at a reduced fee',
      body: council,
      addressedTo: 'Council',
      status: 'implemented',
      due: '2001-12-31',
      response: 'Council agreed to a pilot fee',
      respondedOn: '2001-09-15',
      actionTaken: 'Pilot fee category created in 2002',
    })
    await h.db
      .insertInto('advisory_panel_advice_update')
      .values([
        {
          advice_id: first.id,
          status: 'accepted',
          note: 'Accepted by Council',
          author_label: 'Secretariat',
          created_at: at('2001-09-15T10:00:00Z'),
        },
        {
          advice_id: first.id,
          status: 'implemented',
          note: 'Fee category in force',
          author_label: 'Secretariat',
          created_at: at('2002-02-01T10:00:00Z'),
        },
      ])
      .execute()
    await advice({
      number: 2,
      text: 'Hold an executive round table on quantum networks',
      body: tsag,
      addressedTo: 'TSAG',
      // Still awaiting TSAG's response when it was due: overdue (an answered item is not).
      status: 'under_consideration',
      due: '2002-03-31',
    })
    await advice({
      number: 3,
      text: 'Publish a yearly industry outlook',
      body: null,
      addressedTo: 'CTO group',
      status: 'given',
    })
    return { sec, panel, council }
  }

  test('members, meetings, advice with its outcome, summaries and overdue items, in HTML, DOCX and CSV', async () => {
    const { sec, panel } = await panelFixture()
    const { panelReport } = await import('./panel-report.ts')
    const r = await panelReport(h.db, sec.actor, { panelId: panel.id }, 'en', at('2002-06-30T12:00:00Z'))
    assert.equal(
      r.header.title,
      'Report of the Industry Advisory Panel to the ITU Council, Jan 1, 2001 – Dec 31, 2002',
    )
    assert.equal(
      r.header.addressedTo,
      'ITU Council (Council)',
      'by default, to the body the panel reports to',
    )
    assert.equal(r.header.sector, 'Union-wide')
    assert.deepEqual(r.params, {
      panelId: panel.id,
      from: '2001-01-01',
      to: '2002-12-31',
      addressedTo: await bodyId('Council'),
    })

    // Members by organization; a name only with consent.
    const members = table(r, 'members')
    assert.deepEqual(
      members.rows.map((x) => [x[0], x[2], x[4]]),
      [
        ['Private Networks 2001', 'Alternate', 'Not published'],
        ['Quantum Telecom 2001', 'Principal', 'Amina Public 2001'],
      ],
    )
    assert.equal(members.rows[0]![3], 'Quantum Telecom 2001, Amina Public 2001')
    assert.doesNotMatch(text(r), /Hidden Person 2001/)

    assert.deepEqual(
      table(r, 'meetings').rows.map((x) => [x[0], x[5]]),
      [['Panel meeting May 2001', 3]],
    )
    const items = table(r, 'advice')
    assert.deepEqual(
      items.rows.map((x) => [x[0], x[3], x[4]]),
      [
        [1, 'Council', 'Implemented'],
        [2, 'TSAG', 'Under consideration, overdue since Mar 31, 2002'],
        [3, 'CTO group', 'Given'],
      ],
    )
    assert.equal(items.rows[0]![5], 'Council agreed to a pilot fee (Sep 15, 2001)')
    assert.equal(items.rows[0]![6], 'Pilot fee category created in 2002')
    assert.deepEqual(
      table(r, 'overdue').rows.map((x) => x[0]),
      [2],
    )
    assert.deepEqual(
      table(r, 'advice_by_status').rows.map((x) => [x[0], x[1]]),
      [
        ['Given', 1],
        ['Under consideration', 1],
        ['Accepted', 0],
        ['Partly accepted', 0],
        ['Not accepted', 0],
        ['Implemented', 1],
      ],
    )
    assert.deepEqual(
      table(r, 'advice_by_body').rows.map((x) => [x[0], x[1], x[6]]),
      [
        ['CTO group', 1, 0],
        ['ITU Council (Council)', 1, 0],
        ['Telecommunication Standardization Advisory Group (TSAG)', 1, 1],
      ],
    )
    assert.ok(r.blocks.some((b) => b.kind === 'chart' && b.svg?.startsWith('<svg')))
    assert.ok(
      r.blocks.some((b) => b.kind === 'notice' && /1 open advice item is past its due date/.test(b.text)),
    )
    assert.deepEqual(
      table(r, 'advice_updates').rows.map((x) => [x[0], x[2], x[3]]),
      [
        [1, 'Accepted', 'Accepted by Council'],
        [1, 'Implemented', 'Fee category in force'],
      ],
    )

    // As it stood before the last update: accepted, not yet implemented.
    const earlier = await panelReport(
      h.db,
      sec.actor,
      { panelId: panel.id },
      'en',
      at('2001-12-01T00:00:00Z'),
    )
    // Answered: its response due date no longer counts; what was done came later, so it is not shown yet.
    assert.equal(table(earlier, 'advice').rows[0]![4], 'Accepted')
    assert.equal(
      table(earlier, 'advice').rows[0]![6],
      'Accepted by Council',
      'the latest note, not what was done later',
    )

    // The formats.
    const html = reportBodyHtml(r)
    assert.match(html, /<th scope="row">Addressed to<\/th><td>ITU Council \(Council\)<\/td>/)
    assert.match(html, /Open the study groups to start-ups at a reduced fee/)
    assert.match(html, /Pilot fee category created in 2002/)
    const xml = strFromU8(unzipSync(new Uint8Array(await reportDocx(r)))['word/document.xml']!)
    assert.match(xml, /Open the study groups to start-ups at a reduced fee/)
    assert.match(xml, /Council agreed to a pilot fee/)
    assert.match(xml, /Pilot fee category created in 2002/)
    assert.match(xml, /Under consideration, overdue since Mar 31, 2002/)
    const csv = reportCsv(r, 'advice')!
    assert.match(csv, /Open the study groups to start-ups at a reduced fee/)
    assert.match(csv, /Council agreed to a pilot fee \(Sep 15, 2001\)/)
    assert.match(csv, /Pilot fee category created in 2002/)
    assert.match(csv, /Under consideration, overdue since Mar 31, 2002/)
  })

  test('requested from the reports page, generated, downloaded and issued to the Council', async () => {
    const { sec, panel, council } = await panelFixture2()
    const page = await (await h.request('/reports', { as: sec })).text()
    assert.match(page, /Industry Advisory Panel — report to Council/)
    assert.match(page, new RegExp(`<option value="${panel.id}"`))
    const missing = await h.request('/reports', {
      method: 'POST',
      as: sec,
      form: { kind: 'panel', lang: 'en' },
    })
    assert.equal(missing.status, 422)
    const res = await h.request('/reports', {
      method: 'POST',
      as: sec,
      form: { kind: 'panel', panelId: panel.id, lang: 'fr', asOf: '2004-01-01' },
    })
    assert.equal(res.status, 303, 'report_job.kind must accept panel (its CHECK constraint, migration 0013)')
    const jobId = res.headers.get('location')!.split('/').at(-1)!
    const stored = await h.db
      .selectFrom('report_job')
      .select(['addressed_to_body_id', 'sector_id', 'params'])
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow()
    assert.equal(stored.addressed_to_body_id, council)
    assert.equal(stored.sector_id, null)
    assert.deepEqual(stored.params, {
      panelId: panel.id,
      from: '2003-01-01',
      to: '2003-12-31',
      addressedTo: council,
    })
    await runReportJobs(h.db)
    const csv = await (
      await h.request(`/reports/jobs/${jobId}/download?format=csv&table=advice`, { as: sec })
    ).text()
    assert.match(csv, /Créer un guichet/, 'the advice in French')
    assert.match(csv, /Mis en œuvre/)
    const issued = await h.request(`/reports/jobs/${jobId}/issue`, {
      method: 'POST',
      as: sec,
      form: { documentNumber: 'C92/IAP' },
    })
    assert.equal(issued.status, 303)
    const toCouncil = await listIssues(h.db, sec.actor, { body: council, page: 1, pageSize: 20 })
    const mine = toCouncil.items.find((i) => i.documentNumber === 'C92/IAP')
    assert.ok(mine)
    assert.equal(mine.kind, 'panel')
    assert.equal(mine.addressedTo?.name, 'Conseil de l’UIT (Council)'.replace('’', "'"))
  })

  async function panelFixture2() {
    const sec = await h.user([{ role: 'secretariat' }])
    const council = await bodyId('Council')
    const panel = await h.db
      .insertInto('advisory_panel')
      .values({
        code: 'IAP-2003',
        names: JSON.stringify({ en: 'Industry Advisory Panel 2003', fr: 'Groupe consultatif 2003' }),
        reports_to_body_id: council,
        term_starts_on: '2003-01-01',
        term_ends_on: '2003-12-31',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await h.db
      .insertInto('advisory_panel_advice')
      .values({
        panel_id: panel.id,
        number: 1,
        given_on: '2003-03-01',
        advice: JSON.stringify({
          en: 'Create a start-up desk',
          fr: 'Créer un guichet pour les jeunes pousses',
        }),
        addressed_to_body_id: council,
        addressed_to: 'Council',
        status: 'implemented',
        action_taken: 'Desk opened',
        created_at: at('2003-03-01T12:00:00Z'),
      })
      .execute()
    return { sec, panel, council }
  }
})
