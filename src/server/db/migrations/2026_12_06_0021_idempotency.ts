import { type Kysely, sql } from 'kysely'

/**
 * Idempotency keys: a client that sends an import again with the same Idempotency-Key (a retry after a
 * timeout) gets the first answer back instead of a second import. The key is stored in the import's own
 * transaction, so it exists exactly when the import was committed; a concurrent duplicate waits on the
 * primary key and then reads the stored answer. Kept a day.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE idempotency_key (
    user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    scope text NOT NULL,
    request_hash text NOT NULL,
    response jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
  )`.execute(db)
  await sql`CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE idempotency_key`.execute(db)
}
