import { type Kysely, sql } from 'kysely'

/**
 * Retention of personal data (docs/security.md, "Privacy"): how long meeting registrations and the text
 * of consultation answers are kept once their meeting has ended or their consultation has closed. NULL
 * keeps them. One row; changed by administrators, applied by the daily housekeeping.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE retention_setting (
    id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    registration_months integer CHECK (registration_months BETWEEN 1 AND 600),
    answer_text_months integer CHECK (answer_text_months BETWEEN 1 AND 600),
    applied_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db)
  await sql`INSERT INTO retention_setting DEFAULT VALUES`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE retention_setting`.execute(db)
}
