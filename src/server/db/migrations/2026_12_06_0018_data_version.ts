import { type Kysely, sql } from 'kysely'

/**
 * A data version for derived figures (docs/performance.md, "Derived figures"). Every transaction that
 * changes a domain table bumps `data_version.version` once, at commit, so a figure computed from the data can
 * be kept in `derived_cache` under the version it saw and served until the next change, by every app
 * instance on one database.
 *
 * How: a statement-level trigger on every domain table marks the transaction (a transaction-local setting)
 * and, the first time only, inserts one row into `data_change`; a deferred constraint trigger on that row
 * bumps the version and deletes the row when the transaction commits. The version row is therefore locked
 * only at commit, after all the transaction's other locks, so two writers cannot deadlock on it, and a bulk
 * insert of a million rows costs one statement-level call, not a million.
 */
export const UNVERSIONED_TABLES = [
  'audit_log',
  'data_change',
  'data_version',
  'derived_cache',
  'idempotency_key',
  'kysely_migration',
  'kysely_migration_lock',
  'one_time_token',
  'outbox_email',
  'rate_limit',
  'recovery_code',
  'report_job',
  'retention_setting',
  'session',
  'sign_in_challenge',
  'totp_credential',
] as const

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE data_version (
    id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    version bigint NOT NULL DEFAULT 1
  )`.execute(db)
  await sql`INSERT INTO data_version DEFAULT VALUES`.execute(db)
  await sql`CREATE TABLE data_change (txid bigint PRIMARY KEY)`.execute(db)
  await sql`CREATE TABLE derived_cache (
    key text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 2000),
    version bigint NOT NULL,
    value jsonb NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db)
  await sql`CREATE FUNCTION engage_mark_data_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('engage.data_changed', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('engage.data_changed', 'on', true);
        INSERT INTO data_change (txid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
      END IF;
      RETURN NULL;
    END $$`.execute(db)
  await sql`CREATE FUNCTION engage_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE data_version SET version = version + 1 WHERE id = 1;
      DELETE FROM data_change WHERE txid = NEW.txid;
      RETURN NULL;
    END $$`.execute(db)
  await sql`CREATE CONSTRAINT TRIGGER data_change_bump AFTER INSERT ON data_change
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION engage_bump_data_version()`.execute(db)
  const { rows } = await sql<{ tablename: string }>`
    SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`.execute(db)
  for (const { tablename } of rows) {
    if ((UNVERSIONED_TABLES as readonly string[]).includes(tablename)) continue
    await versioned(db, tablename)
  }
}

/** Puts a table under the data version; every later migration that creates a domain table calls it. */
export async function versioned(db: Kysely<unknown>, table: string): Promise<void> {
  await sql`CREATE TRIGGER ${sql.raw(`${table}_data_change`)}
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${sql.table(table)}
    FOR EACH STATEMENT EXECUTE FUNCTION engage_mark_data_change()`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ tgname: string; relname: string }>`
    SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE t.tgname LIKE '%\_data\_change' AND NOT t.tgisinternal`.execute(db)
  for (const { tgname, relname } of rows)
    await sql`DROP TRIGGER ${sql.raw(tgname)} ON ${sql.table(relname)}`.execute(db)
  await sql`DROP TABLE data_change, data_version, derived_cache`.execute(db)
  await sql`DROP FUNCTION engage_mark_data_change(), engage_bump_data_version()`.execute(db)
}
