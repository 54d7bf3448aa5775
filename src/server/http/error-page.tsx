import type { Context } from 'hono'
import { ANONYMOUS } from '../features/auth/auth.policy.ts'
import { DEFAULT_LANGUAGE, negotiateLanguage, translator } from '../i18n/i18n.ts'
import type { AppEnv } from './context.ts'
import type { AppError } from './errors.ts'
import { Layout, pageCtx } from './layout.tsx'

export function renderErrorPage(c: Context<AppEnv>, error: AppError) {
  // An error before the request was authenticated (the database unreachable, an unknown static file):
  // the page is still shown, to an anonymous visitor, in the language the browser asks for.
  if (!c.get('t')) {
    const lang = negotiateLanguage(c.req.header('Accept-Language')) ?? DEFAULT_LANGUAGE
    c.set('lang', lang)
    c.set('t', translator(lang))
    c.set('actor', ANONYMOUS)
    c.set('csrfToken', '')
  }
  const ctx = pageCtx(c)
  const t = ctx.t
  return c.html(
    <Layout ctx={ctx} title={t(`errors.${error.code}`)} status="narrow">
      <h1>{t(`errors.${error.code}`)}</h1>
      <p>{t(`errors.${error.code}_help`, { defaultValue: t('errors.generic_help') })}</p>
      <p>
        <a href="/">{t('nav.home')}</a>
      </p>
    </Layout>,
    error.status,
  )
}
