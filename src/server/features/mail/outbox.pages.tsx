import { Hono } from 'hono'
import type { AppEnv } from '../../http/context.ts'
import { Layout, Pagination, pageCtx } from '../../http/layout.tsx'
import { formatDateTime } from '../../i18n/i18n.ts'
import { listOutbox } from './mail.service.ts'

export const outboxPages = new Hono<AppEnv>()

outboxPages.get('/admin/outbox', async (c) => {
  const ctx = pageCtx(c)
  const page = Math.max(1, Number(c.req.query('page')) || 1)
  const result = await listOutbox(c.get('deps').database.db, ctx.actor, page, 25)
  const smtp = !!c.get('deps').env.smtpUrl
  const t = ctx.t
  return c.html(
    <Layout ctx={ctx} title={t('outbox.title')}>
      <h1>{t('outbox.title')}</h1>
      <p class="hint">{smtp ? t('outbox.smtp_on') : t('outbox.smtp_off')}</p>
      {result.items.length ? (
        result.items.map((m) => (
          <article class="card">
            <h2>{m.subject}</h2>
            <p class="muted">
              {t('outbox.to')}: {m.to} · {formatDateTime(m.createdAt, ctx.lang)} ·{' '}
              {m.sentAt
                ? t('outbox.sent', { when: formatDateTime(m.sentAt, ctx.lang) })
                : smtp
                  ? t('outbox.pending')
                  : t('outbox.not_sent')}
              {m.lastError ? <span class="status-error"> · {m.lastError}</span> : null}
            </p>
            <pre>{m.text}</pre>
          </article>
        ))
      ) : (
        <p class="empty">{t('outbox.none')}</p>
      )}
      <Pagination ctx={ctx} page={page} pageSize={25} total={result.total} />
    </Layout>,
  )
})
