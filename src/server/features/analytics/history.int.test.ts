import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { useHarness } from '../../testing/harness.ts'
import { openTestDatabase } from '../../testing/test-db.ts'
import { COMMAND_LINE } from '../auth/auth.policy.ts'
import { importCsv } from '../directory/import/directory.import.ts'
import { MAX_LISTED_ERRORS, ROW_DETAIL_LIMIT } from './attendance.bulk.ts'
import { exportAttendance, exportMeetings } from './history.import.ts'
import { seriesMetrics } from './series.ts'

const h = useHarness()

const MEETINGS = `ref,kind,title,start_date,end_date,city,country,host,group
H-2009,cto_meeting,CTO meeting Geneva 2009,2009-03-10,2009-03-10,Geneva,CH,,History CTO group
H-2010,cto_meeting,CTO meeting Tokyo 2010,2010-10-04,2010-10-05,Tokyo,JP,,History CTO group
`
const ATTENDANCE = `meeting_ref,organization,organization_country,category,sme,person,seniority,role
H-2009,History Telecom,KE,sector_member,true,Amina Otieno,c_level,principal
H-2009,History Networks,FR,sector_member,false,,,substitute
H-2010,History Telecom,KE,sector_member,true,Amina Otieno,c_level,principal
H-2010,History Labs,JP,academia,false,Kenji Sato,expert,other
`

