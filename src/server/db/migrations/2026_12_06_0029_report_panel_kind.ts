import { type Kysely, sql } from 'kysely'

/** The Industry Advisory Panel's report to the Council is a report kind of its own (issue 11). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE report_job DROP CONSTRAINT report_job_kind_check`.execute(db)
  await sql`ALTER TABLE report_job ADD CONSTRAINT report_job_kind_check
    CHECK (kind IN ('meeting', 'follow-up', 'wtsa', 'workshop', 'communique', 'panel'))`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM report_job WHERE kind = 'panel'`.execute(db)
  await sql`ALTER TABLE report_job DROP CONSTRAINT report_job_kind_check`.execute(db)
  await sql`ALTER TABLE report_job ADD CONSTRAINT report_job_kind_check
    CHECK (kind IN ('meeting', 'follow-up', 'wtsa', 'workshop', 'communique'))`.execute(db)
}
