import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE meeting (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('cto_meeting','cxo_meeting','workshop','symposium','advisory_panel','consultation_session')),
      titles jsonb NOT NULL,
      group_id uuid REFERENCES engagement_group(id),
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      time_zone text NOT NULL,
      format text NOT NULL CHECK (format IN ('in_person','online','hybrid')),
      city text,
      country_code char(2) REFERENCES country(code),
      host_organization_id uuid REFERENCES organization(id),
      capacity integer CHECK (capacity IS NULL OR capacity > 0),
      seniority_policy text NOT NULL CHECK (seniority_policy IN ('executives_only','executives_preferred','open')),
      registration_deadline timestamptz,
      status text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft','announced','registration_open','registration_closed','held','concluded','cancelled')),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_at > starts_at)
    )`.execute(db)
  await sql`CREATE INDEX meeting_starts_idx ON meeting (starts_at DESC)`.execute(db)
  await sql`CREATE INDEX meeting_group_idx ON meeting (group_id)`.execute(db)

  await sql`
    CREATE TABLE meeting_invitation (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      meeting_id uuid NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
      organization_id uuid NOT NULL REFERENCES organization(id),
      person_id uuid REFERENCES person(id),
      group_role text CHECK (group_role IN ('principal','alternate')),
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','accepted','declined','delegated')),
      delegate_person_id uuid REFERENCES person(id),
      sent_at timestamptz NOT NULL DEFAULT now(),
      responded_at timestamptz,
      reminded_at timestamptz
    )`.execute(db)
  await sql`
    CREATE UNIQUE INDEX meeting_invitation_key ON meeting_invitation
      (meeting_id, organization_id, coalesce(person_id::text, ''))`.execute(db)

  await sql`
    CREATE TABLE meeting_registration (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      meeting_id uuid NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
      organization_id uuid NOT NULL REFERENCES organization(id),
      person_id uuid NOT NULL REFERENCES person(id),
      participation text NOT NULL CHECK (participation IN ('onsite','remote')),
      status text NOT NULL CHECK (status IN ('registered','waitlisted','cancelled')),
      seniority_note text,
      override_reason text,
      created_by uuid REFERENCES app_user(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`
    CREATE UNIQUE INDEX meeting_registration_person_key ON meeting_registration (meeting_id, person_id)
    WHERE status <> 'cancelled'`.execute(db)

  // Attendance is its own fact: who was there and in which capacity, however they registered.
  await sql`
    CREATE TABLE meeting_attendance (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      meeting_id uuid NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
      organization_id uuid NOT NULL REFERENCES organization(id),
      person_id uuid REFERENCES person(id),
      attended_as text NOT NULL CHECK (attended_as IN ('principal','alternate','substitute','other')),
      captured_by text NOT NULL CHECK (captured_by IN ('check_in','list','self_declared')),
      captured_at timestamptz NOT NULL DEFAULT now(),
      recorded_by uuid REFERENCES app_user(id)
    )`.execute(db)
  await sql`
    CREATE UNIQUE INDEX meeting_attendance_key ON meeting_attendance
      (meeting_id, organization_id, coalesce(person_id::text, ''))`.execute(db)
  await sql`CREATE INDEX meeting_attendance_org_idx ON meeting_attendance (organization_id)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['meeting_attendance', 'meeting_registration', 'meeting_invitation', 'meeting']) {
    await sql`DROP TABLE ${sql.table(t)}`.execute(db)
  }
}
