import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { likePattern } from '../../db/search.ts'
import { AppError } from '../../http/errors.ts'
import { type Language, translator } from '../../i18n/i18n.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { enqueueEmail } from '../mail/mail.service.ts'
import { sectorIdOf } from '../structure/scope.ts'
import {
  digest,
  dummyPasswordHash,
  hashPassword,
  newSecret,
  passwordProblem,
  verifyPassword,
} from './auth.crypto.ts'
import {
  type Actor,
  assertAdmin,
  assertSignedIn,
  canManageUsers,
  deny,
  isUser,
  ROLES,
  type Role,
  type RoleGrant,
  type UserActor,
} from './auth.policy.ts'
import { enforce } from './rate-limit.ts'
import { type ChallengeMode, openChallengeIfNeeded } from './two-factor.service.ts'

export const SESSION_ABSOLUTE_HOURS = 7 * 24
export const SESSION_IDLE_HOURS = 12
const RESET_TOKEN_HOURS = 1
const INVITATION_TOKEN_HOURS = 7 * 24
const SIGN_IN_LINK_HOURS = 24
const API_TOKEN_PREFIX = 'eng_'

export type User = {
  id: string
  email: string
  name: string
  status: 'active' | 'disabled'
  preferredLanguage: Language | null
  hasPassword: boolean
  createdAt: string
  lastSignInAt: string | null
  grants: RoleGrant[]
}

type UserRow = {
  id: string
  email: string
  name: string
  status: string
  preferred_language: string | null
  password_hash: string | null
  created_at: Date
  last_sign_in_at: Date | null
}

function toUser(row: UserRow, grants: RoleGrant[]): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    status: row.status as User['status'],
    preferredLanguage: row.preferred_language as Language | null,
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at.toISOString(),
    lastSignInAt: row.last_sign_in_at?.toISOString() ?? null,
    grants,
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

export async function grantsOf(db: Db, userIds: string[]): Promise<Map<string, RoleGrant[]>> {
  const out = new Map<string, RoleGrant[]>()
  if (userIds.length === 0) return out
  const rows = await db
    .selectFrom('role_assignment')
    .select(['id', 'user_id', 'role', 'country_code', 'organization_id', 'sector_id'])
    .where('user_id', 'in', userIds)
    .orderBy('role')
    .execute()
  for (const r of rows) {
    const list = out.get(r.user_id) ?? []
    list.push({
      id: r.id,
      role: r.role as Role,
      countryCode: r.country_code,
      organizationId: r.organization_id,
      sectorId: r.sector_id,
    })
    out.set(r.user_id, list)
  }
  return out
}

function assertPasswordAcceptable(password: string, context: string[]): void {
  const problem = passwordProblem(password, context)
  if (problem)
    throw new AppError('PASSWORD_TOO_WEAK', { reason: problem }, { password: [`password.${problem}`] })
}

// ---------------------------------------------------------------- sessions

export type SessionInfo = {
  actor: UserActor
  sessionId: string
  csrfToken: string
  language: Language | null
}

/**
 * What a correct first factor (a password, or a one-time link and a new password) gives: a session, or for
 * an account with (or needing) two-step sign-in, a challenge that only a code turns into a session.
 */
export type FirstFactorOutcome =
  | { kind: 'session'; token: string; csrfToken: string; user: User }
  | { kind: 'challenge'; challenge: string; mode: ChallengeMode; user: User }

