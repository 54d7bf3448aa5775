import { type Kysely, sql } from 'kysely'

/** The records that carry a Sector (issue 11); a null Sector means the record is Union-wide. */
export const SECTOR_TABLES = [
  'meeting',
  'consultation',
  'topic',
  'follow_up_action',
  'plan_version',
  'report_job',
  'report_issue',
] as const

/**
 * Every meeting, consultation, topic, action, report and action plan belongs to one Sector or is Union-wide
 * (sector_id null). Records made before there were Sectors were ITU-T's: they are given the Sector coded
 * ITU-T where it exists (an installation that started before issue 11 has it from the reference data).
 * A secretariat role can be limited to one Sector (role_assignment.sector_id). Reports can be addressed to a
 * body of the structure.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of SECTOR_TABLES) {
    await sql`ALTER TABLE ${sql.table(table)} ADD COLUMN sector_id uuid REFERENCES sector (id)`.execute(db)
    await sql`UPDATE ${sql.table(table)} SET sector_id = (SELECT id FROM sector WHERE code = 'ITU-T')`.execute(
      db,
    )
    await sql`CREATE INDEX ${sql.id(`${table}_sector_idx`)} ON ${sql.table(table)} (sector_id)`.execute(db)
  }
  // Actions made before they could be linked to a body: linked where their code names one body of the
  // structure, existing on the day the action was made.
  await sql`UPDATE follow_up_action a SET owner_body_id = n.body_id
    FROM org_body_name n JOIN org_body b ON b.id = n.body_id
    WHERE a.owner_body_id IS NULL AND lower(n.code) = lower(a.owner_body)
      AND b.starts_on <= a.created_at::date AND (b.ends_on IS NULL OR b.ends_on >= a.created_at::date)
      AND (SELECT count(DISTINCT n2.body_id) FROM org_body_name n2 WHERE lower(n2.code) = lower(a.owner_body)) = 1`.execute(
    db,
  )
  await sql`ALTER TABLE report_job ADD COLUMN addressed_to_body_id uuid REFERENCES org_body (id)`.execute(db)
  await sql`ALTER TABLE report_issue ADD COLUMN addressed_to_body_id uuid REFERENCES org_body (id)`.execute(
    db,
  )
  await sql`CREATE INDEX report_issue_addressed_idx ON report_issue (addressed_to_body_id) WHERE addressed_to_body_id IS NOT NULL`.execute(
    db,
  )

  await sql`ALTER TABLE role_assignment ADD COLUMN sector_id uuid REFERENCES sector (id),
    ADD CONSTRAINT role_assignment_sector_check CHECK (sector_id IS NULL OR role = 'secretariat')`.execute(db)
  await sql`DROP INDEX role_assignment_key`.execute(db)
  await sql`CREATE UNIQUE INDEX role_assignment_key ON role_assignment
    (user_id, role, coalesce(country_code, ''), coalesce(organization_id::text, ''), coalesce(sector_id::text, ''))`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX role_assignment_key`.execute(db)
  await sql`ALTER TABLE role_assignment DROP COLUMN sector_id`.execute(db)
  await sql`CREATE UNIQUE INDEX role_assignment_key ON role_assignment
    (user_id, role, coalesce(country_code, ''), coalesce(organization_id::text, ''))`.execute(db)
  await sql`ALTER TABLE report_issue DROP COLUMN addressed_to_body_id`.execute(db)
  await sql`ALTER TABLE report_job DROP COLUMN addressed_to_body_id`.execute(db)
  for (const table of SECTOR_TABLES)
    await sql`ALTER TABLE ${sql.table(table)} DROP COLUMN sector_id`.execute(db)
}
