import { type Kysely, sql } from 'kysely'

/**
 * Indexes found by the `large` benchmark (docs/performance.md): the registration counts every meeting list
 * shows (76 → 7 ms for a page of 100 meetings, an index-only scan per meeting), and the people directory's
 * and organization directories' default order (a top-N sort of every person, 80 ms on 30,000, becomes an
 * index scan of the first page; organizations 16 → 2 ms on 3,000).
 */
const INDEXES: [name: string, definition: string][] = [
  ['meeting_registration_meeting_status_idx', 'meeting_registration (meeting_id, status)'],
  ['person_name_order_idx', 'person (name, lower(name), id)'],
  ['organization_name_order_idx', 'organization (name, lower(name), id)'],
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, definition] of INDEXES)
    await sql`CREATE INDEX IF NOT EXISTS ${sql.raw(name)} ON ${sql.raw(definition)}`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of INDEXES) await sql`DROP INDEX IF EXISTS ${sql.raw(name)}`.execute(db)
}
