import { type Kysely, sql } from 'kysely'

/** Circulars to the membership (action plan AP5) and the feedback they bring back. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE circular (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      number text NOT NULL UNIQUE CHECK (length(number) BETWEEN 1 AND 40),
      issued_on date NOT NULL,
      subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
      audience text NOT NULL CHECK (audience IN ('membership','member_states','sector_members','associates','academia')),
      item_code text NOT NULL DEFAULT 'AP5',
      file_name text,
      content_type text,
      size_bytes integer,
      sha256 text,
      content bytea,
      sent_at timestamptz,
      sent_by text,
      recipients integer,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((content IS NULL) = (file_name IS NULL))
    )`.execute(db)
  await sql`
    CREATE TABLE circular_feedback (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      circular_id uuid NOT NULL REFERENCES circular(id) ON DELETE CASCADE,
      from_kind text NOT NULL CHECK (from_kind IN ('regional_group','member')),
      from_label text NOT NULL CHECK (length(from_label) BETWEEN 1 AND 200),
      organization_id uuid REFERENCES organization(id),
      received_on date NOT NULL,
      summary text NOT NULL CHECK (length(summary) BETWEEN 1 AND 4000),
      reference text NOT NULL DEFAULT '',
      recorded_by text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX circular_feedback_circular_idx ON circular_feedback (circular_id, received_on)`.execute(
    db,
  )
  // The indicator of AP5: feedback received on the circulars issued in a period.
  await sql`
    INSERT INTO indicator (code, name, definition, unit, direction, kind, query, item_code)
    VALUES ('circular_feedback', 'Feedback received on circulars', '', 'count', 'increase', 'computed', 'circular_feedback', 'AP5')
    ON CONFLICT (code) DO NOTHING`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM indicator WHERE code = 'circular_feedback'`.execute(db)
  for (const t of ['circular_feedback', 'circular']) await sql`DROP TABLE ${sql.table(t)}`.execute(db)
}
