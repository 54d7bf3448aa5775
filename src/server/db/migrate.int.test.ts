import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Kysely, sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import { openEmptyPostgres, testDbKind } from '../testing/test-db.ts'
import { type Database, openMemory } from './database.ts'
import { MIGRATIONS } from './migrate.ts'

/** An empty database of the kind under test, dropped afterwards. */
async function emptyDatabase(): Promise<Database> {
  return testDbKind() === 'embedded' ? openMemory() : openEmptyPostgres('engage_migrate', 1)
}

async function tables(db: Kysely<unknown>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`.execute(
    db,
  )
  return rows.map((r) => r.name)
}

test('a migration run that fails halfway leaves the database as it was', async () => {
  const database = await emptyDatabase()
  const db = database.db as unknown as Kysely<unknown>
  try {
    // Every real migration, then one that creates a table, writes, and fails.
    const failing = {
      ...MIGRATIONS,
      '2999_12_31_9999_fails_halfway': {
        up: async (trx: Kysely<unknown>) => {
          await sql`CREATE TABLE half_done (id int)`.execute(trx)
          await sql`INSERT INTO half_done VALUES (1)`.execute(trx)
          await sql`SELECT 1 / 0`.execute(trx)
        },
      },
    }
    const migrator = new Migrator({ db, provider: { getMigrations: async () => failing } })
    const { error, results } = await migrator.migrateToLatest()
    assert.ok(error, 'the run reports the failure')
    assert.equal(results?.find((r) => r.status === 'Error')?.migrationName, '2999_12_31_9999_fails_halfway')
    // Nothing of the run stays: not the failing migration's table, not the tables of the ones before it.
    const left = (await tables(db)).filter((t) => !t.startsWith('kysely_migration'))
    assert.deepEqual(left, [])
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM kysely_migration`.execute(db)
    assert.equal(Number(rows[0]!.n), 0, 'no migration is recorded as applied')

    // The same database then migrates cleanly.
    const ok = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } })
    const again = await ok.migrateToLatest()
    assert.equal(again.error, undefined)
    assert.ok((await tables(db)).includes('organization'))
  } finally {
    await database.close()
  }
})
