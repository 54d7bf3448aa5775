import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { strFromU8, unzipSync } from 'fflate'
import { buildGroup, buildMeeting, buildOrganization, buildPerson } from '../testing/factories.ts'
import { type TestUser, useHarness } from '../testing/harness.ts'
import { followUpReport } from './follow-up-report.ts'
import { type Block, type Report, reportTables } from './model.ts'
import { checksumOf, compareReports, runReportJobs } from './reports.service.ts'
import { communique, workshopReport } from './workshop-report.ts'
import { wtsaReport } from './wtsa-report.ts'

const h = useHarness()

// Each test works in its own years, so the records of one never fall in another's period.
const at = (iso: string) => new Date(iso)

async function attend(meetingId: string, country: string, as: 'principal' | 'alternate' | 'substitute') {
  const org = await buildOrganization(h.db, { country_code: country })
  const person = await buildPerson(h.db, { organization_id: org.id })
  await attendAs(meetingId, org.id, person.id, as)
  return org
}

async function attendAs(meetingId: string, organizationId: string, personId: string | null, as: string) {
  await h.db
    .insertInto('meeting_attendance')
    .values({
      meeting_id: meetingId,
      organization_id: organizationId,
      person_id: personId,
      attended_as: as,
      captured_by: 'list',
    })
    .execute()
}

async function topic(title: string, titles: Record<string, string> = { en: title }) {
  return h.db
    .insertInto('topic')
    .values({ titles: JSON.stringify(titles), source: 'secretariat' })
    .returning('id')
    .executeTakeFirstOrThrow()
}

async function move(
  topicId: string,
  from: string,
  to: string,
  when: string,
  meetingId: string | null = null,
) {
  await h.db
    .insertInto('topic_event')
    .values({
      topic_id: topicId,
      kind: 'transition',
      from_state: from,
      to_state: to,
      at: at(when),
      meeting_id: meetingId,
      reason: `moved to ${to}`,
      by_label: 'test',
    })
    .execute()
}

