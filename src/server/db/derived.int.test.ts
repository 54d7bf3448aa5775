import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { sql } from 'kysely'
import { unique, useHarness } from '../testing/harness.ts'
import { derived, derivedMany } from './derived.ts'
import { UNVERSIONED_TABLES } from './migrations/2026_12_06_0018_data_version.ts'

const h = useHarness()

const version = async () =>
  Number((await sql<{ v: string }>`SELECT version AS v FROM data_version`.execute(h.db)).rows[0]!.v)

/** A figure that counts its computations, so a test sees when the cache answered instead. */
function counted() {
  const calls = { n: 0 }
  const compute = async () => {
    calls.n++
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM country`.execute(h.db)
    return { countries: Number(r.rows[0]!.n), at: new Date('2026-01-01T00:00:00Z') }
  }
  return { calls, compute }
}

describe('derived figures under the data version', () => {
  test('every domain table bumps the version, so no later table can be forgotten', async () => {
    const { rows } = await sql<{ tablename: string; triggers: number }>`
      SELECT t.tablename, count(g.tgname)::int AS triggers
      FROM pg_tables t
      LEFT JOIN pg_trigger g ON g.tgrelid = (quote_ident(t.schemaname) || '.' || quote_ident(t.tablename))::regclass
        AND g.tgname = t.tablename || '_data_change'
      WHERE t.schemaname = current_schema()
      GROUP BY t.tablename ORDER BY t.tablename`.execute(h.db)
    const missing = rows
      .filter((r) => !(UNVERSIONED_TABLES as readonly string[]).includes(r.tablename) && r.triggers !== 1)
      .map((r) => r.tablename)
    assert.deepEqual(
      missing,
      [],
      'tables without the data_change trigger (call versioned() in the migration)',
    )
    assert.ok(rows.length > 40)
  })

  test('computed once, then read from the cache until a transaction changes data; one bump per transaction', async () => {
    const key = unique('figure')
    const { calls, compute } = counted()
    const first = await derived(h.db, key, compute)
    assert.equal(calls.n, 1)
    // The value is what a cached read returns: JSON (the date is its ISO string).
    assert.equal(typeof (first as unknown as { at: string }).at, 'string')
    assert.deepEqual(await derived(h.db, key, compute), first)
    assert.equal(calls.n, 1, 'the second read came from the cache')

    // A transaction changing three rows in two tables bumps the version once, at commit.
    const before = await version()
    await h.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('country')
        .values({ code: 'QX', iso3: 'QXX', names: { en: 'Qx' }, development_status: 'developed' })
        .execute()
      await trx
        .updateTable('country')
        .set({ names: { en: 'Qx land' } })
        .where('code', '=', 'QX')
        .execute()
      await trx.deleteFrom('country').where('code', '=', 'QX').execute()
    })
    assert.equal(await version(), before + 1)
    await derived(h.db, key, compute)
    assert.equal(calls.n, 2, 'recomputed after the change')

    // A rolled-back change leaves the version, and the cached figure, as they were.
    await assert.rejects(
      h.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('country')
          .values({ code: 'QY', iso3: 'QYY', names: { en: 'Qy' }, development_status: 'developed' })
          .execute()
        throw new Error('roll back')
      }),
    )
    assert.equal(await version(), before + 1)
    await derived(h.db, key, compute)
    assert.equal(calls.n, 2)

    // Sessions, rate limits and the audit log are not data the figures read: they do not bump it.
    await sql`INSERT INTO audit_log (actor_label, action, entity_type, entity_id) VALUES ('test', 'test', 'test', 'x')`.execute(
      h.db,
    )
    await sql`DELETE FROM session WHERE expires_at < now() - interval '100 years'`.execute(h.db)
    assert.equal(await version(), before + 1)
  })

  test('inside a transaction that changed data, the figure is computed from it but never stored', async () => {
    const key = unique('figure')
    const { calls, compute } = counted()
    const base = await derived(h.db, key, compute)
    await assert.rejects(
      h.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('country')
          .values({ code: 'QZ', iso3: 'QZZ', names: { en: 'Qz' }, development_status: 'developed' })
          .execute()
        const inside = await derived(trx, key, async () => {
          calls.n++
          const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM country`.execute(trx)
          return { countries: Number(r.rows[0]!.n), at: '2026-01-01T00:00:00.000Z' }
        })
        assert.equal(inside.countries, base.countries + 1, 'the transaction sees its own write')
        throw new Error('roll back')
      }),
      /roll back/,
    )
    assert.deepEqual(await derived(h.db, key, compute), base, 'the rolled-back count was not kept')
    assert.equal(calls.n, 2)
  })

  test('concurrent readers of a missing figure wait for one computation', async () => {
    const key = unique('figure')
    const { calls, compute } = counted()
    // A computation slower than the readers' version lookups, as a real figure is.
    const slow = async () => {
      await sql`SELECT pg_sleep(0.3)`.execute(h.db)
      return compute()
    }
    const values = await Promise.all([1, 2, 3, 4].map(() => derived(h.db, key, slow)))
    assert.equal(calls.n, 1)
    assert.equal(new Set(values.map((v) => JSON.stringify(v))).size, 1)
  })

  test('many figures at once: stored ones read together, missing ones computed together and stored, none stored from a changed transaction', async () => {
    const [a, b, c] = [unique('figure'), unique('figure'), unique('figure')]
    const asked: string[][] = []
    const compute = async (missing: string[]) => {
      asked.push(missing)
      const n = Number(
        (await sql<{ n: number }>`SELECT count(*)::int AS n FROM country`.execute(h.db)).rows[0]!.n,
      )
      // A figure may have no value (a year without meetings): null is a value too, and is kept.
      return missing.map((k) => (k === c ? null : n))
    }
    const first = await derivedMany(h.db, [a, b, c, a], compute)
    assert.deepEqual(asked, [[a, b, c]], 'computed together, a key asked twice once')
    assert.equal(first.get(c), null)
    const countries = first.get(a)
    assert.ok(typeof countries === 'number' && countries > 0)

    const again = await derivedMany(h.db, [a, b, c], compute)
    assert.equal(asked.length, 1, 'every figure, null included, read from the cache')
    assert.deepEqual([...again.entries()].sort(), [...first.entries()].sort())
    assert.equal((await derivedMany(h.db, [], compute)).size, 0)

    // A figure computed alone (derived) and read among many.
    const d = unique('figure')
    await derived(h.db, d, async () => 7)
    await derivedMany(h.db, [a, d], compute)
    assert.equal(asked.length, 1)

    await h.db
      .insertInto('country')
      .values({ code: 'QY', iso3: 'QYY', names: { en: 'Qy' }, development_status: 'developed' })
      .execute()
    const stale = await derivedMany(h.db, [a, b], compute)
    assert.deepEqual(asked.at(-1), [a, b], 'a newer version makes them stale')
    assert.equal(stale.get(a), countries + 1)

    await assert.rejects(
      h.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('country').where('code', '=', 'QY').execute()
        const inside = await derivedMany(trx, [a], async (missing) => {
          asked.push(missing)
          return missing.map(() => -1)
        })
        assert.equal(inside.get(a), -1, 'computed from the changed data, not read')
        throw new Error('roll back')
      }),
      /roll back/,
    )
    const after = await derivedMany(h.db, [a], compute)
    assert.equal(after.get(a), countries + 1, 'nothing was stored from the rolled-back transaction')
  })

  test('concurrent requests for the same missing figures wait for one computation', async () => {
    const keys = [unique('figure'), unique('figure')]
    let calls = 0
    const slow = async (missing: string[]) => {
      calls++
      await sql`SELECT pg_sleep(0.3)`.execute(h.db)
      return missing.map(() => 1)
    }
    const all = await Promise.all([1, 2, 3].map(() => derivedMany(h.db, keys, slow)))
    assert.equal(calls, 1)
    assert.ok(all.every((m) => m.get(keys[0]!) === 1 && m.get(keys[1]!) === 1))
  })
})
