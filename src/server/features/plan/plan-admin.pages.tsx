import { type Context, Hono } from 'hono'
import type { FC } from 'hono/jsx'
import type { AppEnv } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import { formFields, safeNext, uuidParam } from '../../http/forms.ts'
import {
  Csrf,
  ErrorSummary,
  type FormErrors,
  Layout,
  Notice,
  type PageCtx,
  pageCtx,
  SelectField,
  TextField,
} from '../../http/layout.tsx'
import { formatDate } from '../../i18n/i18n.ts'
import { assertStaff, isStaff } from '../auth/auth.policy.ts'
import { leadsBody } from '../topics/follow-up.service.ts'
import { PLAN_STATUSES, type PlanStatus } from './plan.logic.ts'
import { assertPlanReader, getPlan, type PlanItem } from './plan.service.ts'
import {
  addItem,
  addMilestone,
  type BulkRowError,
  bulkUpdate,
  compareVersions,
  completeMilestone,
  createVersion,
  editItemTexts,
  editPillar,
  editPlanActionTexts,
  milestones,
  updatePlanAction,
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

/** The milestones of an item or a proposed action: listed, ticked off and added (secretariat). */
export const Milestones: FC<{
  ctx: PageCtx
  steps: Awaited<ReturnType<typeof milestones>>
  staff: boolean
  /** Where new milestones are posted, and where to come back to. */
  base: string
}> = ({ ctx, steps, staff, base }) => {
  const { t } = ctx
  return (
    <section aria-labelledby="milestones">
      <h2 id="milestones">{t('plan.milestones')}</h2>
      {steps.length ? (
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('plan.milestone_title')}</th>
              <th scope="col">{t('plan.due')}</th>
              <th scope="col">{t('field.status')}</th>
            </tr>
          </thead>
          <tbody>
            {steps.map((m) => (
              <tr>
                <td>{m.title}</td>
                <td>{formatDate(m.dueDate, ctx.lang)}</td>
                <td>
                  {m.doneOn
                    ? t('plan.done_on', { date: formatDate(m.doneOn, ctx.lang) })
                    : t('plan.statuses.not_started')}{' '}
                  {staff ? (
                    <form method="post" action={`/plan/milestones/${m.id}`} class="inline-form">
                      <Csrf ctx={ctx} />
                      <input type="hidden" name="back" value={base} />
                      <input type="hidden" name="done" value={m.doneOn ? 'false' : 'true'} />
                      <button type="submit" class="secondary">
                        {m.doneOn ? t('plan.reopen') : t('plan.mark_done')}
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty">{t('plan.no_milestones')}</p>
      )}
      {staff ? (
        <form method="post" action={`${base}/milestones`} class="inline-form" novalidate>
          <Csrf ctx={ctx} />
          <TextField
            ctx={ctx}
            id="f-ms-title"
            name="title"
            label={t('plan.milestone_title')}
            required
            maxlength={300}
          />
          <TextField ctx={ctx} id="f-ms-due" name="dueDate" type="date" label={t('plan.due')} required />
          <button type="submit" class="secondary">
            {t('plan.add_milestone')}
          </button>
        </form>
      ) : null}
    </section>
  )
}

for (const kind of ['item', 'action'] as const) {
  planAdminPages.post(`/plan/${kind}s/:code/milestones`, async (c) => {
    const ctx = pageCtx(c)
    const code = c.req.param('code')
    const base = `/plan/${kind}s/${encodeURIComponent(code)}`
    const f = await formFields(c)
    try {
      await addMilestone(
        c.get('deps').database.db,
        ctx.actor,
        { kind, code },
        { title: f.title ?? '', dueDate: f.dueDate ?? '' },
      )
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
        return c.redirect(`${base}?notice=milestone_invalid#milestones`, 303)
      throw error
    }
    return c.redirect(`${base}?notice=saved#milestones`, 303)
  })
}

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
  const back = safeNext(f.back)
  return c.redirect(`${back.startsWith('/plan/') ? back : '/plan'}?notice=saved#milestones`, 303)
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

// ---------------------------------------------------------------- editing an item's texts

const TEXT_FIELDS = ['objective', 'strategies', 'enablers', 'services', 'learning'] as const

export const ItemTextsForm: FC<{ ctx: PageCtx; item: PlanItem; staff: boolean }> = ({ ctx, item, staff }) => {
  const { t } = ctx
  const area = (name: string, label: string, value: string, rows = 4, hint?: string) => (
    <div class="field">
      <label for={`f-txt-${name}`}>{label}</label>
      {hint ? (
        <p class="hint" id={`f-txt-${name}-hint`}>
          {hint}
        </p>
      ) : null}
      <textarea
        id={`f-txt-${name}`}
        name={name}
        rows={rows}
        aria-describedby={hint ? `f-txt-${name}-hint` : undefined}
      >
        {value}
      </textarea>
    </div>
  )
  return (
    <details>
      <summary>{t('plan.edit_texts')}</summary>
      <form method="post" action={`/plan/items/${item.code}/texts`} class="stack" novalidate>
        <Csrf ctx={ctx} />
        <input type="hidden" name="version" value={String(item.version)} />
        <TextField
          ctx={ctx}
          id="f-txt-short"
          name="shortName"
          label={t('plan.short_name')}
          value={item.shortName ?? ''}
          maxlength={200}
        />
        {area('text', t('plan.item_text'), item.text, 3)}
        {area('keyOutcomes', t('plan.key_outcomes'), item.keyOutcomes.join('\n'), 4, t('plan.one_per_line'))}
        {area('kois', t('plan.kois'), item.kois.join('\n'), 4, t('plan.one_per_line'))}
        {TEXT_FIELDS.map((f) => area(f, t(`plan.${f}`), item[f] ?? ''))}
        {staff ? (
          <div class="field checkbox">
            <input id="f-txt-retired" type="checkbox" name="retired" value="true" checked={item.retired} />
            <label for="f-txt-retired">{t('plan.retired')}</label>
          </div>
        ) : null}
        <button type="submit">{t('action.save')}</button>
      </form>
    </details>
  )
}

planAdminPages.post('/plan/items/:code/texts', async (c) => {
  const ctx = pageCtx(c)
  const code = c.req.param('code')
  const f = await formFields(c)
  const lines = (v: string | undefined) => (v ?? '').split(/\r?\n/)
  try {
    await editItemTexts(c.get('deps').database.db, ctx.actor, code, {
      version: Number(f.version),
      shortName: f.shortName ?? '',
      text: f.text ?? '',
      objective: f.objective ?? '',
      keyOutcomes: lines(f.keyOutcomes),
      kois: lines(f.kois),
      strategies: f.strategies ?? '',
      enablers: f.enablers ?? '',
      services: f.services ?? '',
      learning: f.learning ?? '',
      retired: f.retired === 'true',
    })
  } catch (error) {
    if (error instanceof AppError && (error.code === 'VALIDATION_FAILED' || error.code === 'PLAN_CONFLICT'))
      return c.redirect(
        `/plan/items/${encodeURIComponent(code)}?notice=${error.code === 'PLAN_CONFLICT' ? 'plan_conflict' : 'item_text_required'}`,
        303,
      )
    throw error
  }
  return c.redirect(`/plan/items/${encodeURIComponent(code)}?notice=saved`, 303)
})

// ---------------------------------------------------------------- one proposed action

async function actionPage(c: Context<AppEnv>, code: string, errors?: FormErrors, errorCode?: string) {
  const ctx = pageCtx(c)
  const { t } = ctx
  assertPlanReader(ctx.actor)
  const db = c.get('deps').database.db
  const plan = await getPlan(db, ctx.actor)
  const a = plan.actions.find((x) => x.code === code)
  if (!a) throw new AppError('NOT_FOUND')
  const steps = await milestones(db, { actionId: a.id })
  const staff = isStaff(ctx.actor)
  const lead = !staff && !!a.ownerEntity && (await leadsBody(db, ctx.actor, a.ownerEntity))
  return c.html(
    <Layout ctx={ctx} title={a.code}>
      <p class="breadcrumb">
        <a href="/plan">{t('plan.title')}</a> › <a href="/plan/actions">{t('plan.proposed_actions')}</a>
      </p>
      <h1>{a.code}</h1>
      <Notice ctx={ctx} />
      <ErrorSummary ctx={ctx} errors={errors} code={errorCode} />
      <dl class="facts wide">
        <dt>{t('plan.point')}</dt>
        <dd class="prewrap">{a.point}</dd>
        <dt>{t('plan.sessions')}</dt>
        <dd>{a.sessions.join(', ') || '—'}</dd>
        <dt>{t('plan.action')}</dt>
        <dd class="prewrap">{a.action}</dd>
        <dt>{t('plan.targets')}</dt>
        <dd>{a.targets.join(', ') || '—'}</dd>
        <dt>{t('plan.target_items')}</dt>
        <dd>
          {a.targetItems.length
            ? a.targetItems.map((i) => (
                <>
                  <a href={`/plan/items/${i}`}>{i}</a>{' '}
                </>
              ))
            : '—'}
        </dd>
        {a.comments ? (
          <>
            <dt>{t('plan.comments')}</dt>
            <dd class="prewrap">{a.comments}</dd>
          </>
        ) : null}
        <dt>{t('plan.cite')}</dt>
        <dd>{a.cite || '—'}</dd>
        <dt>{t('field.status')}</dt>
        <dd>
          {t(`plan.statuses.${a.status}`)}
          {a.progress !== null ? ` (${a.progress} %)` : ''}
          {a.ownerEntity ? ` — ${a.ownerEntity}` : ''}
        </dd>
      </dl>
      {staff || lead ? (
        <details
          open={
            !!errors &&
            ('point' in errors || 'action' in errors || 'targetItems' in errors || 'sessions' in errors)
          }
        >
          <summary>{t('plan.edit_texts')}</summary>
          <form
            method="post"
            action={`/plan/actions/${encodeURIComponent(a.code)}/texts`}
            class="stack"
            novalidate
          >
            <Csrf ctx={ctx} />
            <input type="hidden" name="version" value={String(a.version)} />
            <div class="field">
              <label for="f-act-point">{t('plan.point')}</label>
              <textarea id="f-act-point" name="point" rows={3}>
                {a.point}
              </textarea>
            </div>
            <TextField
              ctx={ctx}
              id="f-act-sessions"
              name="sessions"
              label={t('plan.sessions')}
              hint={t('plan.sessions_hint')}
              value={a.sessions.join(', ')}
              errors={errors}
            />
            <div class="field">
              <label for="f-act-action">{t('plan.action')}</label>
              <textarea id="f-act-action" name="action" rows={3}>
                {a.action}
              </textarea>
            </div>
            <TextField
              ctx={ctx}
              id="f-act-targets"
              name="targets"
              label={t('plan.targets')}
              hint={t('plan.targets_hint')}
              value={a.targets.join(', ')}
            />
            <TextField
              ctx={ctx}
              id="f-act-items"
              name="targetItems"
              label={t('plan.target_items')}
              hint={t('plan.target_items_hint')}
              value={a.targetItems.join(', ')}
              errors={errors}
            />
            <div class="field">
              <label for="f-act-comments">{t('plan.comments')}</label>
              <textarea id="f-act-comments" name="comments" rows={2}>
                {a.comments ?? ''}
              </textarea>
            </div>
            <button type="submit">{t('action.save')}</button>
          </form>
        </details>
      ) : null}
      <section aria-labelledby="update">
        <h2 id="update">{t('plan.update')}</h2>
        <form method="post" action={`/plan/actions/${encodeURIComponent(a.code)}`} class="stack" novalidate>
          <Csrf ctx={ctx} />
          <input type="hidden" name="version" value={String(a.version)} />
          <SelectField
            ctx={ctx}
            name="status"
            label={t('field.status')}
            value={a.status}
            options={PLAN_STATUSES.map((s) => ({ value: s, label: t(`plan.statuses.${s}`) }))}
            errors={errors}
          />
          <TextField
            ctx={ctx}
            name="progress"
            type="number"
            label={t('plan.progress_percent')}
            value={a.progress === null ? '' : String(a.progress)}
            errors={errors}
          />
          {staff ? (
            <TextField
              ctx={ctx}
              name="ownerEntity"
              label={t('plan.owner')}
              value={a.ownerEntity}
              errors={errors}
              maxlength={100}
            />
          ) : null}
          <button type="submit">{t('action.save')}</button>
        </form>
      </section>
      <Milestones
        ctx={ctx}
        steps={steps}
        staff={staff}
        base={`/plan/actions/${encodeURIComponent(a.code)}`}
      />
    </Layout>,
    errors || errorCode ? 422 : 200,
  )
}

planAdminPages.get('/plan/actions/:code', (c) => actionPage(c, c.req.param('code')))

planAdminPages.post('/plan/actions/:code', async (c) => {
  const ctx = pageCtx(c)
  const code = c.req.param('code')
  const f = await formFields(c)
  const raw = (f.progress ?? '').trim()
  const progress = raw === '' ? null : Number(raw)
  if (progress !== null && Number.isNaN(progress))
    return actionPage(c, code, { progress: ['progress_range'] })
  try {
    await updatePlanAction(c.get('deps').database.db, ctx.actor, code, {
      version: Number(f.version),
      status: f.status as PlanStatus,
      progress,
      ...(isStaff(ctx.actor) && f.ownerEntity !== undefined ? { ownerEntity: f.ownerEntity } : {}),
    })
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return actionPage(c, code, error.fieldErrors)
    if (error instanceof AppError && error.code === 'PLAN_CONFLICT')
      return actionPage(c, code, undefined, 'PLAN_CONFLICT')
    throw error
  }
  return c.redirect(`/plan/actions/${encodeURIComponent(code)}?notice=saved`, 303)
})

const commaList = (v: string | undefined) =>
  (v ?? '')
    .split(/[,;]/)
    .map((x) => x.trim())
    .filter(Boolean)

planAdminPages.post('/plan/actions/:code/texts', async (c) => {
  const ctx = pageCtx(c)
  const code = c.req.param('code')
  const f = await formFields(c)
  try {
    await editPlanActionTexts(c.get('deps').database.db, ctx.actor, code, {
      version: Number(f.version),
      point: f.point ?? '',
      action: f.action ?? '',
      sessions: commaList(f.sessions),
      targets: commaList(f.targets),
      targetItems: commaList(f.targetItems).map((x) => x.toUpperCase()),
      comments: f.comments ?? '',
    })
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return actionPage(c, code, error.fieldErrors)
    if (error instanceof AppError && error.code === 'PLAN_CONFLICT')
      return actionPage(c, code, undefined, 'PLAN_CONFLICT')
    throw error
  }
  return c.redirect(`/plan/actions/${encodeURIComponent(code)}?notice=saved`, 303)
})

planAdminPages.post('/plan/pillars/:code', async (c) => {
  const ctx = pageCtx(c)
  const f = await formFields(c)
  try {
    await editPillar(c.get('deps').database.db, ctx.actor, c.req.param('code'), {
      title: f.title ?? '',
      items: commaList(f.items).map((x) => x.toUpperCase()),
    })
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return c.redirect('/plan?view=pillars&notice=pillar_invalid', 303)
    throw error
  }
  return c.redirect('/plan?view=pillars&notice=saved', 303)
})