async function conclusion(
  meetingId: string,
  topicId: string | null,
  text: string,
  when: string,
  type = 'recommendation',
) {
  return h.db
    .insertInto('conclusion')
    .values({
      meeting_id: meetingId,
      topic_id: topicId,
      texts: JSON.stringify({ en: text }),
      type,
      created_at: at(when),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
}

/** An action with its history: [when, status_to, note, evidence] after the creation update. */
async function action(
  user: TestUser,
  conclusionId: string,
  o: {
    what: string
    body: string
    due: string
    created: string
    updates?: [string, string | null, string, string][]
  },
) {
  const updates = o.updates ?? []
  const last = updates.filter((u) => u[1]).at(-1)?.[1] ?? 'open'
  const row = await h.db
    .insertInto('follow_up_action')
    .values({
      conclusion_id: conclusionId,
      what: JSON.stringify({ en: o.what }),
      owner_body: o.body,
      responsible_user_id: user.userId,
      due_date: o.due,
      status: last,
      created_at: at(o.created),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await h.db
    .insertInto('action_update')
    .values([
      { action_id: row.id, at: at(o.created), by_label: 'test', status_to: 'open' },
      ...updates.map(([when, status, note, evidence]) => ({
        action_id: row.id,
        at: at(when),
        by_label: 'test',
        status_to: status,
        note,
        evidence,
      })),
    ])
    .execute()
  return row
}

const table = (r: Report, id: string) => {
  const t = reportTables(r).find((x) => x.id === id)
  assert.ok(t, `table ${id}`)
  return t
}
const facts = (r: Report) =>
  Object.fromEntries((r.blocks.find((b) => b.kind === 'facts') as { rows: [string, string][] }).rows)
const text = (r: Report) => JSON.stringify(r.blocks)

describe('follow-up report to TSAG', () => {
  test('actions open at the date or closed in the period, by body, overdue first, as they stood then', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const m = await buildMeeting(h.db, { status: 'concluded', starts_at: at('1981-03-10T08:00:00Z') })
    const c = await conclusion(m.id, null, 'Conclusion 1981', '1981-03-10T17:00:00Z')
    await action(sec, c.id, {
      what: 'Late SG13 work',
      body: 'SG13',
      due: '1981-06-30',
      created: '1981-03-10T17:00:00Z',
    })
    await action(sec, c.id, {
      what: 'SG13 on time',
      body: 'SG13',
      due: '1982-12-31',
      created: '1981-03-10T17:00:00Z',
      updates: [['1981-05-01T10:00:00Z', 'in_progress', 'Draft ready', 'TD 12']],
    })
    await action(sec, c.id, {
      what: 'SG17 done in period',
      body: 'SG17',
      due: '1981-09-30',
      created: '1981-03-10T17:00:00Z',
      updates: [['1981-08-01T10:00:00Z', 'done', 'Approved', 'https://example.org/x']],
    })
    await action(sec, c.id, {
      what: 'SG17 done before the period',
      body: 'SG17',
      due: '1981-04-30',
      created: '1981-03-10T17:00:00Z',
      updates: [['1981-04-01T10:00:00Z', 'done', '', '']],
    })
    // Closed after the report's date: as of then it was still open (and overdue).
    await action(sec, c.id, {
      what: 'TSB closed later',
      body: 'TSB',
      due: '1981-07-31',
      created: '1981-03-10T17:00:00Z',
      updates: [['1982-02-01T10:00:00Z', 'done', 'Finally', '']],
    })
    const t = await topic('Moved topic 1981')
    await move(t.id, 'proposed', 'shortlisted', '1981-02-01T00:00:00Z')
    await move(t.id, 'shortlisted', 'on_agenda', '1981-06-01T00:00:00Z', m.id)

    const report = await followUpReport(
      h.db,
      sec.actor,
      { from: '1981-06-01', to: '1981-12-31' },
      'en',
      at('1981-12-31T23:59:59Z'),
    )
    const f = facts(report)
    assert.equal(f.Open, '2')
    assert.equal(f['In progress'], '1')
    assert.equal(f.Overdue, '2')
    assert.equal(f['Done during the period'], '1')
    assert.deepEqual(
      table(report, 'overdue').rows.map((r) => r[1]),
      ['Late SG13 work', 'TSB closed later'],
    )
    assert.deepEqual(
      table(report, 'body_sg13').rows.map((r) => [r[0], r[4], r[5], r[6]]),
      [
        ['Late SG13 work', 'Open, overdue', '', ''],
        ['SG13 on time', 'In progress', 'Draft ready', 'TD 12'],
      ],
    )
    assert.deepEqual(
      table(report, 'body_sg17').rows.map((r) => r[0]),
      ['SG17 done in period'],
      'the action closed before the period is not listed',
    )
    assert.deepEqual(
      table(report, 'topics_moved').rows.map((r) => [r[0], r[1], r[2]]),
      [['Moved topic 1981', 'Shortlisted', 'On an agenda']],
    )
    assert.ok(
      report.blocks.some((b) => b.kind === 'chart' && b.svg),
      'the chart of open actions by body',
    )
  })

  test('an empty period is a valid report that says there is nothing', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const report = await followUpReport(
      h.db,
      sec.actor,
      { from: '1950-01-01', to: '1950-12-31' },
      'fr',
      at('1950-12-31'),
    )
    assert.ok(report.blocks.some((b) => b.kind === 'notice'))
    assert.ok(reportTables(report).every((t) => t.rows.length === 0 && t.empty))
  })
})

describe('report to WTSA', () => {
  async function fixture() {
    const sec = await h.user([{ role: 'secretariat' }])
    const group = await buildGroup(h.db, { kind: 'cto_group', names: { en: 'CTO group 1991' } })
    const m1 = await buildMeeting(h.db, {
      status: 'concluded',
      starts_at: at('1991-03-10T08:00:00Z'),
      group_id: group.id,
    })
    const m2 = await buildMeeting(h.db, {
      status: 'concluded',
      starts_at: at('1992-03-10T08:00:00Z'),
      group_id: group.id,
    })
    const w = await buildMeeting(h.db, {
      status: 'concluded',
      starts_at: at('1992-09-10T08:00:00Z'),
      kind: 'workshop',
    })
    // 1991: two developing (KE, SN) and two developed (FR, DE) organizations; 1992: KE and FR return.
    const ke = await attend(m1.id, 'KE', 'principal')
    await attend(m1.id, 'SN', 'alternate')
    const fr = await attend(m1.id, 'FR', 'principal')
    await attend(m1.id, 'DE', 'substitute')
    await attendAs(m2.id, ke.id, null, 'principal')
    await attendAs(m2.id, fr.id, null, 'substitute')
    await attend(m2.id, 'JP', 'principal')
    await h.db
      .insertInto('group_membership')
      .values([
        { group_id: group.id, organization_id: ke.id, start_date: '1990-01-01' },
        { group_id: group.id, organization_id: fr.id, start_date: '1990-01-01', end_date: '1992-06-30' },
      ])
      .execute()
    // A consultation before the first meeting only.
    const cons = await h.db
      .insertInto('consultation')
      .values({
        titles: JSON.stringify({ en: 'Before 1991' }),
        purpose: 'pre_meeting_developing_countries',
        meeting_id: m1.id,
        audience: JSON.stringify({}),
        opens_at: at('1991-01-10T00:00:00Z'),
        closes_at: at('1991-02-10T00:00:00Z'),
        confidentiality: 'secretariat',
        status: 'closed',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const targets = await h.db
      .insertInto('consultation_target')
      .values([
        { consultation_id: cons.id, country_code: 'KE' },
        { consultation_id: cons.id, country_code: 'SN' },
      ])
      .returning('id')
      .execute()
    await h.db
      .insertInto('consultation_response')
      .values({
        consultation_id: cons.id,
        target_id: targets[0]!.id,
        questionnaire_version: 1,
        answers: JSON.stringify({}),
        state: 'submitted',
        submitted_at: at('1991-02-01T00:00:00Z'),
      })
      .execute()
    // Topics: one reaches a work item in the period, one is only discussed.
    const t1 = await topic('Quantum 1991', { en: 'Quantum 1991' })
    const t2 = await topic('Twins 1991', { en: 'Twins 1991', fr: 'Jumeaux 1991' })
    await move(t1.id, 'proposed', 'on_agenda', '1990-06-01T00:00:00Z')
    await move(t1.id, 'on_agenda', 'discussed', '1991-03-10T12:00:00Z', m1.id)
    await move(t1.id, 'discussed', 'work_item', '1992-03-10T12:00:00Z', m2.id)
    const c1 = await conclusion(m1.id, t1.id, 'Quantum matters', '1991-03-10T17:00:00Z')
    await conclusion(m2.id, t2.id, 'Twins too', '1992-03-10T17:00:00Z', 'observation')
    const cw = await conclusion(w.id, null, 'Workshop point', '1992-09-10T17:00:00Z')
    await action(sec, c1.id, {
      what: 'Done one',
      body: 'SG17',
      due: '1991-12-31',
      created: '1991-03-10T17:00:00Z',
      updates: [['1991-10-01T00:00:00Z', 'done', 'ok', 'TD 1']],
    })
    await action(sec, c1.id, {
      what: 'Overdue one',
      body: 'SG17',
      due: '1992-01-31',
      created: '1991-03-10T17:00:00Z',
    })
    await action(sec, cw.id, {
      what: 'Workshop action',
      body: 'TSB',
      due: '1993-12-31',
      created: '1992-09-10T17:00:00Z',
    })
    return { sec, m1, m2, w }
  }

  test('meetings, trends, retention, coverage, topics, follow-up, workshops and findings from hand-counted records', async () => {
    const { sec } = await fixture()
    const report = await wtsaReport(
      h.db,
      sec.actor,
      { from: '1991-01-01', to: '1992-12-31' },
      'en',
      at('1993-01-31T00:00:00Z'),
    )
    const f = facts(report)
    assert.equal(f['CTO and CxO meetings held'], '2')
    assert.equal(f['Workshops held'], '1')
    assert.equal(f.Organizations, '5')
    assert.equal(table(report, 'meetings').rows.length, 3)
    assert.deepEqual(
      table(report, 'participation_by_year').rows,
      [
        ['1991', 4, 4, '50%', '0%', '100%', '75%'],
        ['1992', 3, 1, '33%', '0%', '100%', '67%'],
      ],
      '1991: 2 of 4 developing, 3 of 4 by principal or alternate; 1992: KE of KE/FR/JP, 2 of 3',
    )
    assert.deepEqual(
      table(report, 'retention').rows.map((r) => [r[3], r[4], r[5]]),
      [
        [4, '—', '75%'],
        [3, '67%', '67%'],
      ],
      'the second meeting: KE and FR came back (2 of 3)',
    )
    assert.deepEqual(table(report, 'composition').rows[0]!.slice(1), [2, 1, '1 (50%)', 0])
    assert.match(
      text(report),
      /1 of 2 executive meetings were preceded by a consultation that closed before them \(50%\)/,
    )
    assert.deepEqual(table(report, 'consultations').rows[0]!.slice(4), ['50% (1/2)', '50% (1/2)'])
    assert.deepEqual(table(report, 'topics').rows, [
      ['Quantum 1991', 'On an agenda', 'Work item', 1],
      ['Twins 1991', 'Proposed', 'Proposed', 1],
    ])
    assert.match(
      text(report),
      /2 topics were discussed or moved in their lifecycle; 1 reached a work item and 0 an approved standard/,
    )
    assert.deepEqual(table(report, 'follow_up_by_body').rows, [
      ['SG17', 2, 1, 0, 1, 1, '50%'],
      ['TSB', 1, 0, 0, 1, 0, '0%'],
    ])
    assert.match(text(report), /Workshop point/)
    // The action plan as it stands, the indicators and the scorecard for the period (tested in plan.int.test.ts).
    for (const id of ['plan_items', 'indicators', 'scorecard']) assert.ok(table(report, id))
    const findings = report.blocks.find(
      (b): b is Extract<Block, { kind: 'findings' }> => b.kind === 'findings',
    )!
    assert.match(
      findings.paragraphs[0]!,
      /2 CTO and CxO meetings and 1 workshops were held, attended by 5 organizations from 5 countries/,
    )
    assert.match(findings.paragraphs.at(-1)!, /continue the process and to enhance it/)
    assert.match(
      findings.paragraphs.at(-1)!,
      /developing countries/,
      'the developing share fell from 50% to 33%',
    )
    assert.match(findings.paragraphs.at(-1)!, /before every meeting/, 'one meeting had no consultation')
  })

  test('a French report says which texts fall back to another language; the DOCX holds headings, tables and charts', async () => {
    const { sec } = await fixture()
    const report = await wtsaReport(
      h.db,
      sec.actor,
      { from: '1991-01-01', to: '1992-12-31' },
      'fr',
      at('1993-01-31'),
    )
    assert.equal(report.blocks[1]!.kind, 'notice')
    // Every title but one French one is English only: meetings, topics, the group, the consultation.
    assert.match((report.blocks[1] as { text: string }).text, /^\d+ .*français/)
    assert.match(text(report), /Jumeaux 1991/)
    const { reportDocx } = await import('./render.ts')
    const files = unzipSync(new Uint8Array(await reportDocx(report)))
    const xml = strFromU8(files['word/document.xml']!)
    assert.match(xml, /<w:pStyle w:val="Heading1"\/>/)
    assert.match(xml, /<w:tbl>/)
    assert.ok(Object.keys(files).filter((f) => f.startsWith('word/media/')).length >= 3, 'charts as images')
  })

  test('the texts counted as shown in another language are those the report shows', async () => {
    // Years of its own (the fixture's records are shared by the tests above).
    const sec = await h.user([{ role: 'secretariat' }])
    const m = await buildMeeting(h.db, { status: 'concluded', starts_at: at('1971-03-10T08:00:00Z') })
    await attend(m.id, 'KE', 'principal')
    const period = { from: '1971-01-01', to: '1971-12-31' }
    const count = async () => {
      const report = await wtsaReport(h.db, sec.actor, period, 'fr', at('1972-01-31'))
      const notice = report.blocks[1]!
      return notice.kind === 'notice' ? Number(/^(\d+)/.exec(notice.text)?.[1]) : 0
    }
    const before = await count()
    assert.ok(before >= 1, 'the meeting title is English only')
    // An action's text is not in the report (its body and status are): it adds no missing translation.
    const c = await conclusion(m.id, null, 'A point 1971', '1971-03-10T18:00:00Z')
    await action(sec, c.id, {
      what: 'Untranslated action 1971',
      body: 'SG17',
      due: '1971-12-31',
      created: '1971-03-11',
    })
    assert.equal(await count(), before)
    // A topic the period's meeting concluded on is shown: one more.
    const t = await topic('Untranslated topic 1971')
    await conclusion(m.id, t.id, 'On the topic 1971', '1971-03-10T18:30:00Z')
    assert.equal(await count(), before + 1)
  })

  test('a report dated inside its period leaves out the group meetings after its date', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const group = await buildGroup(h.db, { kind: 'cto_group', names: { en: 'CTO group 1951' } })
    const m1 = await buildMeeting(h.db, {
      status: 'concluded',
      starts_at: at('1951-03-10T08:00:00Z'),
      group_id: group.id,
    })
    const m2 = await buildMeeting(h.db, {
      status: 'concluded',
      starts_at: at('1952-03-10T08:00:00Z'),
      group_id: group.id,
    })
    const ke = await attend(m1.id, 'KE', 'principal')
    await attendAs(m2.id, ke.id, null, 'principal')
    const report = await wtsaReport(
      h.db,
      sec.actor,
      { from: '1951-01-01', to: '1952-12-31' },
      'en',
      at('1951-12-31T23:59:59Z'),
    )
    assert.equal(table(report, 'meetings').rows.length, 1)
    assert.deepEqual(
      table(report, 'retention').rows.map((r) => [r[3], r[4]]),
      [[1, '—']],
      'the 1952 meeting came after the report date',
    )
  })
})

describe('workshop report and communiqué', () => {
  test('sessions, points and proposed actions; the communiqué names organizations, never people', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const w = await buildMeeting(h.db, {
      status: 'concluded',
      starts_at: at('1971-09-10T08:00:00Z'),
      kind: 'workshop',
    })
    await h.db
      .insertInto('meeting_session')
      .values({
        meeting_id: w.id,
        position: 1,
        titles: JSON.stringify({ en: 'Keynote session' }),
        outline: 'Opening talks',
      })
      .execute()
    const org = await buildOrganization(h.db, { country_code: 'KE', name: 'Kenyan Networks 1971' })
    const person = await buildPerson(h.db, { organization_id: org.id, name: 'Private Person 1971' })
    await attendAs(w.id, org.id, person.id, 'principal')
    const c = await conclusion(w.id, null, 'Raise awareness', '1971-09-10T17:00:00Z')
    await conclusion(w.id, null, 'An observation only', '1971-09-10T17:00:00Z', 'observation')
    await action(sec, c.id, {
      what: 'Circular to members',
      body: 'TSB',
      due: '1971-12-31',
      created: '1971-09-10T17:00:00Z',
    })
    const report = await workshopReport(h.db, sec.actor, w.id, 'en', at('1972-01-01'))
    assert.match(text(report), /Keynote session/)
    assert.match(text(report), /Opening talks/)
    assert.match(text(report), /Recommendation: Raise awareness/)
    assert.deepEqual(
      table(report, 'proposed_actions').rows.map((r) => r[0]),
      ['Circular to members'],
    )
    const note = await communique(h.db, sec.actor, w.id, 'en', at('1972-01-01'))
    assert.match(text(note), /Kenyan Networks 1971/)
    assert.match(text(note), /Raise awareness/)
    assert.doesNotMatch(text(note), /An observation only/, 'only recommendations and decisions')
    assert.doesNotMatch(text(note), /Private Person 1971/)
  })
})

describe('generating, issuing and comparing reports', () => {
  test('queued, generated in the background with progress, findings edited, issued with a checksum, compared', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const m = await buildMeeting(h.db, { status: 'concluded', starts_at: at('1961-03-10T08:00:00Z') })
    await attend(m.id, 'KE', 'principal')

    const bad = await h.request('/reports', {
      method: 'POST',
      as: sec,
      form: { kind: 'wtsa', from: '1962-01-01', to: '1961-01-01', lang: 'en' },
    })
    assert.equal(bad.status, 422)
    assert.match(await bad.text(), /must not be before the start/)
    const missing = await h.request('/reports', {
      method: 'POST',
      as: sec,
      form: { kind: 'meeting', lang: 'en' },
    })
    assert.equal(missing.status, 422)
    assert.equal((await h.db.selectFrom('report_job').select('id').execute()).length, 0, 'nothing was queued')

    const created = await h.request('/reports', {
      method: 'POST',
      as: sec,
      form: { kind: 'wtsa', from: '1961-01-01', to: '1961-12-31', lang: 'en', asOf: '1962-01-31' },
    })
    assert.equal(created.status, 303)
    const jobUrl = created.headers.get('location')!
    const jobId = jobUrl.split('/').at(-1)!
    // The request kicked a runner too; whichever runs it, it ends done.
    await runReportJobs(h.db)
    for (let i = 0; i < 50; i++) {
      const s = (await (await h.request(`${jobUrl}/status`, { as: sec })).json()) as {
        status: string
        progress: number
      }
      if (s.status === 'done') {
        assert.equal(s.progress, 100)
        break
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    const page = await (await h.request(jobUrl, { as: sec })).text()
    assert.match(page, /Report to WTSA on the engagement of industry/)
    assert.match(page, /Findings on whether to continue or enhance the process/)

    const docx = await h.request(`${jobUrl}/download?format=docx`, { as: sec })
    assert.equal(docx.status, 200)
    assert.ok(
      strFromU8(unzipSync(new Uint8Array(await docx.arrayBuffer()))['word/document.xml']!).includes(
        'Heading1',
      ),
    )

    const edited = await h.request(`${jobUrl}/findings`, {
      method: 'POST',
      as: sec,
      form: { findings: 'First finding.\n\nContinue the process.' },
    })
    assert.equal(edited.status, 303)
    const blank = await h.request(`${jobUrl}/findings`, { method: 'POST', as: sec, form: { findings: '  ' } })
    assert.equal(blank.status, 422)

    const noNumber = await h.request(`${jobUrl}/issue`, {
      method: 'POST',
      as: sec,
      form: { documentNumber: ' ' },
    })
    assert.equal(noNumber.status, 422)
    const issued = await h.request(`${jobUrl}/issue`, {
      method: 'POST',
      as: sec,
      form: { documentNumber: 'WTSA-TD 7' },
    })
    assert.equal(issued.status, 303)
    const issueUrl = issued.headers.get('location')!.split('?')[0]!
    const issue = await h.db.selectFrom('report_issue').selectAll().executeTakeFirstOrThrow()
    const model = issue.model as Report
    assert.equal(model.header.documentNumber, 'WTSA-TD 7')
    assert.equal(checksumOf(model), issue.checksum)
    assert.deepEqual(
      (model.blocks.find((b) => b.kind === 'findings') as { paragraphs: string[] }).paragraphs,
      ['First finding.', 'Continue the process.'],
    )
    const issuedPage = await (await h.request(issueUrl, { as: sec })).text()
    assert.match(issuedPage, /matches the stored report/)
    assert.match(await (await h.request('/reports', { as: sec })).text(), /WTSA-TD 7/)
    const audit = await h.db
      .selectFrom('audit_log')
      .select('entity_type')
      .where('entity_type', 'in', ['report_job', 'report_issue'])
      .execute()
    assert.equal(audit.length, 3, 'requested, findings edited, issued')

    // A later draft, after another organization's attendance is recorded, differs from the issued version.
    await attend(m.id, 'FR', 'principal')
    const again = await h.request('/reports', {
      method: 'POST',
      as: sec,
      form: { kind: 'wtsa', from: '1961-01-01', to: '1961-12-31', lang: 'en', asOf: '1962-01-31' },
    })
    const againId = again.headers.get('location')!.split('/').at(-1)!
    await runReportJobs(h.db)
    const draftPage = await (await h.request(`/reports/jobs/${againId}`, { as: sec })).text()
    assert.match(draftPage, new RegExp(`/reports/issued/${issue.id}/compare\\?job=${againId}`))
    const diffPage = await (
      await h.request(`/reports/issued/${issue.id}/compare?job=${againId}`, { as: sec })
    ).text()
    assert.match(diffPage, /Added/)
    assert.match(diffPage, /Removed/)
    assert.notEqual(jobId, againId)
  })

  test('comparing: identical reports have no difference; a changed row is one removal and one addition', () => {
    const base: Report = {
      kind: 'follow-up',
      params: { from: '2020-01-01', to: '2020-12-31' },
      lang: 'en',
      asOf: '2021-01-01T00:00:00.000Z',
      header: { documentNumber: 'x', source: 's', title: 't', contact: 'c', date: 'd' },
      labels: { documentNumber: 'x', source: 's', title: 't', contact: 'c', date: 'd' },
      blocks: [
        { kind: 'heading', level: 1, text: 'Title' },
        {
          kind: 'table',
          id: 'a',
          title: 'A',
          columns: ['x', 'y'],
          rows: [
            ['one', 1],
            ['two', 2],
          ],
          empty: '',
        },
      ],
    }
    assert.deepEqual(compareReports(base, structuredClone(base)), [])
    const later = structuredClone(base)
    ;(later.blocks[1] as { rows: unknown[][] }).rows[1] = ['two', 3]
    assert.deepEqual(compareReports(base, later), [
      { change: 'removed', line: 'A | two | 2' },
      { change: 'added', line: 'A | two | 3' },
    ])
  })

  test('only the secretariat sees, generates and issues reports', async () => {
    const focal = await h.user([{ role: 'focal_point', countryCode: 'KE' }])
    const sec = await h.user([{ role: 'secretariat' }])
    assert.equal((await h.request('/reports', { as: focal })).status, 403)
    assert.equal(
      (
        await h.request('/reports', {
          method: 'POST',
          as: focal,
          form: { kind: 'wtsa', from: '1961-01-01', to: '1961-12-31', lang: 'en' },
        })
      ).status,
      403,
    )
    const created = await h.request('/reports', {
      method: 'POST',
      as: sec,
      form: { kind: 'follow-up', from: '1955-01-01', to: '1955-12-31', lang: 'en' },
    })
    const jobUrl = created.headers.get('location')!
    await runReportJobs(h.db)
    assert.equal((await h.request(jobUrl, { as: focal })).status, 403)
    assert.equal((await h.request(`${jobUrl}/download?format=docx`, { as: focal })).status, 403)
    assert.equal(
      (await h.request(`${jobUrl}/issue`, { method: 'POST', as: focal, form: { documentNumber: 'X' } }))
        .status,
      403,
    )
    const anonymous = await h.request(jobUrl)
    assert.equal(anonymous.status, 303, 'anonymous: to the sign-in page')
    assert.match(anonymous.headers.get('location') ?? '', /sign-in/)
  })
})
