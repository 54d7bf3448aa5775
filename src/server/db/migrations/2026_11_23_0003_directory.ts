import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE country (
      code char(2) PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'),
      iso3 char(3) NOT NULL,
      names jsonb NOT NULL,
      itu_region text CHECK (itu_region IN ('africa','americas','arab_states','asia_pacific','cis','europe')),
      development_status text NOT NULL CHECK (development_status IN ('developed','developing')),
      ldc boolean NOT NULL DEFAULT false,
      lldc boolean NOT NULL DEFAULT false,
      sids boolean NOT NULL DEFAULT false,
      eit boolean NOT NULL DEFAULT false,
      un_member boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)

  await sql`
    CREATE TABLE organization (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
      category text NOT NULL CHECK (category IN ('member_state','sector_member','associate','academia','other')),
      sme boolean NOT NULL DEFAULT false,
      roa boolean NOT NULL DEFAULT false,
      sio boolean NOT NULL DEFAULT false,
      country_code char(2) NOT NULL REFERENCES country(code),
      segment text,
      website text,
      membership_start date,
      membership_end date,
      archived_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (membership_end IS NULL OR membership_start IS NULL OR membership_end >= membership_start)
    )`.execute(db)
  // Two live organizations cannot share a name in one country.
  await sql`
    CREATE UNIQUE INDEX organization_name_country_key ON organization (lower(name), country_code)
    WHERE archived_at IS NULL`.execute(db)
  await sql`CREATE INDEX organization_country_idx ON organization (country_code)`.execute(db)
  await sql`CREATE INDEX organization_name_idx ON organization (lower(name))`.execute(db)

  await sql`
    CREATE TABLE person (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organization(id),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      title text,
      seniority text NOT NULL CHECK (seniority IN ('c_level','senior_executive','manager','expert')),
      email text,
      phone text,
      preferred_language text CHECK (preferred_language IN ('ar','en','es','fr','ru','zh')),
      public_consent boolean NOT NULL DEFAULT false,
      archived_at timestamptz,
      erased_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX person_organization_idx ON person (organization_id)`.execute(db)
  await sql`CREATE UNIQUE INDEX person_email_key ON person (lower(email)) WHERE email IS NOT NULL AND archived_at IS NULL`.execute(
    db,
  )

  await sql`
    CREATE TABLE engagement_group (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('cto_group','cxo_group','industry_advisory_panel','steering_committee','other')),
      names jsonb NOT NULL,
      descriptions jsonb NOT NULL DEFAULT '{}'::jsonb,
      archived_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)

  // A membership row is one period of an organization in a group with one principal and alternate;
  // changing either ends the row and starts a new one, so the composition's history is kept.
  await sql`
    CREATE TABLE group_membership (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      group_id uuid NOT NULL REFERENCES engagement_group(id),
      organization_id uuid NOT NULL REFERENCES organization(id),
      principal_person_id uuid REFERENCES person(id),
      alternate_person_id uuid REFERENCES person(id),
      start_date date NOT NULL,
      end_date date,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (end_date IS NULL OR end_date >= start_date),
      CHECK (principal_person_id IS NULL OR alternate_person_id IS NULL OR principal_person_id <> alternate_person_id)
    )`.execute(db)
  await sql`
    CREATE UNIQUE INDEX group_membership_current_key ON group_membership (group_id, organization_id)
    WHERE end_date IS NULL`.execute(db)
  await sql`CREATE INDEX group_membership_org_idx ON group_membership (organization_id)`.execute(db)

  await sql`
    ALTER TABLE role_assignment
      ADD FOREIGN KEY (country_code) REFERENCES country(code),
      ADD FOREIGN KEY (organization_id) REFERENCES organization(id)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['group_membership', 'engagement_group', 'person', 'organization', 'country']) {
    await sql`DROP TABLE ${sql.table(t)} CASCADE`.execute(db)
  }
}
