import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // A report being generated, or generated and not issued (a draft). Jobs live in the database so any
  // instance can run them and any instance can show their progress.
  await sql`
    CREATE TABLE report_job (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('meeting','follow-up','wtsa','workshop','communique')),
      params jsonb NOT NULL,
      lang text NOT NULL CHECK (lang IN ('ar','en','es','fr','ru','zh')),
      as_of timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','done','failed')),
      progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
      step text NOT NULL DEFAULT '',
      model jsonb,
      error text,
      findings_edited_by text,
      findings_edited_at timestamptz,
      requested_by uuid REFERENCES app_user(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz
    )`.execute(db)
  await sql`CREATE INDEX report_job_queue_idx ON report_job (created_at) WHERE status IN ('queued','running')`.execute(
    db,
  )

  // An issued report: the exact model that went out, who issued it and when, and its checksum, so it can be
  // rendered again byte for byte in any format and compared with a later draft. Never updated.
  await sql`
    CREATE TABLE report_issue (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      job_id uuid REFERENCES report_job(id) ON DELETE SET NULL,
      kind text NOT NULL,
      params jsonb NOT NULL,
      lang text NOT NULL,
      as_of timestamptz NOT NULL,
      document_number text NOT NULL CHECK (length(document_number) BETWEEN 1 AND 60),
      title text NOT NULL,
      model jsonb NOT NULL,
      checksum text NOT NULL,
      issued_by uuid REFERENCES app_user(id) ON DELETE SET NULL,
      issued_by_label text NOT NULL,
      issued_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX report_issue_kind_idx ON report_issue (kind, issued_at DESC)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['report_issue', 'report_job']) await sql`DROP TABLE ${sql.table(t)}`.execute(db)
}
