import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // What a meeting concluded on a topic (or on an agenda item without one).
  await sql`
    CREATE TABLE conclusion (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      meeting_id uuid NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
      topic_id uuid REFERENCES topic(id),
      texts jsonb NOT NULL,
      type text NOT NULL CHECK (type IN ('recommendation','request','observation','decision')),
      created_by uuid REFERENCES app_user(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1
    )`.execute(db)
  await sql`CREATE INDEX conclusion_meeting_idx ON conclusion (meeting_id)`.execute(db)
  await sql`CREATE INDEX conclusion_topic_idx ON conclusion (topic_id)`.execute(db)

  // The work a conclusion asks of a body, with a named responsible person (an account, so reminders reach them).
  await sql`
    CREATE TABLE follow_up_action (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      conclusion_id uuid NOT NULL REFERENCES conclusion(id) ON DELETE CASCADE,
      topic_id uuid REFERENCES topic(id),
      what jsonb NOT NULL,
      owner_body text NOT NULL CHECK (length(owner_body) BETWEEN 2 AND 60),
      responsible_user_id uuid NOT NULL REFERENCES app_user(id),
      due_date date NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','in_progress','done','dropped')),
      version integer NOT NULL DEFAULT 1,
      reminded_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX follow_up_action_body_idx ON follow_up_action (owner_body, status)`.execute(db)
  await sql`CREATE INDEX follow_up_action_topic_idx ON follow_up_action (topic_id)`.execute(db)

  // Progress notes and status changes, with evidence (links, document numbers).
  await sql`
    CREATE TABLE action_update (
      id bigserial PRIMARY KEY,
      action_id uuid NOT NULL REFERENCES follow_up_action(id) ON DELETE CASCADE,
      at timestamptz NOT NULL DEFAULT now(),
      by_user uuid REFERENCES app_user(id) ON DELETE SET NULL,
      by_label text NOT NULL,
      status_from text,
      status_to text,
      note text NOT NULL DEFAULT '',
      evidence text NOT NULL DEFAULT ''
    )`.execute(db)

  // Who leads a body (a study group's chair and vice-chairs, say): they update their body's actions only.
  await sql`
    CREATE TABLE body_lead (
      body text NOT NULL,
      user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (body, user_id)
    )`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['body_lead', 'action_update', 'follow_up_action', 'conclusion'])
    await sql`DROP TABLE ${sql.table(t)}`.execute(db)
}
