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
import { sectorFilter, UNION } from '../structure/scope.ts'
import { SectorField, SectorFilter, sectorName } from '../structure/sector-inputs.tsx'
import { listSectors } from '../structure/structure.service.ts'
import { leadsBody } from '../topics/follow-up.service.ts'
import { PLAN_STATUSES, type PlanStatus } from './plan.logic.ts'
import { assertPlanReader, getPlan, listVersions, type PlanItem } from './plan.service.ts'
import {
  askedSector,
  mayChangePlan,
  pagePlan,
  pagePlanSector,
  withParam,
  withSector,
} from './plan-sectors.tsx'
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

/**
 * The versions of every Sector's plan and the Union's (?sector= filters the list and is the Sector a new
 * version is for by default), the comparison of two versions, and the forms that start a version and add an
 * item to a Sector's current plan.
 */
async function versionsPage(c: Context<AppEnv>, form: Record<string, string> = {}, errors?: FormErrors) {
  const ctx = pageCtx(c)
  const { t } = ctx
  assertPlanReader(ctx.actor)
  const db = c.get('deps').database.db
  const q = c.req.query()
  const sectors = await listSectors(db, ctx.lang)
  // An unknown Sector in the address filters nothing rather than failing the page.
  const asked = askedSector(c)
  const filter = await sectorFilter(db, asked).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED') return undefined
    throw error
  })
  const sector = filter === undefined ? undefined : filter === null ? UNION : asked
  const [all, shown] = await Promise.all([listVersions(db, ctx.actor), listVersions(db, ctx.actor, sector)])
  const a = q.a && all.some((v) => v.code === q.a) ? q.a : undefined
  const b = q.b && all.some((v) => v.code === q.b) ? q.b : undefined
  const diff =
    a && b ? compareVersions(await getPlan(db, ctx.actor, a), await getPlan(db, ctx.actor, b)) : null
  const label = (v: (typeof all)[number]) =>
    `${v.code} — ${v.title} (${v.sector ?? t('structure.union_wide')}${v.current ? `, ${t('plan.current')}` : ''})`
  const options = all.map((v) => ({ value: v.code, label: label(v) }))
  // By default the comparison is of the shown Sector's two latest versions.
  const latest = shown.filter((v) => v.current).at(-1) ?? shown.at(-1)
  const before = shown.filter((v) => v.code !== latest?.code).at(-1)
  const staff = isStaff(ctx.actor)
  const value = (name: string, which: string) => (form._form === which ? form[name] : undefined)
  return c.html(
    <Layout ctx={ctx} title={t('plan.versions')}>
      <p class="breadcrumb">
        <a href={withSector('/plan', sector)}>{t('plan.title')}</a>
      </p>
      <h1>{t('plan.versions')}</h1>
      <Notice ctx={ctx} />
      <form method="get" class="filters" aria-label={t('plan.sectors.filter_versions')}>
        <SectorFilter ctx={ctx} sectors={sectors} value={sector} />
        <div class="filter-actions">
          <button type="submit">{t('plan.sectors.show')}</button>
        </div>
      </form>
      {shown.length ? (
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('plan.version_code')}</th>
              <th scope="col">{t('reports.header.title')}</th>
              <th scope="col">{t('structure.sector')}</th>
              <th scope="col">{t('plan.sectors.based_on')}</th>
              <th scope="col">{t('field.status')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((v) => (
              <tr>
                <td>
                  <a href={`/plan?version=${encodeURIComponent(v.code)}`}>{v.code}</a>
                </td>
                <td>{v.title}</td>
                <td>{sectorName(ctx, sectors, v.sector)}</td>
                <td>{v.basedOn ?? '—'}</td>
                <td>{v.current ? t('plan.current') : t('plan.earlier')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty">{t('plan.sectors.no_versions')}</p>
      )}
      <section aria-labelledby="compare">
        <h2 id="compare">{t('plan.compare_versions')}</h2>
        <form method="get" class="filters" aria-label={t('plan.compare_versions')}>
          {sector ? <input type="hidden" name="sector" value={sector} /> : null}
          <SelectField
            ctx={ctx}
            name="a"
            label={t('plan.from_version')}
            value={a ?? before?.code ?? all[0]?.code}
            options={options}
          />
          <SelectField
            ctx={ctx}
            name="b"
            label={t('plan.to_version')}
            value={b ?? latest?.code ?? all.at(-1)?.code}
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
      {staff ? (
        <>
          <section aria-labelledby="new-version">
            <h2 id="new-version">{t('plan.new_version')}</h2>
            <p class="hint">{t('plan.sectors.new_version_hint')}</p>
            <ErrorSummary ctx={ctx} errors={form._form === 'version' ? errors : undefined} />
            <form method="post" action="/plan/versions" class="stack" novalidate>
              <Csrf ctx={ctx} />
              <input type="hidden" name="_form" value="version" />
              <TextField
                ctx={ctx}
                id="f-version-code"
                name="code"
                label={t('plan.version_code')}
                value={value('code', 'version') ?? ''}
                errors={form._form === 'version' ? errors : undefined}
                required
              />
              <TextField
                ctx={ctx}
                id="f-version-title"
                name="title"
                label={t('reports.header.title')}
                value={value('title', 'version') ?? ''}
                errors={form._form === 'version' ? errors : undefined}
                required
              />
              <SectorField
                ctx={ctx}
                id="f-version-sector"
                sectors={sectors}
                value={value('sector', 'version') ?? sector}
                errors={form._form === 'version' ? errors : undefined}
              />
              <SelectField
                ctx={ctx}
                id="f-basedOn"
                name="basedOn"
                label={t('plan.sectors.based_on')}
                value={value('basedOn', 'version') ?? ''}
                empty={t('plan.sectors.based_on_default')}
                options={options}
                errors={form._form === 'version' ? errors : undefined}
              />
              <p class="hint">{t('plan.sectors.based_on_hint')}</p>
              <button type="submit">{t('plan.create_version')}</button>
            </form>
          </section>
          <section aria-labelledby="new-item">
            <h2 id="new-item">{t('plan.new_item')}</h2>
            <ErrorSummary ctx={ctx} errors={form._form === 'item' ? errors : undefined} />
            <form method="post" action="/plan/items" class="stack" novalidate>
              <Csrf ctx={ctx} />
              <input type="hidden" name="_form" value="item" />
              <SectorField
                ctx={ctx}
                id="f-item-sector"
                sectors={sectors}
                value={value('sector', 'item') ?? sector}
                errors={form._form === 'item' ? errors : undefined}
              />
              <p class="hint">{t('plan.sectors.item_sector_hint')}</p>
              <TextField
                ctx={ctx}
                id="f-item-code"
                name="code"
                label={t('plan.item')}
                hint={t('plan.item_code_hint')}
                value={value('code', 'item') ?? ''}
                errors={form._form === 'item' ? errors : undefined}
                required
              />
              <TextField
                ctx={ctx}
                id="f-parentCode"
                name="parentCode"
                label={t('plan.parent')}
                hint={t('plan.sectors.parent_hint')}
                value={value('parentCode', 'item') ?? ''}
                errors={form._form === 'item' ? errors : undefined}
              />
              <TextField
                ctx={ctx}
                id="f-item-short"
                name="shortName"
                label={t('plan.short_name')}
                value={value('shortName', 'item') ?? ''}
              />
              <TextField
                ctx={ctx}
                id="f-item-text"
                name="text"
                label={t('plan.item_text')}
                value={value('text', 'item') ?? ''}
                errors={form._form === 'item' ? errors : undefined}
                required
              />
              <button type="submit">{t('plan.add_item')}</button>
            </form>
          </section>
        </>
      ) : null}
    </Layout>,
    errors ? 422 : 200,
  )
}

planAdminPages.get('/plan/versions', (c) => versionsPage(c))

planAdminPages.post('/plan/versions', async (c) => {
  const ctx = pageCtx(c)
  const f = await formFields(c)
  let created: { sector: string | null }
  try {
    created = await createVersion(c.get('deps').database.db, ctx.actor, {
      code: f.code ?? '',
      title: f.title ?? '',
      sector: f.sector || undefined,
      basedOn: f.basedOn || undefined,
    })
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return versionsPage(c, { ...f, _form: 'version' }, error.fieldErrors)
    throw error
  }
  return c.redirect(`/plan/versions?sector=${encodeURIComponent(created.sector ?? UNION)}&notice=saved`, 303)
})

planAdminPages.post('/plan/items', async (c) => {
  const ctx = pageCtx(c)
  const f = await formFields(c)
  // The Sector comes from the form (the address's ?sector= for forms that have no such field).
  const sector = f.sector || askedSector(c)
  try {
    await addItem(
      c.get('deps').database.db,
      ctx.actor,
      {
        code: (f.code ?? '').trim().toUpperCase(),
        parentCode: (f.parentCode ?? '').trim().toUpperCase() || null,
        shortName: f.shortName ?? '',
        text: f.text ?? '',
      },
      sector,
    )
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return versionsPage(c, { ...f, _form: 'item' }, error.fieldErrors)
    throw error
  }
  return c.redirect(
    withParam(
      withSector(`/plan/items/${encodeURIComponent((f.code ?? '').trim().toUpperCase())}`, sector),
      'notice',
      'saved',
    ),
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
  /** The Sector whose plan the page was asked for (kept on the way back). */
  sector?: string | undefined
}> = ({ ctx, steps, staff, base, sector }) => {
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
                      <input type="hidden" name="back" value={withSector(base, sector)} />
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
        <form method="post" action={withSector(`${base}/milestones`, sector)} class="inline-form" novalidate>
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
    const sector = askedSector(c)
    const base = withSector(`/plan/${kind}s/${encodeURIComponent(code)}`, sector)
    const f = await formFields(c)
    try {
      await addMilestone(
        c.get('deps').database.db,
        ctx.actor,
        { kind, code },
        { title: f.title ?? '', dueDate: f.dueDate ?? '' },
        sector,
      )
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
        return c.redirect(`${withParam(base, 'notice', 'milestone_invalid')}#milestones`, 303)
      throw error
    }
    return c.redirect(`${withParam(base, 'notice', 'saved')}#milestones`, 303)
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
  return c.redirect(
    `${withParam(back.startsWith('/plan/') ? back : '/plan', 'notice', 'saved')}#milestones`,
    303,
  )
})

async function bulkPage(c: Context<AppEnv>, result?: { updated: number; errors: BulkRowError[] }) {
  const ctx = pageCtx(c)
  const { t } = ctx
  assertStaff(ctx.actor)
  const db = c.get('deps').database.db
  const sector = askedSector(c)
  const [chosen, sectors] = await Promise.all([
    pagePlanSector(db, ctx.actor, sector),
    listSectors(db, ctx.lang),
  ])
  const plan = chosen.hasPlan ? await pagePlan(db, ctx.actor, sector) : null
  return c.html(
    <Layout ctx={ctx} title={t('plan.bulk')}>
      <p class="breadcrumb">
        <a href={withSector('/plan', sector)}>{t('plan.title')}</a>
      </p>
      <h1>{t('plan.bulk')}</h1>
      <p class="lead">
        {plan
          ? t('plan.sectors.bulk_plan', {
              sector: sectorName(ctx, sectors, plan.version.sector),
              title: plan.version.title,
            })
          : t('plan.sectors.none', { sector: sectorName(ctx, sectors, chosen.code) })}
      </p>
      {plan && !mayChangePlan(ctx.actor, sectors, plan.version.sector) ? (
        <p class="notice warning" role="status">
          {t('errors.SECTOR_OUT_OF_SCOPE')}
        </p>
      ) : null}
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
      {plan ? (
        <>
          <form
            method="post"
            action={withSector('/plan/bulk', sector)}
            enctype="multipart/form-data"
            class="stack"
          >
            <Csrf ctx={ctx} />
            <div class="field">
              <label for="f-file">{t('plan.bulk_file')}</label>
              <input id="f-file" name="file" type="file" accept=".csv,text/csv" required />
            </div>
            <button type="submit">{t('plan.bulk_apply')}</button>
          </form>
          <p>
            <a href={withSector('/plan/export?format=csv', sector)}>{t('plan.bulk_template')}</a>
          </p>
        </>
      ) : null}
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
  return bulkPage(c, await bulkUpdate(c.get('deps').database.db, ctx.actor, text, askedSector(c)))
})

// ---------------------------------------------------------------- editing an item's texts

const TEXT_FIELDS = ['objective', 'strategies', 'enablers', 'services', 'learning'] as const

export const ItemTextsForm: FC<{
  ctx: PageCtx
  item: PlanItem
  staff: boolean
  sector?: string | undefined
}> = ({ ctx, item, staff, sector }) => {
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
      <form
        method="post"
        action={withSector(`/plan/items/${item.code}/texts`, sector)}
        class="stack"
        novalidate
      >
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
  const sector = askedSector(c)
  const page = withSector(`/plan/items/${encodeURIComponent(code)}`, sector)
  try {
    await editItemTexts(
      c.get('deps').database.db,
      ctx.actor,
      code,
      {
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
      },
      sector,
    )
  } catch (error) {
    if (error instanceof AppError && (error.code === 'VALIDATION_FAILED' || error.code === 'PLAN_CONFLICT'))
      return c.redirect(
        withParam(page, 'notice', error.code === 'PLAN_CONFLICT' ? 'plan_conflict' : 'item_text_required'),
        303,
      )
    throw error
  }
  return c.redirect(withParam(page, 'notice', 'saved'), 303)
})

// ---------------------------------------------------------------- one proposed action

async function actionPage(c: Context<AppEnv>, code: string, errors?: FormErrors, errorCode?: string) {
  const ctx = pageCtx(c)
  const { t } = ctx
  assertPlanReader(ctx.actor)
  const db = c.get('deps').database.db
  const sector = askedSector(c)
  const [plan, sectors] = await Promise.all([pagePlan(db, ctx.actor, sector), listSectors(db, ctx.lang)])
  const a = plan.actions.find((x) => x.code === code)
  if (!a) throw new AppError('NOT_FOUND')
  const steps = await milestones(db, { actionId: a.id })
  // Staff whose role is another Sector's read this plan like members, without its forms.
  const writable = mayChangePlan(ctx.actor, sectors, plan.version.sector)
  const staff = isStaff(ctx.actor) && writable
  const lead = !isStaff(ctx.actor) && !!a.ownerEntity && (await leadsBody(db, ctx.actor, a.ownerEntity))
  const page = withSector(`/plan/actions/${encodeURIComponent(a.code)}`, sector)
  return c.html(
    <Layout ctx={ctx} title={a.code}>
      <p class="breadcrumb">
        <a href={withSector('/plan', sector)}>{t('plan.title')}</a> ›{' '}
        <a href={withSector('/plan/actions', sector)}>{t('plan.proposed_actions')}</a>
      </p>
      <h1>{a.code}</h1>
      <Notice ctx={ctx} />
      <ErrorSummary ctx={ctx} errors={errors} code={errorCode} />
      <p class="muted">
        {t('plan.sectors.plan_of', { sector: sectorName(ctx, sectors, plan.version.sector) })}
      </p>
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
                  <a href={withSector(`/plan/items/${i}`, sector)}>{i}</a>{' '}
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
            action={withSector(`/plan/actions/${encodeURIComponent(a.code)}/texts`, sector)}
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
      {writable ? (
        <section aria-labelledby="update">
          <h2 id="update">{t('plan.update')}</h2>
          <form method="post" action={page} class="stack" novalidate>
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
      ) : null}
      <Milestones
        ctx={ctx}
        steps={steps}
        staff={staff}
        base={`/plan/actions/${encodeURIComponent(a.code)}`}
        sector={sector}
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
  const sector = askedSector(c)
  try {
    await updatePlanAction(
      c.get('deps').database.db,
      ctx.actor,
      code,
      {
        version: Number(f.version),
        status: f.status as PlanStatus,
        progress,
        ...(isStaff(ctx.actor) && f.ownerEntity !== undefined ? { ownerEntity: f.ownerEntity } : {}),
      },
      sector,
    )
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return actionPage(c, code, error.fieldErrors)
    if (error instanceof AppError && error.code === 'PLAN_CONFLICT')
      return actionPage(c, code, undefined, 'PLAN_CONFLICT')
    throw error
  }
  return c.redirect(
    withParam(withSector(`/plan/actions/${encodeURIComponent(code)}`, sector), 'notice', 'saved'),
    303,
  )
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
  const sector = askedSector(c)
  try {
    await editPlanActionTexts(
      c.get('deps').database.db,
      ctx.actor,
      code,
      {
        version: Number(f.version),
        point: f.point ?? '',
        action: f.action ?? '',
        sessions: commaList(f.sessions),
        targets: commaList(f.targets),
        targetItems: commaList(f.targetItems).map((x) => x.toUpperCase()),
        comments: f.comments ?? '',
      },
      sector,
    )
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return actionPage(c, code, error.fieldErrors)
    if (error instanceof AppError && error.code === 'PLAN_CONFLICT')
      return actionPage(c, code, undefined, 'PLAN_CONFLICT')
    throw error
  }
  return c.redirect(
    withParam(withSector(`/plan/actions/${encodeURIComponent(code)}`, sector), 'notice', 'saved'),
    303,
  )
})

planAdminPages.post('/plan/pillars/:code', async (c) => {
  const ctx = pageCtx(c)
  const f = await formFields(c)
  const sector = askedSector(c)
  const back = withSector('/plan?view=pillars', sector)
  try {
    await editPillar(
      c.get('deps').database.db,
      ctx.actor,
      c.req.param('code'),
      { title: f.title ?? '', items: commaList(f.items).map((x) => x.toUpperCase()) },
      sector,
    )
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return c.redirect(withParam(back, 'notice', 'pillar_invalid'), 303)
    throw error
  }
  return c.redirect(withParam(back, 'notice', 'saved'), 303)
})