export async function signIn(
  db: Db,
  input: {
    email: string
    password: string
    clientKey: string
    userAgent?: string | undefined
    next?: string | undefined
  },
): Promise<FirstFactorOutcome> {
  const email = normalizeEmail(input.email)
  // Per account and per client: slows guessing one account and spraying many.
  await enforce(db, `sign_in:email:${email}`, 10, 15 * 60)
  await enforce(db, `sign_in:client:${input.clientKey}`, 30, 15 * 60)
  const row = await db.selectFrom('app_user').selectAll().where('email', '=', email).executeTakeFirst()
  const ok = await verifyPassword(row?.password_hash ?? (await dummyPasswordHash()), input.password)
  if (!row?.password_hash || !ok || row.status !== 'active') throw new AppError('INVALID_CREDENTIALS')
  return db.transaction().execute(async (trx): Promise<FirstFactorOutcome> => {
    const grants = (await grantsOf(trx, [row.id])).get(row.id) ?? []
    const challenge = await openChallengeIfNeeded(trx, row.id, grants, input.next ?? '/', input.userAgent)
    if (challenge)
      return {
        kind: 'challenge',
        challenge: challenge.token,
        mode: challenge.mode,
        user: toUser(row, grants),
      }
    const session = await createSession(trx, row.id, input.userAgent)
    await trx.updateTable('app_user').set({ last_sign_in_at: new Date() }).where('id', '=', row.id).execute()
    const actor: UserActor = {
      kind: 'user',
      userId: row.id,
      name: row.name,
      email: row.email,
      grants,
      via: 'session',
    }
    await recordAudit(trx, actor, { action: 'sign_in', entityType: 'user', entityId: row.id })
    return { kind: 'session', ...session, user: toUser(row, grants) }
  })
}

export async function createSession(
  trx: Db,
  userId: string,
  userAgent?: string,
): Promise<{ token: string; csrfToken: string }> {
  const token = newSecret()
  const csrfToken = newSecret()
  await trx
    .insertInto('session')
    .values({
      id: digest(token),
      user_id: userId,
      csrf_token: csrfToken,
      expires_at: new Date(Date.now() + SESSION_ABSOLUTE_HOURS * 3600_000),
      user_agent: userAgent?.slice(0, 300) ?? null,
    })
    .execute()
  return { token, csrfToken }
}

export async function signOut(db: Db, token: string): Promise<void> {
  await db.deleteFrom('session').where('id', '=', digest(token)).execute()
}

/** The actor behind a session cookie, or undefined when the session is unknown, expired or idle too long. */
export async function resolveSession(db: Db, token: string): Promise<SessionInfo | undefined> {
  const id = digest(token)
  const row = await db
    .selectFrom('session')
    .innerJoin('app_user', 'app_user.id', 'session.user_id')
    .select([
      'session.id',
      'session.csrf_token',
      'session.expires_at',
      'session.last_seen_at',
      'app_user.id as user_id',
      'app_user.email',
      'app_user.name',
      'app_user.status',
      'app_user.preferred_language',
    ])
    .where('session.id', '=', id)
    .executeTakeFirst()
  if (!row) return undefined
  const now = Date.now()
  if (
    row.status !== 'active' ||
    row.expires_at.getTime() <= now ||
    row.last_seen_at.getTime() + SESSION_IDLE_HOURS * 3600_000 <= now
  ) {
    await db.deleteFrom('session').where('id', '=', id).execute()
    return undefined
  }
  // Touch at most once a minute: a write on every request would cost more than it tells.
  if (now - row.last_seen_at.getTime() > 60_000) {
    await db.updateTable('session').set({ last_seen_at: new Date() }).where('id', '=', id).execute()
  }
  const grants = (await grantsOf(db, [row.user_id])).get(row.user_id) ?? []
  return {
    actor: { kind: 'user', userId: row.user_id, name: row.name, email: row.email, grants, via: 'session' },
    sessionId: row.id,
    csrfToken: row.csrf_token,
    language: row.preferred_language as Language | null,
  }
}

// ---------------------------------------------------------------- one-time links

type Purpose = 'sign_in' | 'password_reset' | 'invitation'

async function issueOneTimeToken(trx: Db, userId: string, purpose: Purpose, hours: number): Promise<string> {
  const token = newSecret()
  await trx
    .insertInto('one_time_token')
    .values({
      id: digest(token),
      user_id: userId,
      purpose,
      expires_at: new Date(Date.now() + hours * 3600_000),
    })
    .execute()
  return token
}

export function setPasswordLink(publicUrl: string, token: string): string {
  return `${publicUrl}/auth/set-password?token=${encodeURIComponent(token)}`
}

