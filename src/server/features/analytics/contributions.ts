import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { AppError } from '../../http/errors.ts'
import { type Actor, deny, isStaff, representedOrganizationIds } from '../auth/auth.policy.ts'

/**
 * Contributors recognized (issue 8, action plan point 15): what an organization and each of its people
 * did across the process — attendance and the capacity they came in, consultations answered, topics
 * proposed, follow-up actions owned and completed — not only the editors and chairs. Personal data: the
 * secretariat and the organization's own representatives only.
 */
export type PersonContribution = {
  personId: string
  name: string
  meetings: number
  asPrincipal: number
  asAlternate: number
  asSubstitute: number
  asOther: number
}

export type Contributions = {
  organization: { id: string; name: string }
  meetings: number
  consultationsAnswered: number
  topicsProposed: number
  actionsOwned: number
  actionsCompleted: number
  people: PersonContribution[]
}

export function assertMayReadContributions(actor: Actor, organizationId: string) {
  if (isStaff(actor)) return
  if (!representedOrganizationIds(actor).includes(organizationId)) deny(actor)
}

export async function contributions(db: Db, actor: Actor, organizationId: string): Promise<Contributions> {
  assertMayReadContributions(actor, organizationId)
  const org = await db
    .selectFrom('organization')
    .select(['id', 'name'])
    .where('id', '=', organizationId)
    .executeTakeFirst()
  if (!org) throw new AppError('NOT_FOUND')
  const [totals, people] = await Promise.all([
    sql<{ meetings: number; answered: number; topics: number; owned: number; completed: number }>`
      SELECT
        (SELECT count(DISTINCT a.meeting_id) FROM meeting_attendance a JOIN meeting m ON m.id = a.meeting_id
          WHERE a.organization_id = ${organizationId} AND m.status IN ('held', 'concluded'))::int AS meetings,
        (SELECT count(*) FROM consultation_response r JOIN consultation_target t ON t.id = r.target_id
          WHERE t.organization_id = ${organizationId} AND r.state = 'submitted')::int AS answered,
        (SELECT count(*) FROM topic WHERE proposed_by_organization_id = ${organizationId})::int AS topics,
        (SELECT count(*) FROM follow_up_action f WHERE f.responsible_user_id IN (
          SELECT user_id FROM role_assignment WHERE organization_id = ${organizationId}))::int AS owned,
        (SELECT count(*) FROM follow_up_action f WHERE f.status = 'done' AND f.responsible_user_id IN (
          SELECT user_id FROM role_assignment WHERE organization_id = ${organizationId}))::int AS completed`.execute(
      db,
    ),
    sql<{
      person_id: string
      name: string
      meetings: number
      principal: number
      alternate: number
      substitute: number
      other: number
    }>`
      SELECT p.id AS person_id, p.name,
             count(DISTINCT a.meeting_id)::int AS meetings,
             count(*) FILTER (WHERE a.attended_as = 'principal')::int AS principal,
             count(*) FILTER (WHERE a.attended_as = 'alternate')::int AS alternate,
             count(*) FILTER (WHERE a.attended_as = 'substitute')::int AS substitute,
             count(*) FILTER (WHERE a.attended_as = 'other')::int AS other
      FROM meeting_attendance a
      JOIN meeting m ON m.id = a.meeting_id
      JOIN person p ON p.id = a.person_id
      WHERE a.organization_id = ${organizationId} AND m.status IN ('held', 'concluded')
      GROUP BY p.id, p.name
      ORDER BY count(DISTINCT a.meeting_id) DESC, lower(p.name)`.execute(db),
  ])
  const t = totals.rows[0]!
  return {
    organization: org,
    meetings: Number(t.meetings),
    consultationsAnswered: Number(t.answered),
    topicsProposed: Number(t.topics),
    actionsOwned: Number(t.owned),
    actionsCompleted: Number(t.completed),
    people: people.rows.map((r) => ({
      personId: r.person_id,
      name: r.name,
      meetings: Number(r.meetings),
      asPrincipal: Number(r.principal),
      asAlternate: Number(r.alternate),
      asSubstitute: Number(r.substitute),
      asOther: Number(r.other),
    })),
  }
}
