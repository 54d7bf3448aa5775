import { type Kysely, sql } from 'kysely'

/**
 * Indexes for the filters and joins that had none (issue 9, docs/performance.md): every foreign key a page
 * or a figure filters on, and the sign-in path's role lookup.
 */
const INDEXES: [name: string, definition: string][] = [
  ['follow_up_action_conclusion_idx', 'follow_up_action (conclusion_id)'],
  ['follow_up_action_responsible_idx', 'follow_up_action (responsible_user_id, status)'],
  ['action_update_action_idx', 'action_update (action_id, at)'],
  ['consultation_meeting_idx', 'consultation (meeting_id)'],
  ['consultation_target_org_idx', 'consultation_target (organization_id)'],
  ['consultation_target_country_idx', 'consultation_target (country_code)'],
  ['consultation_response_consultation_idx', 'consultation_response (consultation_id)'],
  ['agenda_meeting_idx', 'agenda (meeting_id, status)'],
  ['meeting_invitation_org_idx', 'meeting_invitation (organization_id)'],
  ['meeting_registration_org_idx', 'meeting_registration (organization_id)'],
  ['role_assignment_user_idx', 'role_assignment (user_id)'],
  ['role_assignment_org_idx', 'role_assignment (organization_id)'],
  ['topic_proposed_by_org_idx', 'topic (proposed_by_organization_id)'],
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, definition] of INDEXES)
    await sql`CREATE INDEX IF NOT EXISTS ${sql.raw(name)} ON ${sql.raw(definition)}`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of INDEXES) await sql`DROP INDEX IF EXISTS ${sql.raw(name)}`.execute(db)
}
