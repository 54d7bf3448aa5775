import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildOrganization } from '../../../testing/factories.ts'
import { unique, useHarness } from '../../../testing/harness.ts'

const h = useHarness()

type Report = {
  committed: boolean
  counts: Record<string, number>
  rows: { row: number; status: string; errors: string[] }[]
  fileErrors: string[]
}

function orgsCsv(prefix: string, n: number, bad?: number): string {
  const lines = ['name,category,country,sme,segment,website']
  for (let i = 1; i <= n; i++)
    lines.push(
      `${prefix} ${i},sector_member,${i === bad ? 'QQ' : 'KE'},${i % 2 === 0},operator,https://org${i}.example`,
    )
  return `${lines.join('\r\n')}\r\n`
}

async function importAs(
  user: Awaited<ReturnType<typeof h.user>>,
  kind: string,
  csv: string,
  dryRun: boolean,
) {
  return h.request(`/api/v1/import/${kind}?dryRun=${dryRun}`, {
    method: 'POST',
    as: user,
    headers: { 'Content-Type': 'text/csv' },
    body: csv,
  })
}

const countOrgs = async (prefix: string) =>
  Number(
    (
      await h.db
        .selectFrom('organization')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('name', 'like', `${prefix}%`)
        .executeTakeFirstOrThrow()
    ).n,
  )

describe('CSV import', () => {
  test('a dry run reports every row and writes nothing', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const prefix = unique('Dry')
    const res = await importAs(sec, 'organizations', orgsCsv(prefix, 5), true)
    assert.equal(res.status, 200)
    const report = (await res.json()) as Report
    assert.equal(report.counts.created, 5)
    assert.equal(report.committed, false)
    assert.equal(await countOrgs(prefix), 0)
  })

  test('one bad row among 1,000 is named, and nothing at all is written', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const prefix = unique('Bulk')
    const res = await importAs(sec, 'organizations', orgsCsv(prefix, 1000, 637), false)
    assert.equal(res.status, 422)
    const report = (await res.json()) as Report
    assert.equal(report.committed, false)
    assert.equal(report.counts.error, 1)
    const bad = report.rows.filter((r) => r.status === 'error')
    assert.equal(bad.length, 1)
    assert.equal(bad[0]!.row, 638, 'row numbers count the header as row 1')
    assert.match(bad[0]!.errors.join(), /country/)
    assert.equal(await countOrgs(prefix), 0)
  })

  test('a clean file commits all rows, then a re-import updates instead of duplicating', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const prefix = unique('Commit')
    const first = (await (await importAs(sec, 'organizations', orgsCsv(prefix, 20), false)).json()) as Report
    assert.equal(first.committed, true)
    assert.equal(first.counts.created, 20)
    assert.equal(await countOrgs(prefix), 20)
    const second = (await (await importAs(sec, 'organizations', orgsCsv(prefix, 20), false)).json()) as Report
    assert.equal(second.counts.updated, 20)
    assert.equal(await countOrgs(prefix), 20)
  })

  test('duplicate rows within one file are caught', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const name = unique('Twice')
    const csv = `name,category,country\r\n${name},academia,FR\r\n${name},academia,FR\r\n`
    const report = (await (await importAs(sec, 'organizations', csv, true)).json()) as Report
    assert.deepEqual(
      report.rows.map((r) => r.status),
      ['created', 'updated'],
    )
  })

  test('refuses a file with missing or unknown columns before reading rows', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const res = await importAs(sec, 'organizations', 'name,colour\r\nA,blue\r\n', true)
    assert.equal(res.status, 422)
    const report = (await res.json()) as Report
    assert.deepEqual(report.fileErrors, ['columns_missing: category, country', 'columns_unknown: colour'])
  })

  test('imports people into organizations matched by name and country', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const org = await buildOrganization(h.db, { country_code: 'IN' })
    const email = `${unique('imp')}@example.org`
    const csv = `organization,organization_country,name,title,seniority,email,public_consent\r\n"${org.name}",IN,Asha Rao,CTO,c_level,${email},true\r\nNo Such Org,IN,Nobody,,expert,,false\r\n`
    const res = await importAs(sec, 'people', csv, false)
    assert.equal(res.status, 422)
    const report = (await res.json()) as Report
    assert.deepEqual(
      report.rows.map((r) => r.status),
      ['created', 'error'],
    )
    assert.equal(
      await h.db.selectFrom('person').select('id').where('email', '=', email).executeTakeFirst(),
      undefined,
    )
    const ok = await importAs(sec, 'people', csv.split('\r\n').slice(0, 2).join('\r\n'), false)
    assert.equal(ok.status, 200)
    assert.ok(await h.db.selectFrom('person').select('id').where('email', '=', email).executeTakeFirst())
  })

  test('only the secretariat imports; country corrections need an admin', async () => {
    const rep = await h.user([
      { role: 'member_representative', organizationId: (await buildOrganization(h.db)).id },
    ])
    assert.equal((await importAs(rep, 'organizations', orgsCsv(unique('No'), 1), true)).status, 403)
    const sec = await h.user([{ role: 'secretariat' }])
    assert.equal((await importAs(sec, 'countries', 'code,ldc\r\nBT,false\r\n', true)).status, 403)
    const admin = await h.user([{ role: 'admin' }])
    const res = await importAs(
      admin,
      'countries',
      'code,itu_region,ldc\r\nBT,asia_pacific,true\r\nXX,europe,false\r\n',
      true,
    )
    const report = (await res.json()) as Report
    assert.deepEqual(
      report.rows.map((r) => r.status),
      ['updated', 'error'],
    )
  })
})

describe('export', () => {
  test('exports organizations as CSV with formula-looking cells neutralized, and as JSON', async () => {
    const name = `=HYPERLINK("http://evil.example","${unique('x')}")`
    await buildOrganization(h.db, { name })
    const res = await h.request('/api/v1/export/organizations?format=csv&q=HYPERLINK')
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /text\/csv/)
    assert.match(res.headers.get('content-disposition') ?? '', /attachment/)
    const text = await res.text()
    assert.ok(text.includes(`"'=HYPERLINK(`), text)
    const json = (await (await h.request('/api/v1/export/organizations?format=json&q=HYPERLINK')).json()) as {
      name: string
    }[]
    assert.equal(json[0]!.name, name)
  })

  test('the people export is for the secretariat only', async () => {
    assert.equal((await h.request('/api/v1/export/people')).status, 401)
    const sec = await h.user([{ role: 'secretariat' }])
    assert.equal((await h.request('/api/v1/export/people', { as: sec })).status, 200)
  })
})
