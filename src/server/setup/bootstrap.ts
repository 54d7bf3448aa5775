import { type Database, openDatabase } from '../db/database.ts'
import { migrateToLatest } from '../db/migrate.ts'
import type { Env } from '../env.ts'
import { ensureReferenceData } from '../features/directory/reference-data.ts'

/** Opens the configured database, brings its schema up to date and loads reference data on first run. */
export async function openReadyDatabase(env: Env): Promise<Database> {
  const database = await openDatabase({ dataDir: env.dataDir, databaseUrl: env.databaseUrl })
  try {
    await migrateToLatest(database.db)
    await ensureReferenceData(database.db)
    return database
  } catch (error) {
    await database.close()
    throw error
  }
}
