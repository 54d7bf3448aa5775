import { type Kysely, sql } from 'kysely'
import { versioned } from './2026_12_06_0018_data_version.ts'

/**
 * The organization's structure as data (issue 11): Sectors, and the bodies that meet industry's output —
 * advisory groups, study groups and their working parties and rapporteur groups, the Bureaux, the Council,
 * panels. A body has a life (study groups are re-formed every study period; a merged group names its
 * successor) and a history of names: a record made at a date shows the name the body had then.
 * A body without a Sector is Union-wide (the Council, the Industry Advisory Panel).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE sector (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9-]{1,20}$'),
    names jsonb NOT NULL,
    position integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db)
  await sql`CREATE TABLE org_body (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    sector_id uuid REFERENCES sector (id),
    kind text NOT NULL CHECK (kind IN ('advisory_group', 'study_group', 'working_party', 'rapporteur_group',
      'focus_group', 'bureau', 'council', 'panel', 'other')),
    parent_id uuid REFERENCES org_body (id),
    starts_on date NOT NULL,
    ends_on date CHECK (ends_on IS NULL OR ends_on >= starts_on),
    successor_id uuid REFERENCES org_body (id) CHECK (successor_id IS NULL OR successor_id <> id),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db)
  await sql`CREATE INDEX org_body_sector_idx ON org_body (sector_id, kind, starts_on)`.execute(db)
  await sql`CREATE INDEX org_body_parent_idx ON org_body (parent_id) WHERE parent_id IS NOT NULL`.execute(db)
  await sql`CREATE TABLE org_body_name (
    body_id uuid NOT NULL REFERENCES org_body (id) ON DELETE CASCADE,
    valid_from date NOT NULL,
    code text NOT NULL CHECK (length(code) BETWEEN 1 AND 30),
    names jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (body_id, valid_from)
  )`.execute(db)
  await sql`CREATE INDEX org_body_name_code_idx ON org_body_name (lower(code))`.execute(db)
  for (const table of ['sector', 'org_body', 'org_body_name']) await versioned(db, table)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE org_body_name`.execute(db)
  await sql`DROP TABLE org_body`.execute(db)
  await sql`DROP TABLE sector`.execute(db)
}
