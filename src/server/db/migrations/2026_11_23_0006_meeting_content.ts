import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE meeting_session (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      meeting_id uuid NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
      position integer NOT NULL,
      titles jsonb NOT NULL,
      starts_at timestamptz,
      ends_at timestamptz,
      outline text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at)
    )`.execute(db)
  await sql`CREATE INDEX meeting_session_meeting_idx ON meeting_session (meeting_id, position)`.execute(db)

  // Files live in the database, so every app instance serves them and backups hold them.
  await sql`
    CREATE TABLE meeting_document (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      meeting_id uuid NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('agenda','minutes','presentation','report','other')),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
      file_name text NOT NULL,
      content_type text NOT NULL,
      size_bytes integer NOT NULL,
      sha256 text NOT NULL,
      content bytea NOT NULL,
      published boolean NOT NULL DEFAULT false,
      uploaded_by uuid REFERENCES app_user(id),
      uploaded_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX meeting_document_meeting_idx ON meeting_document (meeting_id)`.execute(db)

  await sql`
    CREATE TABLE meeting_minutes_revision (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      meeting_id uuid NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
      revision integer NOT NULL,
      body text NOT NULL,
      state text NOT NULL CHECK (state IN ('draft','final')),
      created_by uuid REFERENCES app_user(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (meeting_id, revision)
    )`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['meeting_minutes_revision', 'meeting_document', 'meeting_session']) {
    await sql`DROP TABLE ${sql.table(t)}`.execute(db)
  }
}
