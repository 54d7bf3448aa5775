import { type Kysely, sql } from 'kysely'

/** Open follow-up actions on a topic count in the agenda score (they need the meeting's attention). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE topic_score_weight DROP CONSTRAINT topic_score_weight_component_check`.execute(db)
  await sql`
    ALTER TABLE topic_score_weight ADD CONSTRAINT topic_score_weight_component_check
      CHECK (component IN ('strategic','consultation_demand','developing_demand','supports','open_actions','staleness'))`.execute(
    db,
  )
  await sql`INSERT INTO topic_score_weight (component, weight) VALUES ('open_actions', 1)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM topic_score_weight WHERE component = 'open_actions'`.execute(db)
  await sql`ALTER TABLE topic_score_weight DROP CONSTRAINT topic_score_weight_component_check`.execute(db)
  await sql`
    ALTER TABLE topic_score_weight ADD CONSTRAINT topic_score_weight_component_check
      CHECK (component IN ('strategic','consultation_demand','developing_demand','supports','staleness'))`.execute(
    db,
  )
}