describe('the historical import of meetings and attendance', () => {
  test('bad rows are named and nothing is written; a dry run writes nothing; a second import is not doubled', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const badMeetings = `ref,kind,title,start_date,end_date,city,country,host,group
B-1,tea_party,x,2009-03-10,,,CH,,
B-2,cto_meeting,y,2009-02-30,,,XX,,
B-3,cto_meeting,z,2009-03-10,2009-03-01,,CH,,
`
    const r1 = await importCsv(h.db, sec.actor, 'meetings', badMeetings, false)
    assert.equal(r1.committed, false)
    assert.deepEqual(
      r1.rows.map((r) => r.errors),
      [
        ['kind: choice_invalid'],
        ['start_date: date_invalid', 'country: country_unknown'],
        ['end_date: end_before_start'],
      ],
    )
    assert.equal(
      (await h.db.selectFrom('meeting').select('id').where('import_ref', 'is not', null).execute()).length,
      0,
    )

    const dry = await importCsv(h.db, sec.actor, 'meetings', MEETINGS, true)
    assert.deepEqual(dry.counts, { created: 2, updated: 0, unchanged: 0, error: 0 })
    assert.equal(dry.committed, false)
    assert.equal(
      (await h.db.selectFrom('meeting').select('id').where('import_ref', 'is not', null).execute()).length,
      0,
    )

    const real = await importCsv(h.db, sec.actor, 'meetings', MEETINGS, false)
    assert.equal(real.committed, true)
    const badAttendance = `${ATTENDANCE}H-2031,Nobody,KE,,,,,principal
H-2010,History Labs,JP,academia,false,Kenji Sato,expert,other
H-2009,History Telecom,KE,,,,,chairing
`
    const r2 = await importCsv(h.db, sec.actor, 'attendance', badAttendance, false)
    assert.equal(r2.committed, false)
    assert.deepEqual(
      r2.rows.filter((r) => r.status === 'error').map((r) => [r.row, r.errors]),
      [
        [6, ['meeting_ref: meeting_unknown']],
        [7, ['row: duplicate_row']],
        [8, ['role: choice_invalid']],
      ],
    )
    assert.equal(
      (await h.db.selectFrom('organization').select('id').where('name', 'like', 'History %').execute())
        .length,
      0,
    )

    const ok = await importCsv(h.db, sec.actor, 'attendance', ATTENDANCE, false)
    assert.equal(ok.committed, true)
    assert.equal(ok.counts.error, 0)
    assert.match(ok.rows[0]!.key, /new in the directory/)
    const again = await importCsv(h.db, sec.actor, 'attendance', ATTENDANCE, false)
    assert.deepEqual(again.counts, { created: 0, updated: 0, unchanged: 4, error: 0 })
    const meetingsAgain = await importCsv(h.db, sec.actor, 'meetings', MEETINGS, false)
    assert.deepEqual(meetingsAgain.counts, { created: 0, updated: 0, unchanged: 2, error: 0 })

    const series = await seriesMetrics(h.db, { group: 'History CTO group' })
    assert.deepEqual(
      series.meetings.map((m) => [m.organizations, m.participants, m.newcomers, m.jaccardPrevious]),
      [
        [2, 2, 2, null],
        [2, 2, 1, 1 / 3],
      ],
    )
  })

  test('export, import into another database: the same figures', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    await importCsv(h.db, sec.actor, 'meetings', MEETINGS.replaceAll('H-20', 'R-20'), false)
    await importCsv(h.db, sec.actor, 'attendance', ATTENDANCE.replaceAll('H-20', 'R-20'), false)
    const meetingsCsv = await exportMeetings(h.db)
    const attendanceCsv = await exportAttendance(h.db)
    assert.match(meetingsCsv.split('\n')[0]!, /^ref,kind,title,start_date,end_date,city,country,host,group/)
    const other = await openTestDatabase()
    try {
      const m = await importCsv(other.db, COMMAND_LINE, 'meetings', meetingsCsv, false)
      assert.equal(m.committed, true, JSON.stringify(m.rows.filter((r) => r.status === 'error')))
      const a = await importCsv(other.db, COMMAND_LINE, 'attendance', attendanceCsv, false)
      assert.equal(a.committed, true, JSON.stringify(a.rows.filter((r) => r.status === 'error')))
      const figures = (s: Awaited<ReturnType<typeof seriesMetrics>>) => ({
        summary: s.summary,
        meetings: s.meetings.map(({ id: _id, ...rest }) => rest),
      })
      assert.deepEqual(
        figures(await seriesMetrics(other.db, { kinds: ['cto_meeting'] })),
        figures(await seriesMetrics(h.db, { kinds: ['cto_meeting'] })),
      )
    } finally {
      await other.close()
    }
  })

  test('a file of more rows than are listed: every row counted, bad rows named (up to a cap), directory matched case-insensitively', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const meetings = `ref,kind,title,start_date,end_date,city,country,host,group
BIG-1,cto_meeting,Big meeting 1,2011-03-10,,,CH,,Big history group
BIG-2,cto_meeting,Big meeting 2,2012-03-10,,,CH,,Big history group
`
    assert.equal((await importCsv(h.db, sec.actor, 'meetings', meetings, false)).committed, true)
    // An organization already in the directory, written in another case in the file.
    await h.db
      .insertInto('organization')
      .values({ name: 'Big Existing Org', category: 'sector_member', country_code: 'KE' })
      .execute()
    const n = ROW_DETAIL_LIMIT + 10
    const line = (i: number) =>
      `BIG-${(i % 2) + 1},Big Org ${Math.floor(i / 2) % 4000},KE,sector_member,false,Person ${Math.floor(i / 2)},expert,principal`
    const rows = Array.from({ length: n }, (_, i) => line(i))
    rows[0] = 'BIG-1,BIG EXISTING ORG,ke,sector_member,false,,,principal'
    const header = 'meeting_ref,organization,organization_country,category,sme,person,seniority,role'
    // Bad rows: more than are listed.
    const bad = [...rows]
    for (let i = 1; i <= MAX_LISTED_ERRORS + 5; i++) bad[i * 3] = `BIG-9,Big Org x${i},KE,,,,,principal`
    const refused = await importCsv(h.db, sec.actor, 'attendance', `${header}\n${bad.join('\n')}\n`, false)
    assert.equal(refused.committed, false)
    assert.equal(refused.counts.error, MAX_LISTED_ERRORS + 5)
    assert.equal(refused.counts.unchanged, n - MAX_LISTED_ERRORS - 5)
    assert.equal(
      refused.rows.length,
      MAX_LISTED_ERRORS,
      'bad rows listed up to the cap, no line per good row',
    )
    assert.deepEqual(refused.rows[0], {
      row: 5,
      status: 'error',
      key: 'BIG-9: Big Org x1 (KE)',
      errors: ['meeting_ref: meeting_unknown'],
    })

    const done = await importCsv(h.db, sec.actor, 'attendance', `${header}\n${rows.join('\n')}\n`, false)
    assert.equal(done.committed, true, JSON.stringify(done.fileErrors))
    assert.equal(done.rows.length, 0, 'a large file reports counts only')
    const orgs = 4000 // Big Org 0 … 3999, plus the existing one matched in another case
    assert.equal(done.counts.created + done.counts.updated, n)
    assert.equal(done.counts.unchanged, 0)
    const names = await h.db
      .selectFrom('organization')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('name', 'like', 'Big %')
      .executeTakeFirstOrThrow()
    assert.equal(Number(names.n), orgs + 1, 'each new organization added once; the existing one matched')
    const people = await h.db
      .selectFrom('person')
      .innerJoin('organization', 'organization.id', 'person.organization_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organization.name', 'like', 'Big Org %')
      .executeTakeFirstOrThrow()
    assert.equal(Number(people.n), Math.ceil((n - 1) / 2) + 0, 'each person once, in their organization')
    const again = await importCsv(h.db, sec.actor, 'attendance', `${header}\n${rows.join('\n')}\n`, false)
    assert.deepEqual(again.counts, { created: 0, updated: 0, unchanged: n, error: 0 })
  })
})
