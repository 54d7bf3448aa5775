import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useHarness } from '../../testing/harness.ts'
import { importCsv } from '../directory/import/directory.import.ts'
import { exportMeetings } from './history.import.ts'
import { type Series, seriesMetrics } from './series.ts'

const h = useHarness()

const MEETINGS = `ref,kind,title,start_date,end_date,city,country,host,group,sector
S-T,cto_meeting,CTO meeting of ITU-T,2015-03-10,,Geneva,CH,,,
S-R,workshop,Workshop of ITU-R,2015-06-10,,Geneva,CH,,,itu-r
S-U,advisory_panel,Panel meeting,2015-09-10,,Geneva,CH,,,union
`
const ATTENDANCE = `meeting_ref,organization,organization_country,category,sme,person,seniority,role
S-T,Sector Telecom,KE,sector_member,false,,,principal
S-R,Sector Telecom,KE,sector_member,false,,,principal
S-R,Sector Radio,FR,sector_member,false,,,principal
S-U,Sector Radio,FR,sector_member,false,,,principal
`

test('meetings are imported into a Sector, and the series metrics filter by Sector in the service, the API and the page', async () => {
  const sec = await h.user([{ role: 'secretariat' }])
  const limited = await h.user([
    {
      role: 'secretariat',
      sectorId: (
        await h.db.selectFrom('sector').select('id').where('code', '=', 'ITU-D').executeTakeFirstOrThrow()
      ).id,
    },
  ])
  // A limited importer may not import into another Sector (an empty Sector is their own): a row error,
  // nothing written.
  const refused = await importCsv(h.db, limited.actor, 'meetings', MEETINGS, false)
  assert.equal(refused.committed, false)
  assert.deepEqual(
    refused.rows.map((r) => r.errors),
    [[], ['sector: sector_out_of_scope'], ['sector: sector_out_of_scope']],
  )
  assert.equal(
    (await h.db.selectFrom('meeting').select('id').where('import_ref', 'like', 'S-%').execute()).length,
    0,
  )
  const unknown = await importCsv(
    h.db,
    sec.actor,
    'meetings',
    `${MEETINGS}S-X,workshop,X,2015-01-01,,,,,,ITU-Z\n`,
    false,
  )
  assert.equal(unknown.committed, false)
  assert.deepEqual(unknown.rows.at(-1)!.errors, ['sector: sector_unknown'])

  assert.equal((await importCsv(h.db, sec.actor, 'meetings', MEETINGS, false)).committed, true)
  assert.equal((await importCsv(h.db, sec.actor, 'attendance', ATTENDANCE, false)).committed, true)
  const stored = await h.db
    .selectFrom('meeting as m')
    .leftJoin('sector as s', 's.id', 'm.sector_id')
    .select(['m.import_ref', 's.code'])
    .where('m.import_ref', 'like', 'S-%')
    .orderBy('m.import_ref')
    .execute()
  assert.deepEqual(
    stored.map((r) => [r.import_ref, r.code]),
    [
      ['S-R', 'ITU-R'],
      ['S-T', 'ITU-T'], // empty: the first Sector
      ['S-U', null], // Union-wide
    ],
  )
  // The export carries the Sector, so a re-import is unchanged.
  const exported = await exportMeetings(h.db)
  assert.match(exported, /S-R,workshop,Workshop of ITU-R,.*,ITU-R/)
  assert.match(exported, /S-U,advisory_panel,.*,union/)
  const again = await importCsv(h.db, sec.actor, 'meetings', exported, true)
  assert.equal(again.counts.unchanged, 3)
  // A file without the Sector column leaves the Sector of meetings already imported as it is.
  const withoutSector = MEETINGS.split('\n')
    .map((line) => line.split(',').slice(0, 9).join(','))
    .join('\n')
  const kept = await importCsv(h.db, sec.actor, 'meetings', withoutSector, false)
  assert.deepEqual(kept.counts, { created: 0, updated: 0, unchanged: 3, error: 0 })

  const titles = (s: Series) => s.meetings.map((m) => m.titles.en)
  assert.deepEqual(titles(await seriesMetrics(h.db, {})), [
    'CTO meeting of ITU-T',
    'Workshop of ITU-R',
    'Panel meeting',
  ])
  assert.deepEqual(titles(await seriesMetrics(h.db, { sector: 'ITU-R' })), ['Workshop of ITU-R'])
  assert.deepEqual(titles(await seriesMetrics(h.db, { sector: 'union' })), ['Panel meeting'])
  assert.deepEqual(titles(await seriesMetrics(h.db, { sector: 'ITU-D' })), [])
  const r = await seriesMetrics(h.db, { sector: 'ITU-R' })
  assert.equal(r.summary.distinctOrganizations, 2)

  const api = await h.request('/api/v1/metrics/meetings?sector=itu-t')
  assert.equal(api.status, 200)
  assert.deepEqual(titles((await api.json()) as Series), ['CTO meeting of ITU-T'])
  const bad = await h.request('/api/v1/metrics/meetings?sector=ITU-Q')
  assert.equal(bad.status, 422)
  const badCode = await h.request('/api/v1/metrics/meetings?sector=not%20a%20code')
  assert.equal(badCode.status, 422)

  const page = await (await h.request('/analytics?sector=ITU-R')).text()
  assert.match(page, /<select id="f-sector" name="sector"/)
  assert.match(page, /Workshop of ITU-R|ITU-R/)
  assert.match(page, /\/api\/v1\/metrics\/meetings\?sector=ITU-R/)
  const csv = await (await h.request('/analytics?sector=union&format=csv')).text()
  assert.match(csv, /Panel meeting/)
  assert.doesNotMatch(csv, /Workshop of ITU-R/)
})
