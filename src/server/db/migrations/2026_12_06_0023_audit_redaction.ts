import { type Kysely, sql } from 'kysely'

/**
 * The audit log stays append-only, with one exception: erasing a person (the right to be forgotten) may
 * replace the erased values inside earlier entries' before/after and summary, in a transaction that says
 * so (`SET LOCAL engage.audit_redaction = 'on'`). Who did what, to which id, and when, cannot change, and
 * rows can still never be deleted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE'
        AND current_setting('engage.audit_redaction', true) = 'on'
        AND NEW.id = OLD.id
        AND NEW.occurred_at = OLD.occurred_at
        AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id
        AND NEW.actor_label = OLD.actor_label
        AND NEW.action = OLD.action
        AND NEW.entity_type = OLD.entity_type
        AND NEW.entity_id = OLD.entity_id THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = '42501';
    END $$`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = '42501';
    END $$`.execute(db)
}
