import { type Kysely, sql } from 'kysely'

/**
 * A follow-up action addressed to a body of the structure keeps a link to it, beside the code it had when
 * the action was made (owner_body, unchanged by later renames). An addressee outside the structure (the CTO
 * group, say) keeps its code only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE follow_up_action ADD COLUMN owner_body_id uuid REFERENCES org_body (id)`.execute(db)
  await sql`CREATE INDEX follow_up_action_owner_body_id_idx ON follow_up_action (owner_body_id) WHERE owner_body_id IS NOT NULL`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE follow_up_action DROP COLUMN owner_body_id`.execute(db)
}
