import { type Kysely, sql } from 'kysely'

// A calendar client cannot sign in: a personal feed is reached through a secret link, which its owner
// can replace at any time. Only the SHA-256 of the secret is stored.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE app_user ADD COLUMN calendar_token_hash text`.execute(db)
  await sql`CREATE UNIQUE INDEX app_user_calendar_token_key ON app_user (calendar_token_hash)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE app_user DROP COLUMN calendar_token_hash`.execute(db)
}