/** Whether a link token can still be used (for showing the form before the user types a password). */
export async function checkOneTimeToken(
  db: Db,
  token: string,
): Promise<{ email: string; purpose: Purpose } | undefined> {
  const row = await db
    .selectFrom('one_time_token')
    .innerJoin('app_user', 'app_user.id', 'one_time_token.user_id')
    .select([
      'app_user.email',
      'one_time_token.purpose',
      'one_time_token.expires_at',
      'one_time_token.used_at',
      'app_user.status',
    ])
    .where('one_time_token.id', '=', digest(token))
    .executeTakeFirst()
  if (!row || row.used_at || row.expires_at.getTime() <= Date.now() || row.status !== 'active')
    return undefined
  return { email: row.email, purpose: row.purpose as Purpose }
}

/**
 * Sets the password from an invitation, reset or first-run link, uses the link up, ends every other
 * session of the account and signs the user in.
 */
export async function setPasswordWithToken(
  db: Db,
  input: { token: string; password: string; userAgent?: string | undefined; next?: string | undefined },
): Promise<FirstFactorOutcome> {
  const passwordHash = await (async () => {
    const info = await checkOneTimeToken(db, input.token)
    if (!info) throw new AppError('TOKEN_INVALID')
    assertPasswordAcceptable(input.password, [info.email.split('@')[0] ?? ''])
    return hashPassword(input.password)
  })()
  return db.transaction().execute(async (trx): Promise<FirstFactorOutcome> => {
    // Marking it used in the same statement that checks it closes the race of two submissions.
    const used = await trx
      .updateTable('one_time_token')
      .set({ used_at: new Date() })
      .where('id', '=', digest(input.token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', new Date())
      .returning(['user_id', 'purpose'])
      .executeTakeFirst()
    if (!used) throw new AppError('TOKEN_INVALID')
    const row = await trx
      .updateTable('app_user')
      .set({ password_hash: passwordHash, updated_at: new Date(), last_sign_in_at: new Date() })
      .where('id', '=', used.user_id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await trx.deleteFrom('session').where('user_id', '=', row.id).execute()
    await trx
      .deleteFrom('one_time_token')
      .where('user_id', '=', row.id)
      .where('used_at', 'is', null)
      .where('purpose', '=', 'password_reset')
      .execute()
    const grants = (await grantsOf(trx, [row.id])).get(row.id) ?? []
    const actor: UserActor = {
      kind: 'user',
      userId: row.id,
      name: row.name,
      email: row.email,
      grants,
      via: 'session',
    }
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'user',
      entityId: row.id,
      summary: `password set (${used.purpose})`,
    })
    const challenge = await openChallengeIfNeeded(trx, row.id, grants, input.next ?? '/', input.userAgent)
    if (challenge)
      return {
        kind: 'challenge',
        challenge: challenge.token,
        mode: challenge.mode,
        user: toUser(row, grants),
      }
    const session = await createSession(trx, row.id, input.userAgent)
    return { kind: 'session', ...session, user: toUser(row, grants) }
  })
}

/** Always answers the same way, whether or not the address has an account (no user enumeration). */
export async function requestPasswordReset(
  db: Db,
  input: { email: string; clientKey: string; publicUrl: string; language: Language },
): Promise<void> {
  const email = normalizeEmail(input.email)
  await enforce(db, `reset:client:${input.clientKey}`, 10, 15 * 60)
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('app_user').selectAll().where('email', '=', email).executeTakeFirst()
    if (row?.status !== 'active') return
    const { rows } = await sql<{ hits: number }>`
      SELECT count(*)::int AS hits FROM one_time_token
      WHERE user_id = ${row.id} AND purpose = 'password_reset' AND created_at > now() - interval '1 hour'`.execute(
      trx,
    )
    if (Number(rows[0]?.hits ?? 0) >= 3) return
    const token = await issueOneTimeToken(trx, row.id, 'password_reset', RESET_TOKEN_HOURS)
    const t = translator((row.preferred_language as Language | null) ?? input.language)
    await enqueueEmail(trx, {
      to: row.email,
      subject: t('mail.reset.subject'),
      text: t('mail.reset.body', {
        name: row.name,
        link: setPasswordLink(input.publicUrl, token),
        hours: RESET_TOKEN_HOURS,
      }),
    })
  })
}

