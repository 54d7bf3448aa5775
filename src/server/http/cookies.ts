import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { AppEnv } from './context.ts'

/** With Secure cookies the __Host- prefix pins the cookie to this exact host, path / and HTTPS (or localhost). */
export function cookieName(c: Context<AppEnv>, base: 'session' | 'csrf'): string {
  return c.get('deps').env.cookieSecure ? `__Host-engage_${base}` : `engage_${base}`
}

export function readCookie(c: Context<AppEnv>, base: 'session' | 'csrf'): string | undefined {
  return getCookie(c, cookieName(c, base))
}

export function writeCookie(
  c: Context<AppEnv>,
  base: 'session' | 'csrf',
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

export function clearCookie(c: Context<AppEnv>, base: 'session' | 'csrf'): void {
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
