import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../../http/context.ts'
import { Layout, Pagination, pageCtx, SelectField, TextField } from '../../http/layout.tsx'
import { formatDateTime } from '../../i18n/i18n.ts'
import { listAudit } from './audit.service.ts'

export const auditPages = new Hono<AppEnv>()

const blank = (v: unknown) => (v === '' ? undefined : v)
const AuditFilter = z.object({
  entityType: z.preprocess(blank, z.string().max(50).optional()),
  entityId: z.preprocess(blank, z.string().max(100).optional()),
  actor: z.preprocess(blank, z.string().max(100).optional()),
  action: z.preprocess(blank, z.string().max(30).optional()),
  from: z.preprocess(blank, z.iso.date().optional()),
  to: z.preprocess(blank, z.iso.date().optional()),
  page: z.coerce.number().int().min(1).default(1),
})

const ENTITY_TYPES = [
  'organization',
  'person',
  'group',
  'group_membership',
  'country',
  'user',
  'role_assignment',
  'api_token',
  'organizations',
  'people',
  'countries',
  'demo',
  'meeting',
  'meeting_invitation',
  'meeting_registration',
  'meeting_attendance',
  'meeting_session',
  'meeting_document',
  'meeting_minutes',
]
const ACTIONS = ['create', 'update', 'delete', 'archive', 'restore', 'import', 'erase', 'sign_in', 'revoke']

auditPages.get('/admin/audit', async (c) => {
  const ctx = pageCtx(c)
  const parsed = AuditFilter.safeParse(c.req.query())
  const q = parsed.success ? parsed.data : AuditFilter.parse({})
  const result = await listAudit(c.get('deps').database.db, ctx.actor, { ...q, pageSize: 50 })
  const t = ctx.t
  return c.html(
    <Layout ctx={ctx} title={t('audit.title')}>
      <h1>{t('audit.title')}</h1>
      <p class="hint">{t('audit.intro')}</p>
      {!parsed.success ? <p class="field-error">{t('validation.filters_invalid')}</p> : null}
      <form method="get" class="filters" aria-label={t('action.filter')}>
        <SelectField
          ctx={ctx}
          name="entityType"
          label={t('audit.entity')}
          value={q.entityType}
          options={ENTITY_TYPES.map((e) => ({ value: e, label: t(`entity.${e}`) }))}
          empty={t('filter.all')}
        />
        <SelectField
          ctx={ctx}
          name="action"
          label={t('audit.action')}
          value={q.action}
          options={ACTIONS.map((a) => ({ value: a, label: t(`audit_action.${a}`) }))}
          empty={t('filter.all')}
        />
        <TextField ctx={ctx} name="actor" label={t('audit.actor')} value={q.actor} />
        <TextField ctx={ctx} name="entityId" label={t('audit.entity_id')} value={q.entityId} />
        <TextField ctx={ctx} name="from" label={t('audit.from')} type="date" value={q.from} />
        <TextField ctx={ctx} name="to" label={t('audit.to')} type="date" value={q.to} />
        <div class="actions">
          <button type="submit">{t('action.filter')}</button>
          <a href="/admin/audit">{t('action.clear')}</a>
        </div>
      </form>
      {result.items.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('audit.when')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.entity')}</th>
              <th scope="col">{t('audit.details')}</th>
            </tr>
          </thead>
          <tbody>
            {result.items.map((e) => (
              <tr>
                <td>{formatDateTime(e.occurredAt, ctx.lang)}</td>
                <td>{e.actorLabel}</td>
                <td>{t(`audit_action.${e.action}`, { defaultValue: e.action })}</td>
                <td>
                  {t(`entity.${e.entityType}`, { defaultValue: e.entityType })}{' '}
                  <code>{e.entityId.slice(0, 8)}</code>
                </td>
                <td>
                  {e.summary ? <p>{e.summary}</p> : null}
                  {e.before || e.after ? (
                    <details>
                      <summary>{t('audit.show_change')}</summary>
                      <pre>{JSON.stringify({ before: e.before, after: e.after }, null, 2)}</pre>
                    </details>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty">{t('audit.none')}</p>
      )}
      <Pagination ctx={ctx} page={q.page} pageSize={50} total={result.total} />
    </Layout>,
  )
})
