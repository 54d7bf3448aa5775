import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE app_user (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      password_hash text,
      preferred_language text CHECK (preferred_language IN ('ar','en','es','fr','ru','zh')),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','disabled')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      last_sign_in_at timestamptz
    )`.execute(db)
  await sql`CREATE UNIQUE INDEX app_user_email_key ON app_user (email)`.execute(db)

  // A role is scoped: focal_point to one country, member_representative to one organization.
  // The foreign keys to country and organization are added by the directory migration.
  await sql`
    CREATE TABLE role_assignment (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('admin','secretariat','focal_point','member_representative')),
      country_code char(2),
      organization_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((role = 'focal_point') = (country_code IS NOT NULL)),
      CHECK ((role = 'member_representative') = (organization_id IS NOT NULL))
    )`.execute(db)
  await sql`
    CREATE UNIQUE INDEX role_assignment_key ON role_assignment
      (user_id, role, coalesce(country_code, ''), coalesce(organization_id::text, ''))`.execute(db)

  // Only a SHA-256 of each secret token is stored: a database leak yields no usable session.
  await sql`
    CREATE TABLE session (
      id text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      user_agent text
    )`.execute(db)
  await sql`CREATE INDEX session_user_idx ON session (user_id)`.execute(db)

  await sql`
    CREATE TABLE one_time_token (
      id text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
      purpose text NOT NULL CHECK (purpose IN ('sign_in','password_reset','invitation')),
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    )`.execute(db)
  await sql`CREATE INDEX one_time_token_user_idx ON one_time_token (user_id)`.execute(db)

  await sql`
    CREATE TABLE api_token (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      token_hash text NOT NULL UNIQUE,
      token_prefix text NOT NULL,
      scope text NOT NULL CHECK (scope IN ('read','write')),
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      last_used_at timestamptz,
      revoked_at timestamptz
    )`.execute(db)
  await sql`CREATE INDEX api_token_user_idx ON api_token (user_id)`.execute(db)

  // Fixed-window counters shared by every app instance (no rate-limit state in process memory).
  await sql`
    CREATE TABLE rate_limit (
      key text NOT NULL,
      window_start timestamptz NOT NULL,
      hits integer NOT NULL,
      PRIMARY KEY (key, window_start)
    )`.execute(db)

  await sql`
    CREATE TABLE outbox_email (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      to_address text NOT NULL,
      subject text NOT NULL,
      body_text text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      claimed_at timestamptz,
      last_error text
    )`.execute(db)
  await sql`CREATE INDEX outbox_email_pending_idx ON outbox_email (created_at) WHERE sent_at IS NULL`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'outbox_email',
    'rate_limit',
    'api_token',
    'one_time_token',
    'session',
    'role_assignment',
    'app_user',
  ]) {
    await sql`DROP TABLE ${sql.table(t)}`.execute(db)
  }
}
