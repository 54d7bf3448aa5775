import { type Kysely, sql } from 'kysely'

/**
 * A person's meeting records, found by the person: the subject-access export lists them, and erasing or
 * removing a person checks them. Without these, each is a scan of every invitation, registration and
 * attendance of the whole history.
 */
const INDEXES: [name: string, definition: string][] = [
  ['meeting_attendance_person_idx', 'meeting_attendance (person_id)'],
  ['meeting_invitation_person_idx', 'meeting_invitation (person_id)'],
  ['meeting_invitation_delegate_idx', 'meeting_invitation (delegate_person_id)'],
  ['meeting_registration_person_idx', 'meeting_registration (person_id)'],
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, definition] of INDEXES)
    await sql`CREATE INDEX IF NOT EXISTS ${sql.raw(name)} ON ${sql.raw(definition)}`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of INDEXES) await sql`DROP INDEX IF EXISTS ${sql.raw(name)}`.execute(db)
}
