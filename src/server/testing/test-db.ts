import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { type Database, openMemory, openPostgres } from '../db/database.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { ensureReferenceData } from '../features/directory/reference-data.ts'

export type TestDbKind = 'embedded' | 'postgres'

export function testDbKind(): TestDbKind {
  const kind = process.env.TEST_DB ?? 'embedded'
  if (kind !== 'embedded' && kind !== 'postgres')
    throw new Error(`TEST_DB must be embedded or postgres, not ${kind}`)
  return kind
}

export const POSTGRES_ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const TEMPLATE_DB = process.env.TEST_TEMPLATE_DB ?? 'engage_test_template'

function urlFor(database: string): string {
  const url = new URL(POSTGRES_ADMIN_URL)
  url.pathname = `/${database}`
  return url.toString()
}

/** Builds the migrated template once per test run (called by scripts/test.ts before the suites). */
export async function prepareTemplates(kind: TestDbKind, dumpPath?: string): Promise<void> {
  if (kind === 'postgres') {
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
    await admin.connect()
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`)
      await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`)
    } finally {
      await admin.end()
    }
    const database = openPostgres(urlFor(TEMPLATE_DB), 1)
    await migrateToLatest(database.db)
    await ensureReferenceData(database.db)
    await database.close()
    return
  }
  if (!dumpPath) throw new Error('prepareTemplates(embedded) needs a dump path')
  const { PGlite } = await import('@electric-sql/pglite')
  const { Kysely, PGliteDialect } = await import('kysely')
  const pglite = await PGlite.create()
  const db = new Kysely<never>({ dialect: new PGliteDialect({ pglite }) })
  await migrateToLatest(db)
  await ensureReferenceData(db as never)
  const dump = await pglite.dumpDataDir('none')
  const { writeFileSync } = await import('node:fs')
  writeFileSync(dumpPath, Buffer.from(await dump.arrayBuffer()))
  await db.destroy()
}

/**
 * A fresh, migrated database for one test file: a clone of the template (PostgreSQL: CREATE DATABASE …
 * TEMPLATE; PGlite: an in-memory instance loaded from the template's dump). Falls back to migrating from
 * scratch when no template was prepared (a single test file run by hand).
 */
export async function openTestDatabase(): Promise<Database> {
  const kind = testDbKind()
  if (kind === 'postgres') {
    const name = `engage_test_${randomBytes(6).toString('hex')}`
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
    await admin.connect()
    const haveTemplate =
      (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE_DB])).rowCount === 1
    await admin.query(
      haveTemplate ? `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}` : `CREATE DATABASE ${name}`,
    )
    await admin.end()
    const database = openPostgres(urlFor(name), 5)
    // Also after cloning: a template left by an older run may lack the newest migrations.
    await migrateToLatest(database.db)
    if (!haveTemplate) await ensureReferenceData(database.db)
    return {
      ...database,
      close: async () => {
        await database.close()
        const a = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
        await a.connect()
        await a.query(`DROP DATABASE IF EXISTS ${name}`)
        await a.end()
      },
    }
  }
  const dumpPath = process.env.TEST_PGLITE_DUMP
  if (dumpPath) {
    const database = await openMemory(new Blob([readFileSync(dumpPath)]))
    await migrateToLatest(database.db)
    return database
  }
  const database = await openMemory()
  await migrateToLatest(database.db)
  await ensureReferenceData(database.db)
  return database
}

/** A new, empty database (no migrations) on the PostgreSQL server: its address, and how to drop it. */
export async function createEmptyPostgres(
  prefix = 'engage_scratch',
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  return {
    url: urlFor(name),
    drop: async () => {
      const a = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
      await a.connect()
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await a.end()
    },
  }
}

/** An empty database (no migrations) on the PostgreSQL server, dropped when closed. */
export async function openEmptyPostgres(prefix = 'engage_scratch', poolSize = 2): Promise<Database> {
  const { url, drop } = await createEmptyPostgres(prefix)
  const database = openPostgres(url, poolSize)
  return {
    ...database,
    close: async () => {
      await database.close()
      await drop()
    },
  }
}
