import type { Context } from 'hono'
import { Hono } from 'hono'
import type { AppEnv } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import { formFields } from '../../http/forms.ts'
import {
  ConfirmButton,
  Csrf,
  ErrorSummary,
  type FormErrors,
  Layout,
  Notice,
  pageCtx,
  TextField,
} from '../../http/layout.tsx'
import { formatDateTime, formatNumber } from '../../i18n/i18n.ts'
import { applyRetention, getRetention, previewRetention, setRetention } from './retention.service.ts'

export const retentionPages = new Hono<AppEnv>()

async function page(c: Context<AppEnv>, opts: { errors?: FormErrors; values?: Record<string, string> } = {}) {
  const ctx = pageCtx(c)
  const db = c.get('deps').database.db
  const [settings, preview] = await Promise.all([
    getRetention(db, ctx.actor),
    previewRetention(db, ctx.actor),
  ])
  const t = ctx.t
  const value = (name: 'registrationMonths' | 'answerTextMonths') =>
    opts.values?.[name] ?? (settings[name] === null ? '' : String(settings[name]))
  return (
    <Layout ctx={ctx} title={t('retention.title')}>
      <h1>{t('retention.title')}</h1>
      <Notice ctx={ctx} />
      <ErrorSummary ctx={ctx} errors={opts.errors} />
      <p>{t('retention.intro')}</p>
      <form method="post" action="/admin/retention">
        <Csrf ctx={ctx} />
        <TextField
          ctx={ctx}
          name="registrationMonths"
          type="number"
          label={t('retention.registration_months')}
          hint={t('retention.registration_hint')}
          value={value('registrationMonths')}
          errors={opts.errors}
        />
        <TextField
          ctx={ctx}
          name="answerTextMonths"
          type="number"
          label={t('retention.answer_text_months')}
          hint={t('retention.answer_text_hint')}
          value={value('answerTextMonths')}
          errors={opts.errors}
        />
        <button type="submit">{t('action.save')}</button>
      </form>
      <h2>{t('retention.now')}</h2>
      <p>
        {t('retention.due', {
          registrations: formatNumber(preview.registrations, ctx.lang),
          responses: formatNumber(preview.responses, ctx.lang),
        })}
      </p>
      <p class="hint">
        {settings.appliedAt
          ? t('retention.applied_at', { when: formatDateTime(settings.appliedAt, ctx.lang) })
          : t('retention.never_applied')}
      </p>
      {preview.registrations || preview.responses ? (
        <ConfirmButton
          ctx={ctx}
          action="/admin/retention/apply"
          label={t('retention.apply')}
          confirm={t('retention.apply_confirm', {
            registrations: formatNumber(preview.registrations, ctx.lang),
            responses: formatNumber(preview.responses, ctx.lang),
          })}
          danger
        />
      ) : null}
    </Layout>
  )
}

retentionPages.get('/admin/retention', async (c) => c.html(await page(c)))

const months = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : Number(v))

retentionPages.post('/admin/retention', async (c) => {
  const f = await formFields(c)
  try {
    await setRetention(c.get('deps').database.db, c.get('actor'), {
      registrationMonths: months(f.registrationMonths),
      answerTextMonths: months(f.answerTextMonths),
    })
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return c.html(await page(c, { errors: error.fieldErrors, values: f }), 422)
    throw error
  }
  return c.redirect('/admin/retention?notice=saved', 303)
})

retentionPages.post('/admin/retention/apply', async (c) => {
  await applyRetention(c.get('deps').database.db, c.get('actor'))
  return c.redirect('/admin/retention?notice=retention_applied', 303)
})
