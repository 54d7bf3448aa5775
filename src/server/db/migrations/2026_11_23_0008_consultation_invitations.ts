import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // One personal invitation per respondent (a focal point or representative) and target. The link's token
  // is stored only as a digest; a reminder replaces it with a fresh one.
  await sql`
    CREATE TABLE consultation_invitation (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      consultation_id uuid NOT NULL REFERENCES consultation(id) ON DELETE CASCADE,
      target_id uuid NOT NULL REFERENCES consultation_target(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      sent_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      reminded_at timestamptz,
      UNIQUE (target_id, user_id)
    )`.execute(db)
  await sql`CREATE INDEX consultation_invitation_consultation_idx ON consultation_invitation (consultation_id)`.execute(
    db,
  )
  // Where a questionnaire was copied from, so the lineage of a question is visible.
  await sql`ALTER TABLE consultation ADD COLUMN copied_from uuid REFERENCES consultation(id) ON DELETE SET NULL`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE consultation DROP COLUMN copied_from`.execute(db)
  await sql`DROP TABLE consultation_invitation`.execute(db)
}