export async function changePassword(
  db: Db,
  actor: Actor,
  input: { current: string; next: string },
): Promise<void> {
  assertSignedIn(actor)
  const row = await db
    .selectFrom('app_user')
    .selectAll()
    .where('id', '=', actor.userId)
    .executeTakeFirstOrThrow()
  if (!row.password_hash || !(await verifyPassword(row.password_hash, input.current))) {
    throw new AppError('INVALID_CREDENTIALS', {}, { current: ['password.wrong'] })
  }
  assertPasswordAcceptable(input.next, [row.email.split('@')[0] ?? '', row.name])
  const passwordHash = await hashPassword(input.next)
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ password_hash: passwordHash, updated_at: new Date() })
      .where('id', '=', row.id)
      .execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'user',
      entityId: row.id,
      summary: 'password changed',
    })
  })
}

/** Ends all sessions of a user but the one given (after a password change, keep the current one). */
export async function endOtherSessions(db: Db, userId: string, keepSessionId?: string): Promise<void> {
  let q = db.deleteFrom('session').where('user_id', '=', userId)
  if (keepSessionId) q = q.where('id', '<>', keepSessionId)
  await q.execute()
}

export async function setPreferredLanguage(db: Db, actor: Actor, language: Language): Promise<void> {
  if (!isUser(actor)) return
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ preferred_language: language, updated_at: new Date() })
      .where('id', '=', actor.userId)
      .execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'user',
      entityId: actor.userId,
      summary: `language ${language}`,
    })
  })
}

// ---------------------------------------------------------------- users and roles

export type GrantInput = {
  role: Role
  countryCode?: string | null | undefined
  organizationId?: string | null | undefined
  /** A Sector's code: limits a secretariat role to that Sector. */
  sector?: string | null | undefined
}

async function validateGrant(
  trx: Db,
  grant: GrantInput,
): Promise<{
  role: Role
  country_code: string | null
  organization_id: string | null
  sector_id: string | null
}> {
  if (!ROLES.includes(grant.role)) throw new AppError('ROLE_SCOPE_INVALID', { role: grant.role })
  if (grant.sector) {
    if (grant.role !== 'secretariat')
      throw new AppError(
        'ROLE_SCOPE_INVALID',
        { role: grant.role },
        { sector: ['role.sector_secretariat_only'] },
      )
    const sectorId = await sectorIdOf(trx, grant.sector).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
        throw new AppError('ROLE_SCOPE_INVALID', { role: grant.role }, error.fieldErrors)
      throw error
    })
    return { role: grant.role, country_code: null, organization_id: null, sector_id: sectorId }
  }
  if (grant.role === 'focal_point') {
    const code = grant.countryCode?.toUpperCase()
    const country = code
      ? await trx.selectFrom('country').select('code').where('code', '=', code).executeTakeFirst()
      : undefined
    if (!country)
      throw new AppError(
        'ROLE_SCOPE_INVALID',
        { role: grant.role },
        { countryCode: ['role.country_required'] },
      )
    return { role: grant.role, country_code: country.code, organization_id: null, sector_id: null }
  }
  if (grant.role === 'member_representative') {
    const org = grant.organizationId
      ? await trx
          .selectFrom('organization')
          .select('id')
          .where('id', '=', grant.organizationId)
          .where('archived_at', 'is', null)
          .executeTakeFirst()
      : undefined
    if (!org)
      throw new AppError(
        'ROLE_SCOPE_INVALID',
        { role: grant.role },
        { organizationId: ['role.organization_required'] },
      )
    return { role: grant.role, country_code: null, organization_id: org.id, sector_id: null }
  }
  return { role: grant.role, country_code: null, organization_id: null, sector_id: null }
}

/**
 * Creates an account (or finds the existing one), gives it the roles and e-mails a link to set a password.
 * Used by admins in the app ("invite") and by the first-run command line ("admin create").
 */
