import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { inTransaction } from '../../db/transaction.ts'
import { AppError } from '../../http/errors.ts'
import { formatDateTime, type Language, type Localized, pick, type T, translator } from '../../i18n/i18n.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { digest, newSecret } from '../auth/auth.crypto.ts'
import { type Actor, isStaff, type UserActor } from '../auth/auth.policy.ts'
import { createSession, grantsOf } from '../auth/auth.service.ts'
import { enqueueEmail } from '../mail/mail.service.ts'

/**
 * Personal invitations to answer a consultation. Every focal point of a targeted country and every
 * representative of a targeted organization gets an e-mail with a link of their own. A link can be used
 * once, and expires after LINK_DAYS or when the consultation closes, whichever comes first; used, it signs
 * the respondent in and opens their response. A reminder before closing brings a fresh link.
 */
export const LINK_DAYS = 14
/** Reminders go this many days before closing, to those whose country or organization has not submitted. */
export const REMINDER_DAYS = 3

export function invitationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/c/${encodeURIComponent(token)}`
}

type Pending = {
  consultation_id: string
  target_id: string
  user_id: string
  email: string
  name: string
  preferred_language: string | null
  titles: Localized
  closes_at: Date
  country_names: Localized | null
  organization_name: string | null
}

function linkExpiry(now: Date, closesAt: Date): Date {
  return new Date(Math.min(now.getTime() + LINK_DAYS * 86400_000, closesAt.getTime()))
}

async function mail(
  trx: Db,
  kind: 'consultation_invitation' | 'consultation_reminder',
  p: Pending,
  link: string,
  expires: Date,
): Promise<void> {
  const lang = (p.preferred_language as Language | null) ?? 'en'
  const t = translator(lang)
  const title = pick(p.titles, lang)
  await enqueueEmail(trx, {
    to: p.email,
    subject: t(`mail.${kind}.subject`, { title }),
    text: t(`mail.${kind}.body`, {
      name: p.name,
      title,
      target: p.country_names ? pick(p.country_names, lang) : (p.organization_name ?? ''),
      closes: formatDateTime(p.closes_at, lang),
      expires: formatDateTime(expires, lang),
      link,
    }),
  })
}

/**
 * Invites every respondent not invited yet, for consultations that are open now (or only the one given).
 * Run when a consultation opens and periodically, so focal points named later are invited too. The insert
 * skips pairs another instance invited meanwhile (ON CONFLICT), so nobody gets two invitations.
 */
export async function dispatchInvitations(
  db: Db,
  publicUrl: string,
  options: { consultationId?: string; now?: Date; limit?: number } = {},
): Promise<number> {
  const now = options.now ?? new Date()
  const run = async (trx: Db) => {
    const { rows } = await sql<Pending>`
      SELECT ct.consultation_id, ct.id AS target_id, u.id AS user_id, u.email, u.name, u.preferred_language,
             c.titles, c.closes_at, co.names AS country_names, o.name AS organization_name
      FROM consultation_target ct
      JOIN consultation c ON c.id = ct.consultation_id
      JOIN role_assignment ra ON (ra.role = 'focal_point' AND ra.country_code = ct.country_code)
                              OR (ra.role = 'member_representative' AND ra.organization_id = ct.organization_id)
      JOIN app_user u ON u.id = ra.user_id AND u.status = 'active'
      LEFT JOIN country co ON co.code = ct.country_code
      LEFT JOIN organization o ON o.id = ct.organization_id
      WHERE c.status = 'open' AND c.opens_at <= ${now} AND c.closes_at > ${now}
        ${options.consultationId ? sql`AND c.id = ${options.consultationId}` : sql``}
        AND NOT EXISTS (SELECT 1 FROM consultation_invitation ci WHERE ci.target_id = ct.id AND ci.user_id = u.id)
        AND NOT EXISTS (SELECT 1 FROM consultation_response r WHERE r.target_id = ct.id AND r.state = 'submitted')
      ORDER BY c.closes_at, ct.id, u.id
      LIMIT ${options.limit ?? 1000}`.execute(trx)
    let sent = 0
    for (const p of rows) {
      const token = newSecret()
      const expires = linkExpiry(now, p.closes_at)
      const inserted = await trx
        .insertInto('consultation_invitation')
        .values({
          consultation_id: p.consultation_id,
          target_id: p.target_id,
          user_id: p.user_id,
          token_hash: digest(token),
          sent_at: now,
          expires_at: expires,
        })
        .onConflict((oc) => oc.columns(['target_id', 'user_id']).doNothing())
        .returning('id')
        .executeTakeFirst()
      if (!inserted) continue
      await mail(trx, 'consultation_invitation', p, invitationLink(publicUrl, token), expires)
      sent++
    }
    return sent
  }
  return options.consultationId ? run(db) : inTransaction(db, run)
}

/**
 * Reminds, once, each invited respondent whose country or organization has not submitted, when the
 * consultation closes within REMINDER_DAYS. Rows are claimed with SKIP LOCKED, so instances never both send.
 */
export async function sendConsultationReminders(
  db: Db,
  publicUrl: string,
  now = new Date(),
  days = REMINDER_DAYS,
): Promise<number> {
  return inTransaction(db, async (trx) => {
    const { rows } = await sql<Pending & { id: string }>`
      SELECT ci.id, ci.consultation_id, ci.target_id, u.id AS user_id, u.email, u.name, u.preferred_language,
             c.titles, c.closes_at, co.names AS country_names, o.name AS organization_name
      FROM consultation_invitation ci
      JOIN consultation c ON c.id = ci.consultation_id
      JOIN consultation_target ct ON ct.id = ci.target_id
      JOIN app_user u ON u.id = ci.user_id AND u.status = 'active'
      LEFT JOIN country co ON co.code = ct.country_code
      LEFT JOIN organization o ON o.id = ct.organization_id
      WHERE ci.reminded_at IS NULL AND c.status = 'open'
        AND c.closes_at > ${now} AND c.closes_at <= ${new Date(now.getTime() + days * 86400_000)}
        AND ci.sent_at <= ${new Date(now.getTime() - 86400_000)}
        AND NOT EXISTS (SELECT 1 FROM consultation_response r WHERE r.target_id = ci.target_id AND r.state = 'submitted')
      ORDER BY ci.id
      LIMIT 1000
      FOR UPDATE OF ci SKIP LOCKED`.execute(trx)
    for (const p of rows) {
      const token = newSecret()
      const expires = linkExpiry(now, p.closes_at)
      await trx
        .updateTable('consultation_invitation')
        .set({ token_hash: digest(token), expires_at: expires, used_at: null, reminded_at: now })
        .where('id', '=', p.id)
        .execute()
      await mail(trx, 'consultation_reminder', p, invitationLink(publicUrl, token), expires)
    }
    return rows.length
  })
}

export type LinkInfo = {
  state: 'valid' | 'used' | 'expired'
  consultationId: string
  targetId: string
  title: string
  target: string
}

/** What a link is for, without using it (the page shown before the respondent confirms). */
export async function inspectLink(db: Db, token: string, lang: Language, now = new Date()) {
  const row = await db
    .selectFrom('consultation_invitation as ci')
    .innerJoin('consultation as c', 'c.id', 'ci.consultation_id')
    .innerJoin('consultation_target as ct', 'ct.id', 'ci.target_id')
    .leftJoin('country as co', 'co.code', 'ct.country_code')
    .leftJoin('organization as o', 'o.id', 'ct.organization_id')
    .select([
      'ci.consultation_id',
      'ci.target_id',
      'ci.used_at',
      'ci.expires_at',
      'c.titles',
      'c.status',
      'co.names as country_names',
      'o.name as organization_name',
    ])
    .where('ci.token_hash', '=', digest(token))
    .executeTakeFirst()
  if (!row) return undefined
  const info: LinkInfo = {
    state: row.used_at ? 'used' : row.expires_at <= now || row.status !== 'open' ? 'expired' : 'valid',
    consultationId: row.consultation_id,
    targetId: row.target_id,
    title: pick(row.titles as Localized, lang),
    target: row.country_names ? pick(row.country_names as Localized, lang) : (row.organization_name ?? ''),
  }
  return info
}

/**
 * Uses a link: marks it used (in the statement that checks it, so two clicks cannot both pass) and signs
 * its respondent in. Staff accounts are never signed in by a link: they sign in with their password.
 */
export async function useLink(
  db: Db,
  token: string,
  userAgent: string | undefined,
  now = new Date(),
): Promise<{ session: { token: string; csrfToken: string }; consultationId: string; targetId: string }> {
  return inTransaction(db, async (trx) => {
    const used = await sql<{ user_id: string; consultation_id: string; target_id: string; id: string }>`
      UPDATE consultation_invitation ci SET used_at = ${now}
      FROM consultation c
      WHERE c.id = ci.consultation_id AND ci.token_hash = ${digest(token)} AND ci.used_at IS NULL
        AND ci.expires_at > ${now} AND c.status = 'open'
      RETURNING ci.id, ci.user_id, ci.consultation_id, ci.target_id`.execute(trx)
    const row = used.rows[0]
    if (!row) throw new AppError('TOKEN_INVALID')
    const user = await trx
      .selectFrom('app_user')
      .select(['id', 'name', 'email', 'status'])
      .where('id', '=', row.user_id)
      .executeTakeFirstOrThrow()
    const grants = (await grantsOf(trx, [user.id])).get(user.id) ?? []
    const actor: UserActor = {
      kind: 'user',
      userId: user.id,
      name: user.name,
      email: user.email,
      grants,
      via: 'session',
    }
    if (user.status !== 'active' || isStaff(actor)) throw new AppError('TOKEN_INVALID')
    const session = await createSession(trx, user.id, userAgent)
    await trx.updateTable('app_user').set({ last_sign_in_at: now }).where('id', '=', user.id).execute()
    await recordAudit(trx, actor, {
      action: 'sign_in',
      entityType: 'user',
      entityId: user.id,
      summary: `consultation link ${row.id}`,
    })
    return { session, consultationId: row.consultation_id, targetId: row.target_id }
  })
}

export type InvitationSummary = {
  /** Countries or organizations with at least one invited respondent. */
  targetsInvited: number
  /** People invited (focal points, representatives). */
  peopleInvited: number
  firstSentAt: string | null
  reminded: number
}

/** Who was asked and when: for the consultation and the meeting pages (staff only). */
export async function invitationSummary(db: Db, actor: Actor, consultationId: string) {
  if (!isStaff(actor)) return null
  const row = await db
    .selectFrom('consultation_invitation')
    .select((eb) => [
      eb.fn.countAll<number>().as('invited'),
      eb.fn.count<number>('target_id').distinct().as('targets'),
      eb.fn.min('sent_at').as('first'),
      eb.fn.count<number>('reminded_at').as('reminded'),
    ])
    .where('consultation_id', '=', consultationId)
    .executeTakeFirstOrThrow()
  const summary: InvitationSummary = {
    targetsInvited: Number(row.targets),
    peopleInvited: Number(row.invited),
    firstSentAt: row.first ? new Date(row.first as Date).toISOString() : null,
    reminded: Number(row.reminded),
  }
  return summary
}

/** "Invited from …: n countries or organizations, m people. Reminders sent: r." (pages and reports). */
export function invitationsText(t: T, lang: Language, i: InvitationSummary | null): string {
  return i?.firstSentAt
    ? t('consultations.invitations_summary', {
        targets: i.targetsInvited,
        people: i.peopleInvited,
        when: formatDateTime(i.firstSentAt, lang),
        reminded: i.reminded,
      })
    : t('consultations.invitations_none')
}

/** "40% (2/5)", or "—" when nobody was asked (pages and reports). */
export function rateText(lang: Language, part: number, whole: number): string {
  if (!whole) return '—'
  const pct = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(part / whole)
  const nf = new Intl.NumberFormat(lang)
  return `${pct} (${nf.format(part)}/${nf.format(whole)})`
}
