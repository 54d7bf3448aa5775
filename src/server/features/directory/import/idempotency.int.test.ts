import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { unique, useHarness } from '../../../testing/harness.ts'

const h = useHarness()

type Report = { committed: boolean; counts: Record<string, number>; fileErrors: string[] }

function orgsCsv(prefix: string, n: number, badRow?: number): string {
  const lines = ['name,category,country']
  for (let i = 1; i <= n; i++) lines.push(`${prefix} ${i},academia,${i === badRow ? 'QQ' : 'KE'}`)
  return `${lines.join('\r\n')}\r\n`
}

async function send(user: Awaited<ReturnType<typeof h.user>>, csv: string, key?: string) {
  return h.request('/api/v1/import/organizations?dryRun=false', {
    method: 'POST',
    as: user,
    headers: { 'Content-Type': 'text/csv', ...(key ? { 'Idempotency-Key': key } : {}) },
    body: csv,
  })
}

const count = async (prefix: string) =>
  Number(
    (
      await h.db
        .selectFrom('organization')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('name', 'like', `${prefix}%`)
        .executeTakeFirstOrThrow()
    ).n,
  )

const imports = async () =>
  Number(
    (
      await h.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', '=', 'import')
        .executeTakeFirstOrThrow()
    ).n,
  )

describe('imports with an Idempotency-Key', () => {
  test('sent twice, the import is applied once and the second answer is the first', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const prefix = unique('Idem')
    const key = unique('key')
    const before = await imports()
    const first = await send(sec, orgsCsv(prefix, 4), key)
    assert.equal(first.status, 200)
    const report = (await first.json()) as Report
    assert.equal(report.counts.created, 4)
    assert.equal(first.headers.get('idempotent-replayed'), null)
    // Rename one so that a second real import would show as an update, not only as "unchanged".
    await h.db
      .updateTable('organization')
      .set({ website: 'https://changed.example' })
      .where('name', '=', `${prefix} 1`)
      .execute()
    const second = await send(sec, orgsCsv(prefix, 4), key)
    assert.equal(second.status, 200)
    assert.equal(second.headers.get('idempotent-replayed'), 'true')
    assert.deepEqual(await second.json(), { ...report, committed: true })
    assert.equal(await count(prefix), 4)
    assert.equal(await imports(), before + 1, 'one import in the audit log')
    const org = await h.db
      .selectFrom('organization')
      .select('website')
      .where('name', '=', `${prefix} 1`)
      .executeTakeFirstOrThrow()
    assert.equal(org.website, 'https://changed.example', 'nothing was written again')
  })

  test('the same key with another file is refused and changes nothing', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const prefix = unique('Reuse')
    const key = unique('key')
    assert.equal((await send(sec, orgsCsv(prefix, 2), key)).status, 200)
    const other = await send(sec, orgsCsv(prefix, 3), key)
    assert.equal(other.status, 422)
    assert.equal(((await other.json()) as { code: string }).code, 'IDEMPOTENCY_KEY_REUSED')
    assert.equal(await count(prefix), 2)
    // Keys are per user: another user's key of the same name is another key.
    const sec2 = await h.user([{ role: 'secretariat' }])
    assert.equal((await send(sec2, orgsCsv(unique('Other'), 1), key)).status, 200)
  })

  test('two identical requests at the same moment import once', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const prefix = unique('Race')
    const key = unique('key')
    const before = await imports()
    const [a, b] = await Promise.all([send(sec, orgsCsv(prefix, 6), key), send(sec, orgsCsv(prefix, 6), key)])
    assert.deepEqual([a.status, b.status], [200, 200])
    const reports = [(await a.json()) as Report, (await b.json()) as Report]
    assert.deepEqual(
      reports.map((r) => r.counts.created),
      [6, 6],
      'both answers are the one import',
    )
    assert.equal(await count(prefix), 6)
    assert.equal(await imports(), before + 1)
  })

  test('an import refused for errors keeps no key: corrected, it goes through under the same key', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const prefix = unique('Fix')
    const key = unique('key')
    assert.equal((await send(sec, orgsCsv(prefix, 3, 2), key)).status, 422)
    assert.equal(await count(prefix), 0)
    const fixed = await send(sec, orgsCsv(prefix, 3), key)
    assert.equal(fixed.status, 200)
    assert.equal(fixed.headers.get('idempotent-replayed'), null)
    assert.equal(await count(prefix), 3)
  })

  test('a malformed key is refused with a validation error and imports nothing', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const prefix = unique('Bad')
    const res = await send(sec, orgsCsv(prefix, 1), 'has spaces in it')
    assert.equal(res.status, 422)
    assert.equal(((await res.json()) as { code: string }).code, 'VALIDATION_FAILED')
    assert.equal(await count(prefix), 0)
  })
})
