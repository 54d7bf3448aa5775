import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { strFromU8, unzipSync } from 'fflate'
import { buildMeeting, buildOrganization, buildPerson } from '../testing/factories.ts'
import { useHarness } from '../testing/harness.ts'
import { meetingReport } from './meeting-report.ts'
import { reportTables } from './model.ts'

const h = useHarness()

async function fixture() {
  const sec = await h.user([{ role: 'secretariat' }])
  const earlier = await buildMeeting(h.db, {
    status: 'concluded',
    starts_at: new Date(Date.now() - 200 * 86400_000),
  })
  const meeting = await buildMeeting(h.db, {
    status: 'held',
    starts_at: new Date(Date.now() - 2 * 86400_000),
  })
  // Attendance: two organizations from Africa (one developing country each), three people.
  for (const [country, people] of [
    ['KE', 2],
    ['SN', 1],
  ] as const) {
    const org = await buildOrganization(h.db, { country_code: country })
    for (let i = 0; i < people; i++) {
      const person = await buildPerson(h.db, { organization_id: org.id })
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
    }
  }
  const topic = (await (
    await h.request('/api/v1/topics', {
      method: 'POST',
      as: sec,
      json: { titles: { en: 'Report topic', fr: 'Sujet du rapport' }, source: 'secretariat' },
    })
  ).json()) as { id: string; version: number }
  await h.request(`/api/v1/topics/${topic.id}/transitions`, {
    method: 'POST',
    as: sec,
    json: { to: 'on_agenda', reason: 'x', version: topic.version },
  })
  await h.request(`/api/v1/meetings/${earlier.id}/conclusions`, {
    method: 'POST',
    as: sec,
    json: { topicId: topic.id, texts: { en: 'Keep watching it.' }, type: 'observation' },
  })
  await h.request(`/api/v1/meetings/${meeting.id}/conclusions`, {
    method: 'POST',
    as: sec,
    json: {
      topicId: topic.id,
      texts: { en: 'Start a work item.' },
      type: 'recommendation',
      topicState: 'concluded',
    },
  })
  return { sec, meeting, topic }
}

describe('meeting report to TSAG', () => {
  test('the model holds the figures, the topic’s conclusion, progression and earlier handling', async () => {
    const { sec, meeting } = await fixture()
    const report = await meetingReport(h.db, sec.actor, meeting.id, 'en')
    const tables = Object.fromEntries(reportTables(report).map((t) => [t.id, t]))
    assert.deepEqual(
      tables.participation_region!.rows,
      [['Africa', 2, 3]],
      'two organizations, three people, all from Africa',
    )
    assert.deepEqual(tables.participation_attended_as!.rows, [['Principal', 2, 3]])
    const text = JSON.stringify(report.blocks)
    assert.match(text, /Recommendation: Start a work item\./)
    assert.match(text, /Progression at this meeting: On an agenda → Discussed → Concluded\./)
    const earlier = reportTables(report).find((t) => t.id.startsWith('earlier_'))!
    assert.equal(earlier.rows.length, 1)
    assert.equal(earlier.rows[0]![3], 'Keep watching it.')
    assert.equal(tables.actions!.rows.length, 0)
    assert.equal(tables.actions!.empty, 'No follow-up action yet.')
    // As of a date before the conclusion, it is not there.
    const before = await meetingReport(
      h.db,
      sec.actor,
      meeting.id,
      'en',
      new Date(Date.now() - 86400_000 * 3),
    )
    assert.doesNotMatch(JSON.stringify(before.blocks), /Start a work item/)
  })

  test('DOCX: the header table, heading styles, tables and the chart as an image', async () => {
    const { sec, meeting } = await fixture()
    const res = await h.request(`/meetings/${meeting.id}/report?format=docx&in=fr`, { as: sec })
    assert.equal(res.status, 200)
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()))
    const xml = strFromU8(files['word/document.xml']!)
    assert.match(xml, /<w:pStyle w:val="Heading1"\/>/)
    assert.match(xml, /<w:pStyle w:val="Heading2"\/>/)
    assert.match(xml, /Sujet du rapport/, 'the report in French takes the French title')
    assert.match(xml, /<w:tbl>/)
    assert.ok(
      Object.keys(files).some((f) => f.startsWith('word/media/') && f.endsWith('.png')),
      'the chart as PNG',
    )
    // A Union-wide meeting's report goes to no body by default; an ITU-T meeting's to TSAG, a RAG one's to RAG.
    const html = await (await h.request(`/meetings/${meeting.id}/report?format=html`, { as: sec })).text()
    assert.match(html, /<h2>Report on /)
    assert.match(html, /<th scope="row">Source<\/th><td>ITU General Secretariat<\/td>/)
    for (const [code, body, bureau] of [
      ['ITU-T', 'TSAG', 'TSB'],
      ['ITU-R', 'RAG', 'BR'],
    ] as const) {
      const sector = await h.db
        .selectFrom('sector')
        .select('id')
        .where('code', '=', code)
        .executeTakeFirstOrThrow()
      await h.db.updateTable('meeting').set({ sector_id: sector.id }).where('id', '=', meeting.id).execute()
      const addressed = await (
        await h.request(`/meetings/${meeting.id}/report?format=html`, { as: sec })
      ).text()
      assert.match(addressed, new RegExp(`<h2>Report to ${body} on `))
      assert.match(addressed, new RegExp(`<th scope="row">Addressed to</th><td>[^<]*\\(${body}\\)</td>`))
      assert.match(addressed, new RegExp(`<th scope="row">Source</th><td>${bureau} secretariat</td>`))
    }
    const json = JSON.parse(
      await (await h.request(`/meetings/${meeting.id}/report?format=json`, { as: sec })).text(),
    )
    assert.ok(json.tables.some((t: { id: string }) => t.id === 'participation_region'))
    const csv = await (
      await h.request(`/meetings/${meeting.id}/report?format=csv&table=participation_region`, { as: sec })
    ).text()
    assert.match(csv, /Africa,2,3/)
  })

  test('a meeting not yet held gives a valid report that says so; only the secretariat generates reports', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const future = await buildMeeting(h.db, { status: 'announced' })
    const report = await meetingReport(h.db, sec.actor, future.id, 'en')
    assert.equal(report.blocks[1]!.kind, 'notice')
    assert.ok(reportTables(report).every((t) => t.rows.length === 0 && t.empty))
    const page = await h.request(`/meetings/${future.id}/report`, { as: sec })
    assert.equal(page.status, 200)
    assert.match(await page.text(), /not marked as held/)
    const focal = await h.user([{ role: 'focal_point', countryCode: 'KE' }])
    assert.equal((await h.request(`/meetings/${future.id}/report?format=docx`, { as: focal })).status, 403)
  })
})
