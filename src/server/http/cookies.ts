import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { AppEnv } from './context.ts'

/** The session, the CSRF token of a visitor not signed in, and a sign-in waiting for its second step. */
export type CookieBase = 'session' | 'csrf' | 'challenge'

/** With Secure cookies the __Host- prefix pins the cookie to this exact host, path / and HTTPS (or localhost). */
export function cookieName(c: Context<AppEnv>, base: CookieBase): string {
  return c.get('deps').env.cookieSecure ? `__Host-engage_${base}` : `engage_${base}`
}

export function readCookie(c: Context<AppEnv>, base: CookieBase): string | undefined {
  return getCookie(c, cookieName(c, base))
}

export function writeCookie(
  c: Context<AppEnv>,
  base: CookieBase,
  value: string,
  maxAgeSeconds?: number,
): void {
  setCookie(c, cookieName(c, base), value, {
    path: '/',
    httpOnly: true,
    secure: c.get('deps').env.cookieSecure,
    sameSite: 'Lax',
    ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}),
  })
}

export function clearCookie(c: Context<AppEnv>, base: CookieBase): void {
  deleteCookie(c, cookieName(c, base), { path: '/', secure: c.get('deps').env.cookieSecure })
}

export const LANG_COOKIE = 'engage_lang'
export function writeLanguageCookie(c: Context<AppEnv>, lang: string): void {
  setCookie(c, LANG_COOKIE, lang, {
    path: '/',
    sameSite: 'Lax',
    maxAge: 365 * 86400,
    secure: c.get('deps').env.cookieSecure,
  })
}
