import { randomBytes } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import { renderSVG } from 'uqr'
import type { Db } from '../../db/database.ts'
import { AppError } from '../../http/errors.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { digest, newSecret } from './auth.crypto.ts'
import {
  type Actor,
  assertSignedIn,
  canManageUsers,
  deny,
  type RoleGrant,
  type UserActor,
} from './auth.policy.ts'
import { createSession, grantsOf } from './auth.service.ts'
import { enforce } from './rate-limit.ts'

/**
 * Two-step sign-in with a time-based one-time password (TOTP, RFC 6238: SHA-1, 6 digits, 30 s), the kind
 * every authenticator app reads from a QR code. Required for administrators and the secretariat, who can
 * see every Member State's answers and every executive's personal data; anyone else may turn it on.
 *
 * A correct password alone never opens a session for an account that has (or must have) a second step: it
 * opens a sign-in challenge, a short-lived secret in its own cookie, that only a valid code (or a recovery
 * code) turns into a session.
 */

export const ISSUER = 'Engage'
const PERIOD = 30
/** One step either side: a phone clock a little off still works. */
const WINDOW = 1
export const CHALLENGE_MINUTES = 10
/** Wrong codes allowed on one challenge before it is dropped and the password must be given again. */
export const CHALLENGE_ATTEMPTS = 5
export const RECOVERY_CODE_COUNT = 10

/** The roles whose holders must use a second step. */
export function requiresTwoFactor(grants: readonly RoleGrant[]): boolean {
  return grants.some((g) => g.role === 'admin' || g.role === 'secretariat')
}

function totp(secret: string, label: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD,
    secret: Secret.fromBase32(secret),
  })
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

/** What an authenticator app needs: the otpauth:// address, as a QR code (SVG) and as text to type. */
export function enrolment(secret: string, email: string): { uri: string; qrSvg: string; secret: string } {
  const uri = totp(secret, email).toString()
  return {
    uri,
    qrSvg: renderSVG(uri, { border: 2, pixelSize: 5 }),
    secret: secret.replace(/(.{4})/g, '$1 ').trim(),
  }
}

