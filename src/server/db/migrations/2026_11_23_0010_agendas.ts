import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // The agenda score's weights are settings, visible beside every score they produce.
  await sql`
    CREATE TABLE topic_score_weight (
      component text PRIMARY KEY CHECK (component IN ('strategic','consultation_demand','developing_demand',
        'supports','staleness')),
      weight numeric(6,2) NOT NULL CHECK (weight >= 0 AND weight <= 100),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`
    INSERT INTO topic_score_weight (component, weight) VALUES
      ('strategic', 3), ('consultation_demand', 2), ('developing_demand', 2), ('supports', 1), ('staleness', 1)`.execute(
    db,
  )

  // An agenda is versioned: one working draft per meeting, and published versions that never change.
  await sql`
    CREATE TABLE agenda (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      meeting_id uuid NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
      version integer NOT NULL,
      status text NOT NULL CHECK (status IN ('draft','published')),
      published_at timestamptz,
      published_by uuid REFERENCES app_user(id) ON DELETE SET NULL,
      lock_version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (meeting_id, version)
    )`.execute(db)
  await sql`CREATE UNIQUE INDEX agenda_one_draft ON agenda (meeting_id) WHERE status = 'draft'`.execute(db)

  // An item is a topic (with the reasons it is there, as scored when it was added) or a free item.
  await sql`
    CREATE TABLE agenda_item (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      agenda_id uuid NOT NULL REFERENCES agenda(id) ON DELETE CASCADE,
      position integer NOT NULL,
      session_id uuid REFERENCES meeting_session(id) ON DELETE SET NULL,
      topic_id uuid REFERENCES topic(id),
      titles jsonb NOT NULL DEFAULT '{}',
      note text NOT NULL DEFAULT '',
      reasons jsonb NOT NULL DEFAULT '{}',
      CHECK (topic_id IS NOT NULL OR titles <> '{}'::jsonb)
    )`.execute(db)
  await sql`CREATE INDEX agenda_item_agenda_idx ON agenda_item (agenda_id, position)`.execute(db)
  await sql`CREATE UNIQUE INDEX agenda_item_topic_once ON agenda_item (agenda_id, topic_id) WHERE topic_id IS NOT NULL`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['agenda_item', 'agenda', 'topic_score_weight'])
    await sql`DROP TABLE ${sql.table(t)}`.execute(db)
}
