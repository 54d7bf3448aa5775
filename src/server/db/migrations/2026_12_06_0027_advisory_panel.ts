import { type Kysely, sql } from 'kysely'
import { versioned } from './2026_12_06_0018_data_version.ts'

/**
 * The Industry Advisory Panel (issue 11, draft Plenipotentiary resolution): a group of industry executives
 * with a term, principal and alternate members, meetings (meetings of kind advisory_panel linked here), and
 * advice items — the advice given, to which body, the response and what was done — followed up like actions
 * (a status and dated updates) and reported to the Council.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE advisory_panel (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code text NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 30),
    names jsonb NOT NULL,
    sector_id uuid REFERENCES sector (id),
    reports_to_body_id uuid REFERENCES org_body (id),
    term_starts_on date NOT NULL,
    term_ends_on date NOT NULL CHECK (term_ends_on > term_starts_on),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db)
  await sql`CREATE TABLE advisory_panel_member (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    panel_id uuid NOT NULL REFERENCES advisory_panel (id) ON DELETE CASCADE,
    person_id uuid NOT NULL REFERENCES person (id),
    role text NOT NULL CHECK (role IN ('principal', 'alternate')),
    alternate_for uuid REFERENCES advisory_panel_member (id),
    starts_on date NOT NULL,
    ends_on date CHECK (ends_on IS NULL OR ends_on >= starts_on),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'alternate') = (alternate_for IS NOT NULL))
  )`.execute(db)
  await sql`CREATE UNIQUE INDEX advisory_panel_member_key ON advisory_panel_member (panel_id, person_id) WHERE ends_on IS NULL`.execute(
    db,
  )
  await sql`CREATE INDEX advisory_panel_member_person_idx ON advisory_panel_member (person_id)`.execute(db)
  await sql`ALTER TABLE meeting ADD COLUMN panel_id uuid REFERENCES advisory_panel (id)`.execute(db)
  await sql`CREATE INDEX meeting_panel_idx ON meeting (panel_id) WHERE panel_id IS NOT NULL`.execute(db)
  await sql`CREATE TABLE advisory_panel_advice (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    panel_id uuid NOT NULL REFERENCES advisory_panel (id) ON DELETE CASCADE,
    number integer NOT NULL CHECK (number > 0),
    meeting_id uuid REFERENCES meeting (id),
    given_on date NOT NULL,
    advice jsonb NOT NULL,
    addressed_to_body_id uuid REFERENCES org_body (id),
    addressed_to text NOT NULL CHECK (length(addressed_to) BETWEEN 1 AND 60),
    status text NOT NULL DEFAULT 'given'
      CHECK (status IN ('given', 'under_consideration', 'accepted', 'partly_accepted', 'not_accepted', 'implemented')),
    response text,
    responded_on date,
    action_taken text,
    due_date date,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (panel_id, number)
  )`.execute(db)
  await sql`CREATE INDEX advisory_panel_advice_body_idx ON advisory_panel_advice (addressed_to_body_id)`.execute(
    db,
  )
  await sql`CREATE TABLE advisory_panel_advice_update (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    advice_id uuid NOT NULL REFERENCES advisory_panel_advice (id) ON DELETE CASCADE,
    status text NOT NULL,
    note text NOT NULL CHECK (length(note) BETWEEN 1 AND 4000),
    author_user_id uuid REFERENCES app_user (id),
    author_label text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db)
  await sql`CREATE INDEX advisory_panel_advice_update_idx ON advisory_panel_advice_update (advice_id, created_at)`.execute(
    db,
  )
  for (const table of [
    'advisory_panel',
    'advisory_panel_member',
    'advisory_panel_advice',
    'advisory_panel_advice_update',
  ])
    await versioned(db, table)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE advisory_panel_advice_update`.execute(db)
  await sql`DROP TABLE advisory_panel_advice`.execute(db)
  await sql`ALTER TABLE meeting DROP COLUMN panel_id`.execute(db)
  await sql`DROP TABLE advisory_panel_member`.execute(db)
  await sql`DROP TABLE advisory_panel`.execute(db)
}
