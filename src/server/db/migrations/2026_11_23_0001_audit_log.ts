import { type Kysely, sql } from 'kysely'

// The audit log is append-only: the triggers refuse UPDATE and DELETE even from SQL run by the app.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      actor_user_id uuid,
      actor_label text NOT NULL,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id text NOT NULL,
      summary text,
      before jsonb,
      after jsonb
    )`.execute(db)
  await sql`CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, occurred_at DESC)`.execute(
    db,
  )
  await sql`CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, occurred_at DESC)`.execute(db)
  await sql`CREATE INDEX audit_log_time_idx ON audit_log (occurred_at DESC, id DESC)`.execute(db)
  await sql`
    CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = '42501';
    END $$`.execute(db)
  await sql`
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`.execute(db)
  await sql`
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE audit_log`.execute(db)
  await sql`DROP FUNCTION audit_log_is_append_only()`.execute(db)
}
