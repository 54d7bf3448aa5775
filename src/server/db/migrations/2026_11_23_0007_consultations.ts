import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE consultation (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      titles jsonb NOT NULL,
      purpose text NOT NULL CHECK (purpose IN ('pre_meeting_developing_countries','membership_agenda','meeting_evaluation',
        'workshop_evaluation','process_evaluation','general')),
      meeting_id uuid REFERENCES meeting(id),
      audience jsonb NOT NULL,
      opens_at timestamptz NOT NULL,
      closes_at timestamptz NOT NULL,
      confidentiality text NOT NULL CHECK (confidentiality IN ('secretariat','own','aggregated_public')),
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','open','closed')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (closes_at > opens_at)
    )`.execute(db)

  // Each edit of the questions is a new version; a response names the version it answered.
  await sql`
    CREATE TABLE questionnaire_version (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      consultation_id uuid NOT NULL REFERENCES consultation(id) ON DELETE CASCADE,
      version integer NOT NULL,
      definition jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (consultation_id, version)
    )`.execute(db)

  await sql`
    CREATE TABLE consultation_target (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      consultation_id uuid NOT NULL REFERENCES consultation(id) ON DELETE CASCADE,
      country_code char(2) REFERENCES country(code),
      organization_id uuid REFERENCES organization(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((country_code IS NULL) <> (organization_id IS NULL))
    )`.execute(db)
  await sql`
    CREATE UNIQUE INDEX consultation_target_key ON consultation_target
      (consultation_id, coalesce(country_code, ''), coalesce(organization_id::text, ''))`.execute(db)

  // One response per target: several focal points of one country share it.
  await sql`
    CREATE TABLE consultation_response (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      consultation_id uuid NOT NULL REFERENCES consultation(id) ON DELETE CASCADE,
      target_id uuid NOT NULL UNIQUE REFERENCES consultation_target(id) ON DELETE CASCADE,
      questionnaire_version integer NOT NULL,
      answers jsonb NOT NULL,
      state text NOT NULL CHECK (state IN ('draft','submitted')),
      submitted_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by uuid REFERENCES app_user(id)
    )`.execute(db)

  await sql`
    CREATE TABLE consultation_response_change (
      id bigserial PRIMARY KEY,
      response_id uuid NOT NULL REFERENCES consultation_response(id) ON DELETE CASCADE,
      changed_by uuid REFERENCES app_user(id),
      changed_at timestamptz NOT NULL DEFAULT now(),
      state text NOT NULL,
      answers jsonb NOT NULL
    )`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'consultation_response_change',
    'consultation_response',
    'consultation_target',
    'questionnaire_version',
    'consultation',
  ]) {
    await sql`DROP TABLE ${sql.table(t)}`.execute(db)
  }
}