export async function inviteUser(
  db: Db,
  actor: Actor,
  input: {
    email: string
    name: string
    language?: Language | undefined
    grants: GrantInput[]
    publicUrl: string
    purpose?: 'invitation' | 'sign_in'
  },
): Promise<{ user: User; link: string; created: boolean }> {
  if (!canManageUsers(actor)) deny(actor)
  const email = normalizeEmail(input.email)
  return db.transaction().execute(async (trx) => {
    let row = await trx.selectFrom('app_user').selectAll().where('email', '=', email).executeTakeFirst()
    const created = !row
    if (!row) {
      row = await trx
        .insertInto('app_user')
        .values({ email, name: input.name.trim(), preferred_language: input.language ?? null })
        .returningAll()
        .executeTakeFirstOrThrow()
      await recordAudit(trx, actor, {
        action: 'create',
        entityType: 'user',
        entityId: row.id,
        after: { email, name: row.name },
      })
    }
    for (const g of input.grants) {
      const v = await validateGrant(trx, g)
      const inserted = await trx
        .insertInto('role_assignment')
        .values({ user_id: row.id, ...v })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst()
      if (inserted)
        await recordAudit(trx, actor, {
          action: 'create',
          entityType: 'role_assignment',
          entityId: inserted.id,
          after: { userId: row.id, ...v },
        })
    }
    const purpose = input.purpose ?? 'invitation'
    const token = await issueOneTimeToken(
      trx,
      row.id,
      purpose,
      purpose === 'sign_in' ? SIGN_IN_LINK_HOURS : INVITATION_TOKEN_HOURS,
    )
    const link = setPasswordLink(input.publicUrl, token)
    if (purpose === 'invitation') {
      const t = translator((row.preferred_language as Language | null) ?? input.language ?? 'en')
      await enqueueEmail(trx, {
        to: row.email,
        subject: t('mail.invitation.subject'),
        text: t('mail.invitation.body', { name: row.name, link, days: INVITATION_TOKEN_HOURS / 24 }),
      })
    }
    const grants = (await grantsOf(trx, [row.id])).get(row.id) ?? []
    return { user: toUser(row, grants), link, created }
  })
}

export async function listUsers(
  db: Db,
  actor: Actor,
  q: { search?: string | undefined; page: number; pageSize: number },
): Promise<{ items: User[]; total: number }> {
  assertAdmin(actor)
  let query = db.selectFrom('app_user')
  if (q.search) {
    const like = likePattern(q.search)
    query = query.where((eb) => eb.or([eb('email', 'ilike', like), eb('name', 'ilike', like)]))
  }
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy('name')
      .orderBy('id')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  const grants = await grantsOf(
    db,
    rows.map((r) => r.id),
  )
  return { items: rows.map((r) => toUser(r, grants.get(r.id) ?? [])), total: Number(count.n) }
}

export async function getUser(db: Db, actor: Actor, userId: string): Promise<User> {
  if (!(isUser(actor) && actor.userId === userId)) assertAdmin(actor)
  const row = await db.selectFrom('app_user').selectAll().where('id', '=', userId).executeTakeFirst()
  if (!row) throw new AppError('USER_NOT_FOUND')
  return toUser(row, (await grantsOf(db, [row.id])).get(row.id) ?? [])
}

async function countAdmins(trx: Db, exceptGrantId?: string): Promise<number> {
  let q = trx
    .selectFrom('role_assignment')
    .innerJoin('app_user', 'app_user.id', 'role_assignment.user_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('app_user.status', '=', 'active')
  if (exceptGrantId) q = q.where('role_assignment.id', '<>', exceptGrantId)
  return Number((await q.executeTakeFirstOrThrow()).n)
}

export async function assignRole(db: Db, actor: Actor, userId: string, grant: GrantInput): Promise<User> {
  if (!canManageUsers(actor)) deny(actor)
  return db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('app_user').select('id').where('id', '=', userId).executeTakeFirst()
    if (!user) throw new AppError('USER_NOT_FOUND')
    const v = await validateGrant(trx, grant)
    const inserted = await trx
      .insertInto('role_assignment')
      .values({ user_id: userId, ...v })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst()
    if (inserted)
      await recordAudit(trx, actor, {
        action: 'create',
        entityType: 'role_assignment',
        entityId: inserted.id,
        after: { userId, ...v },
      })
    const row = await trx
      .selectFrom('app_user')
      .selectAll()
      .where('id', '=', userId)
      .executeTakeFirstOrThrow()
    return toUser(row, (await grantsOf(trx, [userId])).get(userId) ?? [])
  })
}

