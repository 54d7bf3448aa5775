import { type Kysely, sql } from 'kysely'

/** One current action plan per Sector, and one for the Union (issue 11), instead of one in all. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX plan_version_one_current`.execute(db)
  await sql`CREATE UNIQUE INDEX plan_version_one_current ON plan_version ((coalesce(sector_id::text, ''))) WHERE current`.execute(
    db,
  )
}

/** Fails when several Sectors have a current plan: that is what this migration allowed. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX plan_version_one_current`.execute(db)
  await sql`CREATE UNIQUE INDEX plan_version_one_current ON plan_version (current) WHERE current`.execute(db)
}
