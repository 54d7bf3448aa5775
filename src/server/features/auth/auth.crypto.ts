import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'
import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import * as common from '@zxcvbn-ts/language-common'

// OWASP's argon2id recommendation (m=19 MiB, t=2, p=1). @node-rs/argon2 defaults to argon2id.
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2)
}

export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password)
  } catch {
    return false
  }
}

/** A hash to verify against when the account does not exist, so timing does not reveal which e-mails exist. */
let dummyHash: Promise<string> | undefined
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('not-a-real-password-for-timing-only')
  return dummyHash
}

/** 256 bits of randomness, URL-safe. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** Only this digest is stored; the secret itself lives in the cookie, link or script that holds it. */
export function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * The guessability check: zxcvbn (Dropbox's estimator, maintained as zxcvbn-ts) with its list of about
 * 49,000 passwords seen in breaches, keyboard patterns, sequences, repeats, dates and l33t spellings. A
 * password an attacker would guess in fewer than 10^10 tries (score under 3 of 4) is refused, as is one
 * built on the person's own name or e-mail.
 */
let estimator: ZxcvbnFactory | undefined
function guessability(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs })
  return estimator
}

/** Returns a reason code when the password is unacceptable, or undefined. */
export function passwordProblem(
  password: string,
  context: string[] = [],
): 'too_short' | 'too_long' | 'too_common' | undefined {
  if (password.length < 12) return 'too_short'
  if (password.length > 256) return 'too_long'
  const lower = password.toLowerCase()
  if (new Set(lower).size <= 2) return 'too_common'
  if (context.some((c) => c && c.length >= 4 && lower.includes(c.toLowerCase()))) return 'too_common'
  if (guessability().check(password, context.filter(Boolean)).score < 3) return 'too_common'
  return undefined
}