/** Removing a role ends the user's sessions: what they could see changes now, not at their next sign-in. */
export async function removeRole(db: Db, actor: Actor, userId: string, grantId: string): Promise<User> {
  if (!canManageUsers(actor)) deny(actor)
  return db.transaction().execute(async (trx) => {
    const grant = await trx
      .selectFrom('role_assignment')
      .selectAll()
      .where('id', '=', grantId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    if (!grant) throw new AppError('NOT_FOUND')
    if (grant.role === 'admin' && (await countAdmins(trx, grant.id)) === 0) throw new AppError('LAST_ADMIN')
    await trx.deleteFrom('role_assignment').where('id', '=', grantId).execute()
    await trx.deleteFrom('session').where('user_id', '=', userId).execute()
    await recordAudit(trx, actor, {
      action: 'delete',
      entityType: 'role_assignment',
      entityId: grantId,
      before: grant,
    })
    const row = await trx
      .selectFrom('app_user')
      .selectAll()
      .where('id', '=', userId)
      .executeTakeFirstOrThrow()
    return toUser(row, (await grantsOf(trx, [userId])).get(userId) ?? [])
  })
}

export async function setUserStatus(
  db: Db,
  actor: Actor,
  userId: string,
  status: 'active' | 'disabled',
): Promise<User> {
  if (!canManageUsers(actor)) deny(actor)
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('app_user').selectAll().where('id', '=', userId).executeTakeFirst()
    if (!before) throw new AppError('USER_NOT_FOUND')
    if (status === 'disabled' && before.status === 'active') {
      const isAdminUser = await trx
        .selectFrom('role_assignment')
        .select('id')
        .where('user_id', '=', userId)
        .where('role', '=', 'admin')
        .executeTakeFirst()
      if (isAdminUser && (await countAdmins(trx)) <= 1) throw new AppError('LAST_ADMIN')
    }
    const row = await trx
      .updateTable('app_user')
      .set({ status, updated_at: new Date() })
      .where('id', '=', userId)
      .returningAll()
      .executeTakeFirstOrThrow()
    if (status === 'disabled') {
      await trx.deleteFrom('session').where('user_id', '=', userId).execute()
      await trx
        .updateTable('api_token')
        .set({ revoked_at: new Date() })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .execute()
    }
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'user',
      entityId: userId,
      before: { status: before.status },
      after: { status },
    })
    return toUser(row, (await grantsOf(trx, [userId])).get(userId) ?? [])
  })
}

// ---------------------------------------------------------------- API tokens

export type ApiToken = {
  id: string
  name: string
  prefix: string
  scope: 'read' | 'write'
  createdAt: string
  expiresAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}

function toApiToken(r: {
  id: string
  name: string
  token_prefix: string
  scope: string
  created_at: Date
  expires_at: Date
  last_used_at: Date | null
  revoked_at: Date | null
}): ApiToken {
  return {
    id: r.id,
    name: r.name,
    prefix: r.token_prefix,
    scope: r.scope as ApiToken['scope'],
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  }
}

/**
 * Creates a personal API token. A user creates their own; the command line (an administrator on the
 * server) may create one for any account by e-mail. The secret is returned once and never stored.
 */
export async function createApiToken(
  db: Db,
  actor: Actor,
  input: { email?: string | undefined; name: string; scope: 'read' | 'write'; days: number },
): Promise<{ token: string; apiToken: ApiToken }> {
  return db.transaction().execute(async (trx) => {
    let userId: string
    if (input.email && !(isUser(actor) && normalizeEmail(input.email) === actor.email)) {
      if (!canManageUsers(actor)) deny(actor)
      const row = await trx
        .selectFrom('app_user')
        .select(['id', 'status'])
        .where('email', '=', normalizeEmail(input.email))
        .executeTakeFirst()
      if (row?.status !== 'active') throw new AppError('USER_NOT_FOUND')
      userId = row.id
    } else {
      assertSignedIn(actor)
      // A token cannot mint tokens: only a signed-in person or the command line can.
      if (actor.via === 'token') deny(actor)
      userId = actor.userId
    }
    const secret = `${API_TOKEN_PREFIX}${newSecret()}`
    const row = await trx
      .insertInto('api_token')
      .values({
        user_id: userId,
        name: input.name.trim(),
        token_hash: digest(secret),
        token_prefix: secret.slice(0, API_TOKEN_PREFIX.length + 6),
        scope: input.scope,
        expires_at: new Date(Date.now() + input.days * 86400_000),
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'api_token',
      entityId: row.id,
      after: { userId, name: row.name, scope: row.scope, expiresAt: row.expires_at },
    })
    return { token: secret, apiToken: toApiToken(row) }
  })
}

