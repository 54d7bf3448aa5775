import { type Context, Hono } from 'hono'
import type { AppEnv } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import { formFields, uuidParam } from '../../http/forms.ts'
import {
  Csrf,
  ErrorSummary,
  type FormErrors,
  Layout,
  Notice,
  pageCtx,
  SelectField,
  TextField,
} from '../../http/layout.tsx'
import { assertStaff } from '../auth/auth.policy.ts'
import { assertPlanReader, getPlan } from './plan.service.ts'
import {
  addItem,
  addMilestone,
  type BulkRowError,
  bulkUpdate,
  compareVersions,
  completeMilestone,
  createVersion,
} from './plan-versions.ts'

/** The plan's structure and versions, milestones, and the bulk update: the secretariat's side of the plan. */
export const planAdminPages = new Hono<AppEnv>()

async function versionsPage(c: Context<AppEnv>, form: Record<string, string> = {}, errors?: FormErrors) {
  const ctx = pageCtx(c)
  const { t } = ctx
  assertPlanReader(ctx.actor)
  const db = c.get('deps').database.db
  const plan = await getPlan(db, ctx.actor)
  const q = c.req.query()
  const a = q.a && plan.versions.some((v) => v.code === q.a) ? q.a : undefined
  const b = q.b && plan.versions.some((v) => v.code === q.b) ? q.b : undefined
  const diff =
    a && b ? compareVersions(await getPlan(db, ctx.actor, a), await getPlan(db, ctx.actor, b)) : null
  const options = plan.versions.map((v) => ({
    value: v.code,
    label: `${v.code} — ${v.title}${v.current ? ` (${t('plan.current')})` : ''}`,
  }))
  return c.html(
    <Layout ctx={ctx} title={t('plan.versions')}>
      <p class="breadcrumb">
        <a href="/plan">{t('plan.title')}</a>
      </p>
      <h1>{t('plan.versions')}</h1>
      <Notice ctx={ctx} />
      <table class="data">
        <thead>
          <tr>
            <th scope="col">{t('plan.version_code')}</th>
            <th scope="col">{t('reports.header.title')}</th>
            <th scope="col">{t('field.status')}</th>
          </tr>
        </thead>
        <tbody>
          {plan.versions.map((v) => (
            <tr>
              <td>
                <a href={`/plan?version=${encodeURIComponent(v.code)}`}>{v.code}</a>
              </td>
              <td>{v.title}</td>
              <td>{v.current ? t('plan.current') : t('plan.earlier')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <section aria-labelledby="compare">
        <h2 id="compare">{t('plan.compare_versions')}</h2>
        <form method="get" class="filters" aria-label={t('plan.compare_versions')}>
          <SelectField
            ctx={ctx}
            name="a"
            label={t('plan.from_version')}
            value={a ?? plan.versions[0]?.code}
            options={options}
          />
          <SelectField
            ctx={ctx}
            name="b"
            label={t('plan.to_version')}
            value={b ?? plan.version.code}
            options={options}
          />
          <div class="filter-actions">
            <button type="submit">{t('plan.compare')}</button>
          </div>
        </form>
        {diff ? (
          diff.length ? (
            <table class="data diff">
              <caption>{t('plan.differences', { a, b })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('plan.item')}</th>
                  <th scope="col">{t('reports.change')}</th>
                  <th scope="col">{t('plan.details')}</th>
                </tr>
              </thead>
              <tbody>
                {diff.map((d) => (
                  <tr class={d.change === 'changed' ? undefined : d.change}>
                    <td>{d.code}</td>
                    <td>{t(`plan.changes.${d.change}`)}</td>
                    <td>
                      {d.fields.length ? (
                        <ul>
                          {d.fields.map((f) => (
                            <li>
                              {t(`field.${f.field}`, { defaultValue: f.field })}: {f.before || '—'} →{' '}
                              {f.after || '—'}
                            </li>
                          ))}
                        </ul>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="notice" role="status">
              {t('plan.no_differences')}
            </p>
          )
        ) : null}
      </section>
      <section aria-labelledby="new-version">
        <h2 id="new-version">{t('plan.new_version')}</h2>
        <p class="hint">{t('plan.new_version_hint')}</p>
        <ErrorSummary ctx={ctx} errors={form._form === 'version' ? errors : undefined} />
        <form method="post" action="/plan/versions" class="stack" novalidate>
          <Csrf ctx={ctx} />
          <input type="hidden" name="_form" value="version" />
          <TextField
            ctx={ctx}
            id="f-version-code"
            name="code"
            label={t('plan.version_code')}
            value={form._form === 'version' ? form.code : ''}
            errors={form._form === 'version' ? errors : undefined}
            required
          />
          <TextField
            ctx={ctx}
            id="f-version-title"
            name="title"
            label={t('reports.header.title')}
            value={form._form === 'version' ? form.title : ''}
            errors={form._form === 'version' ? errors : undefined}
            required
          />
          <button type="submit">{t('plan.create_version')}</button>
        </form>
      </section>
      <section aria-labelledby="new-item">
        <h2 id="new-item">{t('plan.new_item')}</h2>
        <ErrorSummary ctx={ctx} errors={form._form === 'item' ? errors : undefined} />
        <form method="post" action="/plan/items" class="stack" novalidate>
          <Csrf ctx={ctx} />
          <input type="hidden" name="_form" value="item" />
          <TextField
            ctx={ctx}
            id="f-item-code"
            name="code"
            label={t('plan.item')}
            hint={t('plan.item_code_hint')}
            value={form._form === 'item' ? form.code : ''}
            errors={form._form === 'item' ? errors : undefined}
            required
          />
          <SelectField
            ctx={ctx}
            name="parentCode"
            label={t('plan.parent')}
            value={form.parentCode ?? ''}
            empty={t('plan.no_parent')}
            options={plan.items.map((i) => ({ value: i.code, label: `${i.code} ${i.shortName ?? ''}` }))}
            errors={form._form === 'item' ? errors : undefined}
          />
          <TextField
            ctx={ctx}
            id="f-item-short"
            name="shortName"
            label={t('plan.short_name')}
            value={form.shortName}
          />
          <TextField
            ctx={ctx}
            id="f-item-text"
            name="text"
            label={t('plan.item_text')}
            value={form.text}
            errors={form._form === 'item' ? errors : undefined}
            required
          />
          <button type="submit">{t('plan.add_item')}</button>
        </form>
      </section>
    </Layout>,
    errors ? 422 : 200,
  )
}

planAdminPages.get('/plan/versions', (c) => versionsPage(c))

planAdminPages.post('/plan/versions', async (c) => {
  const ctx = pageCtx(c)
  const f = await formFields(c)
  try {
    await createVersion(c.get('deps').database.db, ctx.actor, { code: f.code ?? '', title: f.title ?? '' })
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return versionsPage(c, { ...f, _form: 'version' }, error.fieldErrors)
    throw error
  }
  return c.redirect('/plan/versions?notice=saved', 303)
})

planAdminPages.post('/plan/items', async (c) => {
  const ctx = pageCtx(c)
  const f = await formFields(c)
  try {
    await addItem(c.get('deps').database.db, ctx.actor, {
      code: (f.code ?? '').trim().toUpperCase(),
      parentCode: f.parentCode || null,
      shortName: f.shortName ?? '',
      text: f.text ?? '',
    })
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return versionsPage(c, { ...f, _form: 'item' }, error.fieldErrors)
    throw error
  }
  return c.redirect(
    `/plan/items/${encodeURIComponent((f.code ?? '').trim().toUpperCase())}?notice=saved`,
    303,
  )
})

planAdminPages.post('/plan/items/:code/milestones', async (c) => {
  const ctx = pageCtx(c)
  const code = c.req.param('code')
  const f = await formFields(c)
  try {
    await addMilestone(c.get('deps').database.db, ctx.actor, code, {
      title: f.title ?? '',
      dueDate: f.dueDate ?? '',
    })
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return c.redirect(`/plan/items/${code}?notice=milestone_invalid#milestones`, 303)
    throw error
  }
  return c.redirect(`/plan/items/${code}?notice=saved#milestones`, 303)
})

planAdminPages.post('/plan/milestones/:id', async (c) => {
  const ctx = pageCtx(c)
  const f = await formFields(c)
  const id = uuidParam(c, 'id')
  await completeMilestone(
    c.get('deps').database.db,
    ctx.actor,
    id,
    f.done === 'true' ? new Date().toISOString().slice(0, 10) : null,
  )
  return c.redirect(`/plan/items/${encodeURIComponent(f.item ?? '')}?notice=saved#milestones`, 303)
})

async function bulkPage(c: Context<AppEnv>, result?: { updated: number; errors: BulkRowError[] }) {
  const ctx = pageCtx(c)
  const { t } = ctx
  assertStaff(ctx.actor)
  return c.html(
    <Layout ctx={ctx} title={t('plan.bulk')}>
      <p class="breadcrumb">
        <a href="/plan">{t('plan.title')}</a>
      </p>
      <h1>{t('plan.bulk')}</h1>
      <p class="hint">{t('plan.bulk_hint')}</p>
      {result?.errors.length ? (
        <div class="error-summary" role="alert" tabindex={-1} data-focus>
          <h2>{t('plan.bulk_refused')}</h2>
          <ul>
            {result.errors.map((e) => (
              <li>
                {t('plan.bulk_row', { row: e.row })}{' '}
                {e.field ? `${t(`field.${e.field}`, { defaultValue: e.field })}: ` : ''}
                {t(`validation.${e.message}`, { defaultValue: e.message })}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {result && !result.errors.length ? (
        <p class="notice" role="status">
          {t('plan.bulk_done', { count: result.updated })}
        </p>
      ) : null}
      <form method="post" action="/plan/bulk" enctype="multipart/form-data" class="stack">
        <Csrf ctx={ctx} />
        <div class="field">
          <label for="f-file">{t('plan.bulk_file')}</label>
          <input id="f-file" name="file" type="file" accept=".csv,text/csv" required />
        </div>
        <button type="submit">{t('plan.bulk_apply')}</button>
      </form>
      <p>
        <a href="/plan/export?format=csv">{t('plan.bulk_template')}</a>
      </p>
    </Layout>,
    result?.errors.length ? 422 : 200,
  )
}

planAdminPages.get('/plan/bulk', (c) => bulkPage(c))

planAdminPages.post('/plan/bulk', async (c) => {
  const ctx = pageCtx(c)
  assertStaff(ctx.actor, true)
  const body = await c.req.parseBody()
  const file = body.file
  const text = typeof file === 'string' ? file : file instanceof File ? await file.text() : ''
  if (text.length > 1024 * 1024)
    return bulkPage(c, { updated: 0, errors: [{ row: 0, field: '', message: 'file_too_large' }] })
  return bulkPage(c, await bulkUpdate(c.get('deps').database.db, ctx.actor, text))
})