/** The time step a code belongs to, or undefined when it is not valid now (one step of drift allowed). */
function stepOf(secret: string, code: string): number | undefined {
  const clean = code.replace(/\s+/g, '')
  if (!/^\d{6}$/.test(clean)) return undefined
  const delta = totp(secret, '').validate({ token: clean, window: WINDOW })
  if (delta === null) return undefined
  return Math.floor(Date.now() / 1000 / PERIOD) + delta
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'
function newRecoveryCode(): string {
  const bytes = randomBytes(10)
  const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length])
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`
}
function normalizeRecoveryCode(code: string): string {
  return code.trim().toLowerCase().replace(/\s+/g, '')
}

async function replaceRecoveryCodes(trx: Db, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode)
  await trx.deleteFrom('recovery_code').where('user_id', '=', userId).execute()
  await trx
    .insertInto('recovery_code')
    .values(codes.map((c) => ({ user_id: userId, code_hash: digest(c) })))
    .execute()
  return codes
}

export async function hasTwoFactor(db: Db, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('totp_credential')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is not', null)
    .executeTakeFirst()
  return row !== undefined
}

export type TwoFactorStatus = { enabled: boolean; required: boolean; recoveryCodesLeft: number }

export async function twoFactorStatus(db: Db, actor: Actor): Promise<TwoFactorStatus> {
  assertSignedIn(actor)
  const [enabled, left] = await Promise.all([
    hasTwoFactor(db, actor.userId),
    db
      .selectFrom('recovery_code')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', actor.userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ])
  return { enabled, required: requiresTwoFactor(actor.grants), recoveryCodesLeft: Number(left.n) }
}

// ---------------------------------------------------------------- sign-in challenges

export type ChallengeMode = 'verify' | 'enrol'

/**
 * After a correct first factor: undefined when the account needs no second step, else a new challenge
 * (the caller puts its secret in the challenge cookie). Runs inside the caller's transaction.
 */
export async function openChallengeIfNeeded(
  trx: Db,
  userId: string,
  grants: readonly RoleGrant[],
  next: string,
  userAgent?: string,
): Promise<{ token: string; mode: ChallengeMode } | undefined> {
  const enabled = await hasTwoFactor(trx, userId)
  if (!enabled && !requiresTwoFactor(grants)) return undefined
  const token = newSecret()
  // One open challenge per account: a new sign-in replaces the one before.
  await trx.deleteFrom('sign_in_challenge').where('user_id', '=', userId).execute()
  await trx
    .insertInto('sign_in_challenge')
    .values({
      id: digest(token),
      user_id: userId,
      next,
      enrol_secret: enabled ? null : newTotpSecret(),
      user_agent: userAgent?.slice(0, 300) ?? null,
      expires_at: new Date(Date.now() + CHALLENGE_MINUTES * 60_000),
    })
    .execute()
  return { token, mode: enabled ? 'verify' : 'enrol' }
}

export type Challenge = {
  userId: string
  email: string
  name: string
  next: string
  mode: ChallengeMode
  /** Only for an account that must enrol: the secret to show. */
  enrolment?: ReturnType<typeof enrolment>
}

export async function readChallenge(db: Db, token: string): Promise<Challenge | undefined> {
  const row = await db
    .selectFrom('sign_in_challenge')
    .innerJoin('app_user', 'app_user.id', 'sign_in_challenge.user_id')
    .select([
      'sign_in_challenge.user_id',
      'sign_in_challenge.next',
      'sign_in_challenge.enrol_secret',
      'sign_in_challenge.expires_at',
      'app_user.email',
      'app_user.name',
      'app_user.status',
    ])
    .where('sign_in_challenge.id', '=', digest(token))
    .executeTakeFirst()
  if (!row || row.expires_at.getTime() <= Date.now() || row.status !== 'active') return undefined
  return {
    userId: row.user_id,
    email: row.email,
    name: row.name,
    next: row.next,
    mode: row.enrol_secret ? 'enrol' : 'verify',
    ...(row.enrol_secret ? { enrolment: enrolment(row.enrol_secret, row.email) } : {}),
  }
}

/**
 * Turns a challenge into a session when the code is right. A wrong code counts against the challenge
 * (dropped after CHALLENGE_ATTEMPTS) and against the account (rate limit shared by every instance).
 * For an account enrolling, the code must come from the secret shown, and the answer carries the new
 * recovery codes, shown once.
 */
export async function completeChallenge(
  db: Db,
  input: { token: string; code: string; userAgent?: string | undefined },
): Promise<{ token: string; csrfToken: string; next: string; recoveryCodes?: string[] }> {
  const id = digest(input.token)
  const challenge = await db
    .selectFrom('sign_in_challenge')
    .selectAll()
    .where('id', '=', id)
    .where('expires_at', '>', new Date())
    .executeTakeFirst()
  if (!challenge) throw new AppError('CHALLENGE_EXPIRED')
  await enforce(db, `two_factor:user:${challenge.user_id}`, 10, 15 * 60)

  const outcome = await db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('app_user')
      .select(['id', 'name', 'email', 'status'])
      .where('id', '=', challenge.user_id)
      .executeTakeFirstOrThrow()
    if (user.status !== 'active') return { ok: false as const, expired: true }
    const grants = (await grantsOf(trx, [user.id])).get(user.id) ?? []
    const actor: UserActor = {
      kind: 'user',
      userId: user.id,
      name: user.name,
      email: user.email,
      grants,
      via: 'session',
    }
    let recoveryCodes: string[] | undefined
    let method: 'totp' | 'recovery_code'
    if (challenge.enrol_secret) {
      const step = stepOf(challenge.enrol_secret, input.code)
      if (step === undefined) return { ok: false as const, expired: false }
      await trx
        .insertInto('totp_credential')
        .values({
          user_id: user.id,
          secret: challenge.enrol_secret,
          confirmed_at: new Date(),
          last_step: step,
        })
        .onConflict((oc) =>
          oc.column('user_id').doUpdateSet({
            secret: challenge.enrol_secret as string,
            confirmed_at: new Date(),
            last_step: step,
          }),
        )
        .execute()
      recoveryCodes = await replaceRecoveryCodes(trx, user.id)
      await recordAudit(trx, actor, {
        action: 'update',
        entityType: 'user',
        entityId: user.id,
        summary: 'two-step sign-in turned on',
      })
      method = 'totp'
    } else {
      const used = await useCode(trx, user.id, input.code)
      if (!used) return { ok: false as const, expired: false }
      method = used
    }
    await trx.deleteFrom('sign_in_challenge').where('id', '=', id).execute()
    const session = await createSession(trx, user.id, input.userAgent)
    await trx.updateTable('app_user').set({ last_sign_in_at: new Date() }).where('id', '=', user.id).execute()
    await recordAudit(trx, actor, {
      action: 'sign_in',
      entityType: 'user',
      entityId: user.id,
      summary: `second step: ${method}`,
    })
    return { ok: true as const, ...session, next: challenge.next, recoveryCodes }
  })
  if (outcome.ok) {
    const { ok: _ok, recoveryCodes, ...rest } = outcome
    return recoveryCodes ? { ...rest, recoveryCodes } : rest
  }
  if (outcome.expired) throw new AppError('CHALLENGE_EXPIRED')
  // A wrong code: counted in its own statement, so the count survives the refusal.
  const counted = await db
    .updateTable('sign_in_challenge')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .returning('attempts')
    .executeTakeFirst()
  if (!counted || counted.attempts >= CHALLENGE_ATTEMPTS) {
    await db.deleteFrom('sign_in_challenge').where('id', '=', id).execute()
    throw new AppError('CHALLENGE_EXPIRED')
  }
  throw new AppError('CODE_INVALID', { attemptsLeft: CHALLENGE_ATTEMPTS - counted.attempts })
}

/**
 * Checks a code from the account's authenticator (each time step accepted once) or one of its unused
 * recovery codes (used up). Undefined when neither matches.
 */
async function useCode(trx: Db, userId: string, code: string): Promise<'totp' | 'recovery_code' | undefined> {
  const credential = await trx
    .selectFrom('totp_credential')
    .select(['secret', 'last_step'])
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is not', null)
    .forUpdate()
    .executeTakeFirst()
  if (!credential) return undefined
  const step = stepOf(credential.secret, code)
  if (step !== undefined) {
    if (credential.last_step !== null && step <= Number(credential.last_step)) return undefined
    await trx.updateTable('totp_credential').set({ last_step: step }).where('user_id', '=', userId).execute()
    return 'totp'
  }
  const recovery = normalizeRecoveryCode(code)
  if (!/^[a-z0-9]{5}-[a-z0-9]{5}$/.test(recovery)) return undefined
  const used = await trx
    .updateTable('recovery_code')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('code_hash', '=', digest(recovery))
    .where('used_at', 'is', null)
    .returning('user_id')
    .executeTakeFirst()
  return used ? 'recovery_code' : undefined
}

// ---------------------------------------------------------------- the account's own settings

/** Starts (or restarts) turning two-step sign-in on from the account page: an unconfirmed secret. */
export async function beginEnrolment(db: Db, actor: Actor): Promise<ReturnType<typeof enrolment>> {
  assertSignedIn(actor)
  if (actor.via !== 'session') deny(actor)
  if (await hasTwoFactor(db, actor.userId)) throw new AppError('CONFLICT', { reason: 'two_factor_on' })
  const existing = await db
    .selectFrom('totp_credential')
    .select('secret')
    .where('user_id', '=', actor.userId)
    .executeTakeFirst()
  // Reloading the page keeps the secret already scanned.
  if (existing) return enrolment(existing.secret, actor.email)
  const secret = newTotpSecret()
  await db.insertInto('totp_credential').values({ user_id: actor.userId, secret }).execute()
  return enrolment(secret, actor.email)
}

/** Confirms the secret begun with beginEnrolment with a code from it; returns the recovery codes (shown once). */
export async function confirmEnrolment(db: Db, actor: Actor, code: string): Promise<string[]> {
  assertSignedIn(actor)
  if (actor.via !== 'session') deny(actor)
  return db.transaction().execute(async (trx) => {
    const credential = await trx
      .selectFrom('totp_credential')
      .select(['secret', 'confirmed_at'])
      .where('user_id', '=', actor.userId)
      .forUpdate()
      .executeTakeFirst()
    if (!credential) throw new AppError('CHALLENGE_EXPIRED')
    if (credential.confirmed_at) throw new AppError('CONFLICT', { reason: 'two_factor_on' })
    const step = stepOf(credential.secret, code)
    if (step === undefined) throw new AppError('CODE_INVALID', {}, { code: ['two_factor.code_invalid'] })
    await trx
      .updateTable('totp_credential')
      .set({ confirmed_at: new Date(), last_step: step })
      .where('user_id', '=', actor.userId)
      .execute()
    const codes = await replaceRecoveryCodes(trx, actor.userId)
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'user',
      entityId: actor.userId,
      summary: 'two-step sign-in turned on',
    })
    return codes
  })
}

/** New recovery codes (the old ones stop working); needs a current code, so a left-open session is not enough. */
export async function regenerateRecoveryCodes(db: Db, actor: Actor, code: string): Promise<string[]> {
  assertSignedIn(actor)
  if (actor.via !== 'session') deny(actor)
  await enforce(db, `two_factor:user:${actor.userId}`, 10, 15 * 60)
  return db.transaction().execute(async (trx) => {
    if ((await useCode(trx, actor.userId, code)) !== 'totp')
      throw new AppError('CODE_INVALID', {}, { code: ['two_factor.code_invalid'] })
    const codes = await replaceRecoveryCodes(trx, actor.userId)
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'user',
      entityId: actor.userId,
      summary: 'recovery codes replaced',
    })
    return codes
  })
}

/** Turns two-step sign-in off for one's own account: refused where the roles require it; needs a current code. */
export async function disableOwnTwoFactor(db: Db, actor: Actor, code: string): Promise<void> {
  assertSignedIn(actor)
  if (actor.via !== 'session') deny(actor)
  if (requiresTwoFactor(actor.grants)) throw new AppError('TWO_FACTOR_REQUIRED')
  await enforce(db, `two_factor:user:${actor.userId}`, 10, 15 * 60)
  await db.transaction().execute(async (trx) => {
    if (!(await useCode(trx, actor.userId, code)))
      throw new AppError('CODE_INVALID', {}, { code: ['two_factor.code_invalid'] })
    await removeTwoFactor(trx, actor.userId)
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'user',
      entityId: actor.userId,
      summary: 'two-step sign-in turned off',
    })
  })
}

/**
 * An administrator resets another account's second step (a lost phone). The account's sessions end; at its
 * next sign-in it enrols again if its roles require it.
 */
export async function resetTwoFactor(db: Db, actor: Actor, userId: string): Promise<void> {
  if (!canManageUsers(actor)) deny(actor)
  await db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('app_user').select('id').where('id', '=', userId).executeTakeFirst()
    if (!user) throw new AppError('USER_NOT_FOUND')
    await removeTwoFactor(trx, userId)
    await trx.deleteFrom('session').where('user_id', '=', userId).execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'user',
      entityId: userId,
      summary: 'two-step sign-in reset by an administrator',
    })
  })
}

async function removeTwoFactor(trx: Db, userId: string): Promise<void> {
  await trx.deleteFrom('totp_credential').where('user_id', '=', userId).execute()
  await trx.deleteFrom('recovery_code').where('user_id', '=', userId).execute()
  await trx.deleteFrom('sign_in_challenge').where('user_id', '=', userId).execute()
}

/** Expired challenges; run from the periodic housekeeping. */
export async function pruneChallenges(db: Db): Promise<void> {
  await db.deleteFrom('sign_in_challenge').where('expires_at', '<', new Date()).execute()
}
