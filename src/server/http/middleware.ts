import { randomUUID } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { newSecret, safeEqual } from '../features/auth/auth.crypto.ts'
import { ANONYMOUS } from '../features/auth/auth.policy.ts'
import { resolveApiToken, resolveSession } from '../features/auth/auth.service.ts'
import { DEFAULT_LANGUAGE, isLanguage, negotiateLanguage, translator } from '../i18n/i18n.ts'
import type { AppEnv, Deps } from './context.ts'
import { LANG_COOKIE, readCookie, writeCookie, writeLanguageCookie } from './cookies.ts'
import { AppError } from './errors.ts'

export function withDeps(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('deps', deps)
    c.set('requestId', randomUUID())
    await next()
  }
}

export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next()
  // Set on the response's own headers: `c.header` after the handler would rebuild the response around a
  // stream of its body once per header, and lose the server's fast path for a page's string (a CPU profile
  // of the meeting page under load put about 3 % of the process's time there). Headers that cannot be
  // changed (a response passed through from fetch) go the slow way.
  let headers = c.res.headers
  const set = (name: string, value: string) => {
    try {
      headers.set(name, value)
    } catch {
      c.header(name, value)
      headers = c.res.headers
    }
  }
  // A route may set a stricter policy of its own (downloads are sandboxed).
  if (!headers.has('Content-Security-Policy')) {
    set(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    )
  }
  set('X-Content-Type-Options', 'nosniff')
  set('Referrer-Policy', 'same-origin')
  set('X-Frame-Options', 'DENY')
  set('Cross-Origin-Opener-Policy', 'same-origin')
  set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()')
  if (!headers.has('Cache-Control')) set('Cache-Control', 'no-store')
  // Over TLS (directly, or behind a proxy that terminates it for the public https:// address), browsers
  // are told to come back only over TLS for two years.
  if (c.get('deps').env.publicUrl.startsWith('https://') || new URL(c.req.url).protocol === 'https:')
    set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains')
}

/**
 * Who is asking: a bearer API token, else a session cookie, else anonymous. The language follows an
 * explicit ?lang= (remembered in a cookie and on the account), then the account, cookie and browser.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { database } = c.get('deps')
  c.set('actor', ANONYMOUS)
  c.set('sessionId', undefined)
  let accountLanguage: string | null = null
  const authorization = c.req.header('Authorization')
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization)
    const actor = match ? await resolveApiToken(database.db, match[1]!) : undefined
    if (!actor) throw new AppError('UNAUTHENTICATED', { reason: 'token' })
    c.set('actor', actor)
    c.set('csrfToken', '')
  } else {
    const token = readCookie(c, 'session')
    const session = token ? await resolveSession(database.db, token) : undefined
    if (session) {
      c.set('actor', session.actor)
      c.set('sessionId', session.sessionId)
      c.set('csrfToken', session.csrfToken)
      accountLanguage = session.language
    } else {
      // Visitors get a CSRF token too, so the sign-in and reset forms cannot be forged (login CSRF).
      let anon = readCookie(c, 'csrf')
      if (!anon || anon.length < 32) {
        anon = newSecret()
        writeCookie(c, 'csrf', anon)
      }
      c.set('csrfToken', anon)
    }
  }
  const requested = c.req.query('lang')
  let lang = DEFAULT_LANGUAGE
  if (isLanguage(requested)) {
    lang = requested
    writeLanguageCookie(c, requested)
  } else {
    const cookie = getCookie(c, LANG_COOKIE)
    lang = isLanguage(accountLanguage)
      ? accountLanguage
      : isLanguage(cookie)
        ? cookie
        : (negotiateLanguage(c.req.header('Accept-Language')) ?? DEFAULT_LANGUAGE)
  }
  c.set('lang', lang)
  c.set('t', translator(lang))
  await next()
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Every state-changing request made with a cookie must carry the CSRF token (form field _csrf or header
 * X-CSRF-Token) and, when the browser sends one, an Origin of this site. Bearer-token requests carry no
 * ambient credentials and need neither.
 */
export const csrfProtection: MiddlewareHandler<AppEnv> = async (c, next) => {
  const actor = c.get('actor')
  if (SAFE_METHODS.has(c.req.method) || (actor.kind === 'user' && actor.via === 'token')) return next()
  // An anonymous API call carries no credential to abuse: let it reach the route, which answers 401.
  if (actor.kind === 'anonymous' && c.req.path.startsWith('/api/')) return next()
  const origin = c.req.header('Origin')
  if (
    origin &&
    origin !== 'null' &&
    new URL(c.req.url).origin !== origin &&
    c.get('deps').env.publicUrl !== origin
  ) {
    throw new AppError('CSRF_FAILED', { reason: 'origin' })
  }
  const expected = c.get('csrfToken')
  const provided = c.req.header('X-CSRF-Token') ?? (await formToken(c))
  if (!expected || !provided || !safeEqual(expected, provided)) throw new AppError('CSRF_FAILED')
  return next()
}

async function formToken(c: Context<AppEnv>): Promise<string | undefined> {
  const type = c.req.header('Content-Type') ?? ''
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data'))
    return undefined
  const body = await c.req.parseBody()
  const v = body._csrf
  return typeof v === 'string' ? v : undefined
}
