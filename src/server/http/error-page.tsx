import type { Context } from 'hono'
import type { AppEnv } from './context.ts'
import type { AppError } from './errors.ts'
import { Layout, pageCtx } from './layout.tsx'

export function renderErrorPage(c: Context<AppEnv>, error: AppError) {
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
