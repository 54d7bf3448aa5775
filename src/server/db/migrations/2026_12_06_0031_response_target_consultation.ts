import { type Kysely, sql } from 'kysely'

/**
 * A response to a target belongs to the target's consultation. The app always wrote it so; the database now
 * holds it too, so a consultation's responses can be counted by the consultation (one index scan) instead
 * of by each of its targets, with the same result.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM consultation_response r JOIN consultation_target t ON t.id = r.target_id
    WHERE t.consultation_id <> r.consultation_id`.execute(db)
  if (Number(rows[0]?.n ?? 0) > 0)
    throw new Error(
      `${rows[0]!.n} consultation responses name a target of another consultation; correct them before this migration`,
    )
  await sql`ALTER TABLE consultation_target ADD CONSTRAINT consultation_target_id_consultation_key
    UNIQUE (id, consultation_id)`.execute(db)
  await sql`ALTER TABLE consultation_response ADD CONSTRAINT consultation_response_target_consultation_fkey
    FOREIGN KEY (target_id, consultation_id) REFERENCES consultation_target (id, consultation_id)
    ON DELETE CASCADE`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE consultation_response DROP CONSTRAINT consultation_response_target_consultation_fkey`.execute(
    db,
  )
  await sql`ALTER TABLE consultation_target DROP CONSTRAINT consultation_target_id_consultation_key`.execute(
    db,
  )
}
