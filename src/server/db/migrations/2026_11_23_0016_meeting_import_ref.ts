import { type Kysely, sql } from 'kysely'

/** A past meeting imported from a file keeps the file's reference, so a second import finds it again. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE meeting ADD COLUMN import_ref text CHECK (import_ref IS NULL OR length(import_ref) BETWEEN 1 AND 80)`.execute(
    db,
  )
  await sql`CREATE UNIQUE INDEX meeting_import_ref_key ON meeting (import_ref) WHERE import_ref IS NOT NULL`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE meeting DROP COLUMN import_ref`.execute(db)
}
