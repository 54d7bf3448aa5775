import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { openEmptyPostgres, testDbKind } from '../testing/test-db.ts'
import { type Database, MAX_PREPARED_STATEMENTS, openMemory } from './database.ts'

/**
 * Statements with parameters are prepared once per PostgreSQL connection and their plans reused
 * (database.ts, docs/performance.md). One connection, so every statement meets the same session.
 */
describe('prepared statements', () => {
  let database: Database
  before(async () => {
    database =
      testDbKind() === 'postgres' ? await openEmptyPostgres('engage_prepared', 1) : await openMemory()
  })
  after(() => database.close())

  const prepared = async () =>
    (
      await sql<{ name: string; statement: string; generic_plans: number; custom_plans: number }>`
        SELECT name, statement, generic_plans, custom_plans FROM pg_prepared_statements`.execute(database.db)
    ).rows

  test('a statement with parameters is prepared once and its plan reused; one without is not prepared', async () => {
    for (let i = 0; i < 8; i++) {
      const { rows } = await sql<{ n: number }>`SELECT ${i}::int + 1 AS n`.execute(database.db)
      assert.equal(rows[0]!.n, i + 1, 'each execution gets its own parameters')
    }
    await sql`SELECT 1 AS plain`.execute(database.db)
    const statements = await prepared()
    if (database.kind === 'embedded') {
      assert.deepEqual(statements, [], 'the embedded database runs statements as they come')
      return
    }
    const mine = statements.filter((s) => s.statement === 'SELECT $1::int + 1 AS n')
    assert.equal(mine.length, 1)
    assert.match(mine[0]!.name, /^engage_[0-9a-f]{40}$/)
    assert.equal(Number(mine[0]!.generic_plans) + Number(mine[0]!.custom_plans), 8)
    assert.ok(Number(mine[0]!.generic_plans) > 0, 'a generic plan was reused')
    assert.ok(!statements.some((s) => s.statement.includes('plain')))
  })

  test('a connection prepares a bounded number of texts; the others still run', async () => {
    const extra = 5
    for (let k = 0; k < MAX_PREPARED_STATEMENTS + extra; k++) {
      const { rows } = await sql<{ n: number }>`SELECT ${k}::int + ${sql.raw(String(k))} AS n`.execute(
        database.db,
      )
      assert.equal(rows[0]!.n, 2 * k)
    }
    const count = (await prepared()).length
    if (database.kind === 'embedded') assert.equal(count, 0)
    else assert.equal(count, MAX_PREPARED_STATEMENTS)
  })
})
