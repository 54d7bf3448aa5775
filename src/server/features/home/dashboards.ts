import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { type Language, pick } from '../../i18n/i18n.ts'
import { type Actor, isStaff, isUser, representedOrganizationIds } from '../auth/auth.policy.ts'
import { listIndicators, planPeriod } from '../plan/plan.service.ts'

/** What the secretariat needs to see first: is each coming meeting ready, what is late, what is off track. */
export async function secretariatDashboard(db: Db, actor: Actor, lang: Language) {
  if (!isStaff(actor)) return null
  const today = new Date().toISOString().slice(0, 10)
  const [readiness, overdue, indicators] = await Promise.all([
    sql<{
      id: string
      titles: Record<string, string>
      starts_at: Date
      consulted: boolean
      agenda_published: boolean
      invited: number
      answered: number
    }>`
      SELECT m.id, m.titles, m.starts_at,
        EXISTS (SELECT 1 FROM consultation c WHERE c.meeting_id = m.id AND c.status <> 'draft') AS consulted,
        EXISTS (SELECT 1 FROM agenda a WHERE a.meeting_id = m.id AND a.published_at IS NOT NULL) AS agenda_published,
        (SELECT count(*) FROM meeting_invitation i WHERE i.meeting_id = m.id)::int AS invited,
        (SELECT count(*) FROM meeting_invitation i WHERE i.meeting_id = m.id AND i.state <> 'pending')::int AS answered
      FROM meeting m
      WHERE m.starts_at > now() AND m.status NOT IN ('draft', 'cancelled')
      ORDER BY m.starts_at LIMIT 5`.execute(db),
    db
      .selectFrom('follow_up_action')
      .select(['owner_body', sql<number>`count(*)::int`.as('n')])
      .where('status', 'in', ['open', 'in_progress'])
      .where('due_date', '<', today)
      .groupBy('owner_body')
      .orderBy('owner_body')
      .execute(),
    // The same period as the indicators page, so both name the same indicators off track.
    listIndicators(db, actor, planPeriod(), today),
  ])
  return {
    meetings: readiness.rows.map((r) => ({
      id: r.id,
      title: pick(r.titles, lang),
      startsAt: r.starts_at.toISOString(),
      consulted: r.consulted,
      agendaPublished: r.agenda_published,
      invited: Number(r.invited),
      answered: Number(r.answered),
    })),
    overdue: overdue.map((o) => ({ body: o.owner_body, n: Number(o.n) })),
    offTrack: indicators
      .filter((i) => i.status === 'off_track' || i.status === 'deteriorating')
      .map((i) => ({ code: i.code, name: i.name, status: i.status })),
  }
}

/** A member representative's invitations, registrations and the actions they answer for. */
export async function memberDashboard(db: Db, actor: Actor, lang: Language) {
  const orgs = representedOrganizationIds(actor)
  if (!isUser(actor) || !orgs.length) return null
  const [invitations, registrations, actions] = await Promise.all([
    db
      .selectFrom('meeting_invitation as i')
      .innerJoin('meeting as m', 'm.id', 'i.meeting_id')
      .select(['m.id', 'm.titles', 'm.starts_at', 'i.state'])
      .where('i.organization_id', 'in', orgs)
      .where('m.starts_at', '>', new Date())
      .where('m.status', 'not in', ['draft', 'cancelled'])
      .orderBy('m.starts_at')
      .limit(10)
      .execute(),
    db
      .selectFrom('meeting_registration as r')
      .innerJoin('meeting as m', 'm.id', 'r.meeting_id')
      .innerJoin('person as p', 'p.id', 'r.person_id')
      .select(['m.id', 'm.titles', 'm.starts_at', 'r.status', 'p.name as person'])
      .where('r.organization_id', 'in', orgs)
      .where('m.starts_at', '>', new Date())
      .orderBy('m.starts_at')
      .limit(10)
      .execute(),
    // The organization's actions: those its representatives (this user included) answer for.
    db
      .selectFrom('follow_up_action as a')
      .innerJoin('app_user as u', 'u.id', 'a.responsible_user_id')
      .select(['a.id', 'a.what', 'a.due_date', 'a.status', 'u.name as responsible'])
      .where((eb) =>
        eb.or([
          eb('a.responsible_user_id', '=', actor.userId),
          eb(
            'a.responsible_user_id',
            'in',
            eb
              .selectFrom('role_assignment')
              .select('user_id')
              .where('role', '=', 'member_representative')
              .where('organization_id', 'in', orgs),
          ),
        ]),
      )
      .where('a.status', 'in', ['open', 'in_progress'])
      .orderBy('a.due_date')
      .limit(10)
      .execute(),
  ])
  const meeting = (r: { id: string; titles: unknown; starts_at: Date }) => ({
    id: r.id,
    title: pick(r.titles as Record<string, string>, lang),
    startsAt: r.starts_at.toISOString(),
  })
  return {
    invitations: invitations.map((r) => ({ ...meeting(r), state: r.state })),
    registrations: registrations.map((r) => ({ ...meeting(r), status: r.status, person: r.person })),
    actions: actions.map((a) => ({
      id: a.id,
      what: pick(a.what as Record<string, string>, lang),
      dueDate: a.due_date,
      status: a.status,
      responsible: a.responsible,
    })),
  }
}

/** A focal point's country: the consultations asking it, and whether its answer is in. */
export async function focalPointDashboard(db: Db, actor: Actor, lang: Language) {
  if (!isUser(actor)) return null
  const countries = actor.grants
    .filter((g) => g.role === 'focal_point' && g.countryCode)
    .map((g) => g.countryCode!)
  if (!countries.length) return null
  const rows = await db
    .selectFrom('consultation_target as t')
    .innerJoin('consultation as c', 'c.id', 't.consultation_id')
    .leftJoin('consultation_response as r', 'r.target_id', 't.id')
    .select(['c.id', 'c.titles', 'c.status', 'c.closes_at', 't.country_code', 'r.state as answer'])
    .where('t.country_code', 'in', countries)
    .where('c.status', '<>', 'draft')
    .orderBy('c.closes_at', 'desc')
    .limit(10)
    .execute()
  return rows.map((r) => ({
    id: r.id,
    title: pick(r.titles as Record<string, string>, lang),
    status: r.status,
    closesAt: r.closes_at.toISOString(),
    country: r.country_code!,
    answer: r.answer ?? null,
  }))
}

/** For everyone, signed in or not: the latest held meetings and the results published openly. */
export async function publicDashboard(db: Db, lang: Language) {
  const [past, results] = await Promise.all([
    db
      .selectFrom('meeting')
      .select(['id', 'titles', 'starts_at', 'city'])
      .where('status', 'in', ['held', 'concluded'])
      .orderBy('starts_at', 'desc')
      .limit(5)
      .execute(),
    db
      .selectFrom('consultation')
      .select(['id', 'titles', 'closes_at'])
      .where('confidentiality', '=', 'aggregated_public')
      .where('status', '=', 'closed')
      .orderBy('closes_at', 'desc')
      .limit(5)
      .execute(),
  ])
  return {
    past: past.map((m) => ({
      id: m.id,
      title: pick(m.titles as Record<string, string>, lang),
      startsAt: m.starts_at.toISOString(),
      city: m.city,
    })),
    results: results.map((c) => ({
      id: c.id,
      title: pick(c.titles as Record<string, string>, lang),
      closesAt: c.closes_at.toISOString(),
    })),
  }
}
