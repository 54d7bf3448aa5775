import { type Kysely, sql } from 'kysely'

/**
 * Two-step sign-in (TOTP, RFC 6238). A credential is confirmed once its owner has entered a code from it;
 * `last_step` refuses a code twice. Recovery codes are stored as digests and used once. A sign-in
 * challenge is what a correct password gives an account that needs a second step: a short-lived secret in
 * a cookie, not yet a session, with a bounded number of attempts (and, for an account that must enrol,
 * the secret being enrolled).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE totp_credential (
    user_id uuid PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
    secret text NOT NULL CHECK (length(secret) BETWEEN 16 AND 128),
    confirmed_at timestamptz,
    last_step bigint,
    created_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db)
  await sql`CREATE TABLE recovery_code (
    user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    code_hash text NOT NULL,
    used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, code_hash)
  )`.execute(db)
  await sql`CREATE TABLE sign_in_challenge (
    id text PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    next text NOT NULL,
    enrol_secret text,
    attempts integer NOT NULL DEFAULT 0,
    user_agent text,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db)
  await sql`CREATE INDEX sign_in_challenge_user_idx ON sign_in_challenge (user_id)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE sign_in_challenge`.execute(db)
  await sql`DROP TABLE recovery_code`.execute(db)
  await sql`DROP TABLE totp_credential`.execute(db)
}