export async function listApiTokens(db: Db, actor: Actor): Promise<ApiToken[]> {
  assertSignedIn(actor)
  const rows = await db
    .selectFrom('api_token')
    .selectAll()
    .where('user_id', '=', actor.userId)
    .orderBy('created_at', 'desc')
    .execute()
  return rows.map(toApiToken)
}

export async function revokeApiToken(db: Db, actor: Actor, tokenId: string): Promise<void> {
  assertSignedIn(actor)
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('api_token').selectAll().where('id', '=', tokenId).executeTakeFirst()
    // Someone else's token is reported as absent, not forbidden: its existence is not the caller's business.
    if (!row || (row.user_id !== actor.userId && !canManageUsers(actor))) throw new AppError('NOT_FOUND')
    if (row.revoked_at) return
    await trx.updateTable('api_token').set({ revoked_at: new Date() }).where('id', '=', tokenId).execute()
    await recordAudit(trx, actor, { action: 'revoke', entityType: 'api_token', entityId: tokenId })
  })
}

export async function resolveApiToken(db: Db, secret: string): Promise<UserActor | undefined> {
  if (!secret.startsWith(API_TOKEN_PREFIX)) return undefined
  const row = await db
    .selectFrom('api_token')
    .innerJoin('app_user', 'app_user.id', 'api_token.user_id')
    .select([
      'api_token.id',
      'api_token.scope',
      'api_token.expires_at',
      'api_token.revoked_at',
      'api_token.last_used_at',
      'app_user.id as user_id',
      'app_user.email',
      'app_user.name',
      'app_user.status',
    ])
    .where('api_token.token_hash', '=', digest(secret))
    .executeTakeFirst()
  if (!row || row.revoked_at || row.expires_at.getTime() <= Date.now() || row.status !== 'active')
    return undefined
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('api_token').set({ last_used_at: new Date() }).where('id', '=', row.id).execute()
  }
  const grants = (await grantsOf(db, [row.user_id])).get(row.user_id) ?? []
  return {
    kind: 'user',
    userId: row.user_id,
    name: row.name,
    email: row.email,
    grants,
    via: 'token',
    tokenScope: row.scope as 'read' | 'write',
  }
}

export async function countUsers(db: Db): Promise<number> {
  return Number(
    (
      await db
        .selectFrom('app_user')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )
}

// ---------------------------------------------------------------- calendar link

/** Creates (or replaces) the secret link to the user's own calendar feed; the secret is shown once. */
export async function replaceCalendarToken(db: Db, actor: Actor): Promise<string> {
  assertSignedIn(actor)
  if (actor.via === 'token') deny(actor)
  const secret = newSecret()
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ calendar_token_hash: digest(secret), updated_at: new Date() })
      .where('id', '=', actor.userId)
      .execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'user',
      entityId: actor.userId,
      summary: 'calendar link replaced',
    })
  })
  return secret
}

export async function hasCalendarToken(db: Db, actor: Actor): Promise<boolean> {
  if (!isUser(actor)) return false
  const row = await db
    .selectFrom('app_user')
    .select('calendar_token_hash')
    .where('id', '=', actor.userId)
    .executeTakeFirst()
  return !!row?.calendar_token_hash
}

/** The read-only actor behind a calendar link, or undefined for an unknown link or a disabled account. */
export async function actorByCalendarToken(db: Db, secret: string): Promise<UserActor | undefined> {
  const row = await db
    .selectFrom('app_user')
    .select(['id', 'name', 'email', 'status'])
    .where('calendar_token_hash', '=', digest(secret))
    .executeTakeFirst()
  if (row?.status !== 'active') return undefined
  const grants = (await grantsOf(db, [row.id])).get(row.id) ?? []
  return {
    kind: 'user',
    userId: row.id,
    name: row.name,
    email: row.email,
    grants,
    via: 'token',
    tokenScope: 'read',
  }
}
