import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'

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

const COMMON_PASSWORDS = new Set([
  'password',
  'password1',
  'password123',
  '123456789012',
  'qwertyuiop',
  'qwertyuiop12',
  'iloveyou1234',
  '111111111111',
  '000000000000',
  'letmein12345',
  'welcome12345',
  'administrator',
  'passw0rd1234',
  'changeme1234',
  'abcdefghijkl',
  'abc123abc123',
  'engage123456',
  'password1234',
  'qwerty123456',
])

/** Returns a reason code when the password is unacceptable, or undefined. */
export function passwordProblem(
  password: string,
  context: string[] = [],
): 'too_short' | 'too_long' | 'too_common' | undefined {
  if (password.length < 12) return 'too_short'
  if (password.length > 256) return 'too_long'
  const lower = password.toLowerCase()
  if (COMMON_PASSWORDS.has(lower) || new Set(lower).size <= 2) return 'too_common'
  if (context.some((c) => c && c.length >= 4 && lower.includes(c.toLowerCase()))) return 'too_common'
  return undefined
}
