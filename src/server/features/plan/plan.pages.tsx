import { type Context, Hono } from 'hono'
import type { FC } from 'hono/jsx'
import { Chart } from '../../charts/chart.tsx'
import { barChart } from '../../charts/charts.ts'
import type { AppEnv } from '../../http/context.ts'
import { attachment, CSV, JSON_TYPE } from '../../http/download.ts'
import { AppError, type FieldErrors as Errors } from '../../http/errors.ts'
import { formFields } from '../../http/forms.ts'
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
import { formatDate, formatDateTime, pick } from '../../i18n/i18n.ts'
import { isStaff } from '../auth/auth.policy.ts'
import { toCsv } from '../directory/import/csv.ts'
import { UNION } from '../structure/scope.ts'
import { SectorFilter, sectorName } from '../structure/sector-inputs.tsx'
import type { Sector } from '../structure/structure.schema.ts'
import { listSectors } from '../structure/structure.service.ts'
import { leadsBody } from '../topics/follow-up.service.ts'
import { PLAN_STATUSES, type PlanStatus } from './plan.logic.ts'
import {
  addMeasurement,
  assertPlanReader,
  CLAUSES,
  type Clause,
  createIndicator,
  createPlanAction,
  getPlan,
  INDICATOR_QUERY_NAMES,
  type IndicatorView,
  itemHistory,
  listIndicators,
  type Plan,
  type PlanItem,
  planPeriod,
  scorecard,
  setIndicatorTarget,
  setThreshold,
  updateItem,
} from './plan.service.ts'
import { ItemTextsForm, Milestones } from './plan-admin.pages.tsx'
import {
  askedSector,
  mayChangePlan,
  NoPlan,
  PlanSectorChoice,
  pagePlan,
  pagePlanSector,
  withParam,
  withSector,
} from './plan-sectors.tsx'
import { milestones } from './plan-versions.ts'

export const planPages = new Hono<AppEnv>()

const DAY = /^\d{4}-\d{2}-\d{2}$/

const numberOrUndefined = (v: string | undefined) => {
  if (v === undefined || v.trim() === '') return undefined
  const n = Number(v.replace(',', '.'))
  return Number.isFinite(n) ? n : Number.NaN
}

const Progress: FC<{ value: number; label: string }> = ({ value, label }) => (
  <span class="plan-progress">
    <progress max={100} value={value} aria-label={label}>
      {value} %
    </progress>{' '}
    {value} %
  </span>
)

const StatusBadge: FC<{ ctx: PageCtx; status: string; prefix: string }> = ({ ctx, status, prefix }) => (
  <span class={`badge status-${status}`}>{ctx.t(`${prefix}.${status}`)}</span>
)

/** The plan's pages; those of one Sector's plan keep the Sector the page was asked for. */
const PlanNav: FC<{ ctx: PageCtx; current: string; sector?: string | undefined }> = ({
  ctx,
  current,
  sector,
}) => (
  <nav class="subnav" aria-label={ctx.t('plan.title')}>
    <ul>
      {(
        [
          ['/plan', 'plan.tree', true],
          ['/plan?view=pillars', 'plan.by_pillar', true],
          ['/plan/actions', 'plan.proposed_actions', true],
          ['/plan/indicators', 'plan.indicators', false],
          ['/plan/scorecard', 'plan.scorecard', false],
          ['/plan/circulars', 'circulars.title', false],
        ] as const
      ).map(([href, key, ofSector]) => (
        <li>
          <a
            href={ofSector ? withSector(href, sector) : href}
            aria-current={current === href ? 'page' : undefined}
          >
            {ctx.t(key)}
          </a>
        </li>
      ))}
    </ul>
  </nav>
)

function ItemTree({
  ctx,
  plan,
  parent,
  sector,
}: {
  ctx: PageCtx
  plan: Plan
  parent: string | null
  sector: string | undefined
}) {
  const kids = plan.items.filter((i) => i.parentCode === parent && !i.retired)
  if (!kids.length) return null
  return (
    <ul class={parent ? 'plan-tree' : 'plan-tree root'}>
      {kids.map((i) => (
        <li>
          <a href={withSector(`/plan/items/${i.code}`, sector)}>
            <strong>{i.code}</strong> {i.shortName ?? i.text.slice(0, 120)}
          </a>{' '}
          <StatusBadge ctx={ctx} status={i.status} prefix="plan.statuses" />{' '}
          <Progress value={i.rolledProgress} label={ctx.t('plan.progress_of', { code: i.code })} />
          {i.ownerEntity ? <span class="muted"> — {i.ownerEntity}</span> : null}
          <ItemTree ctx={ctx} plan={plan} parent={i.code} sector={sector} />
        </li>
      ))}
    </ul>
  )
}

planPages.get('/plan', async (c) => {
  const ctx = pageCtx(c)
  const { t } = ctx
  const q = c.req.query()
  const db = c.get('deps').database.db
  const asked = askedSector(c)
  const view = q.view === 'pillars' ? 'pillars' : 'tree'
  const navCurrent = view === 'pillars' ? '/plan?view=pillars' : '/plan'
  const [chosen, sectors] = await Promise.all([
    pagePlanSector(db, ctx.actor, asked),
    listSectors(db, ctx.lang),
  ])
  const keep = view === 'pillars' ? { view } : undefined
  if (!q.version && !chosen.hasPlan)
    return c.html(
      <Layout ctx={ctx} title={t('plan.title')}>
        <h1>{t('plan.title')}</h1>
        <PlanNav ctx={ctx} current={navCurrent} sector={asked} />
        <Notice ctx={ctx} />
        <PlanSectorChoice
          ctx={ctx}
          sectors={sectors}
          value={chosen.code}
          withPlan={chosen.withPlan}
          action="/plan"
          keep={keep}
        />
        <NoPlan ctx={ctx} sectors={sectors} chosen={chosen} />
      </Layout>,
    )
  const plan = await getPlan(db, ctx.actor, q.version, asked)
  // A version of another Sector's plan: its links lead to that Sector's plan.
  const sector = asked ?? (q.version ? (plan.version.sector ?? UNION) : undefined)
  const byCode = new Map(plan.items.map((i) => [i.code, i]))
  const staff = isStaff(ctx.actor) && mayChangePlan(ctx.actor, sectors, plan.version.sector)
  return c.html(
    <Layout ctx={ctx} title={t('plan.title')}>
      <h1>{t('plan.title')}</h1>
      <p class="lead">
        {plan.version.title} — <span class="muted">{plan.version.source}</span>
      </p>
      <PlanNav ctx={ctx} current={navCurrent} sector={sector} />
      <Notice ctx={ctx} />
      <PlanSectorChoice
        ctx={ctx}
        sectors={sectors}
        value={plan.version.sector ?? UNION}
        withPlan={chosen.withPlan}
        action="/plan"
        keep={keep}
      />
      <p class="muted">
        {t('plan.sectors.plan_of', { sector: sectorName(ctx, sectors, plan.version.sector) })}
        {plan.version.current ? '' : ` — ${t('plan.sectors.not_current', { code: plan.version.code })}`}
      </p>
      <p class="actions">
        <a class="button secondary" href={withSector('/plan/export?format=csv', sector)} download>
          {t('plan.export_csv')}
        </a>
        <a class="button secondary" href={withSector('/plan/export?format=json', sector)} download>
          {t('plan.export_json')}
        </a>
        {isStaff(ctx.actor) ? (
          <a class="button secondary" href={withSector('/plan/versions', sector)}>
            {t('plan.manage')}
          </a>
        ) : null}
        {staff ? (
          <a class="button secondary" href={withSector('/plan/bulk', sector)}>
            {t('plan.bulk')}
          </a>
        ) : null}
      </p>
      {view === 'tree' ? (
        <ItemTree ctx={ctx} plan={plan} parent={null} sector={sector} />
      ) : (
        plan.pillars.map((p) => (
          <section aria-labelledby={`pillar-${p.code}`}>
            <h2 id={`pillar-${p.code}`}>{p.title}</h2>
            {staff ? (
              <details>
                <summary>{t('plan.edit_pillar')}</summary>
                <form
                  method="post"
                  action={withSector(`/plan/pillars/${p.code}`, sector)}
                  class="inline-form"
                  novalidate
                >
                  <Csrf ctx={ctx} />
                  <TextField
                    ctx={ctx}
                    id={`f-pillar-title-${p.code}`}
                    name="title"
                    label={t('reports.header.title')}
                    value={p.title}
                    required
                  />
                  <TextField
                    ctx={ctx}
                    id={`f-pillar-items-${p.code}`}
                    name="items"
                    label={t('plan.target_items')}
                    hint={t('plan.target_items_hint')}
                    value={p.items.join(', ')}
                  />
                  <button type="submit" class="secondary">
                    {t('action.save')}
                  </button>
                </form>
              </details>
            ) : null}
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">{t('plan.item')}</th>
                  <th scope="col">{t('plan.short_name')}</th>
                  <th scope="col">{t('plan.owner')}</th>
                  <th scope="col">{t('field.status')}</th>
                  <th scope="col">{t('plan.progress')}</th>
                </tr>
              </thead>
              <tbody>
                {p.items.map((code) => {
                  const i = byCode.get(code)
                  return i ? (
                    <tr>
                      <td>
                        <a href={withSector(`/plan/items/${i.code}`, sector)}>{i.code}</a>
                      </td>
                      <td>{i.shortName ?? '—'}</td>
                      <td>{i.ownerEntity || '—'}</td>
                      <td>
                        <StatusBadge ctx={ctx} status={i.status} prefix="plan.statuses" />
                      </td>
                      <td>
                        <Progress value={i.rolledProgress} label={t('plan.progress_of', { code: i.code })} />
                      </td>
                    </tr>
                  ) : null
                })}
              </tbody>
            </table>
          </section>
        ))
      )}
    </Layout>,
  )
})

planPages.get('/plan/export', async (c) => {
  const ctx = pageCtx(c)
  const plan = await pagePlan(
    c.get('deps').database.db,
    ctx.actor,
    askedSector(c),
    c.req.query('version') || undefined,
  )
  const rows = plan.items.map((i) => ({
    code: i.code,
    parent: i.parentCode ?? '',
    short_name: i.shortName ?? '',
    owner: i.ownerEntity,
    status: i.status,
    progress: i.progress ?? '',
    rolled_up_progress: i.rolledProgress,
    weight: i.weight,
    retired: i.retired ? 'yes' : '',
    key_outcomes: i.keyOutcomes.join(' | '),
    kois: i.kois.join(' | '),
    cite: i.cite,
  }))
  const name = `engage-action-plan-${plan.version.code}`
  if (c.req.query('format') === 'json')
    return attachment(JSON.stringify(plan, null, 2), JSON_TYPE, `${name}.json`)
  return attachment(toCsv(Object.keys(rows[0] ?? { code: '' }), rows), CSV, `${name}.csv`)
})

const Field: FC<{ label: string; text: string | null | undefined }> = ({ label, text }) =>
  text ? (
    <>
      <dt>{label}</dt>
      <dd class="prewrap">{text}</dd>
    </>
  ) : null

async function itemPage(c: Context<AppEnv>, code: string, errors?: FormErrors, errorCode?: string) {
  const ctx = pageCtx(c)
  const { t } = ctx
  const db = c.get('deps').database.db
  const sector = askedSector(c)
  const [plan, sectors] = await Promise.all([pagePlan(db, ctx.actor, sector), listSectors(db, ctx.lang)])
  const item = plan.items.find((i) => i.code === code)
  if (!item) throw new AppError('NOT_FOUND')
  const children = plan.items.filter((i) => i.parentCode === code)
  const actions = plan.actions.filter((a) => a.targetItems.includes(code))
  const [history, steps] = await Promise.all([
    itemHistory(db, ctx.actor, item.id),
    milestones(db, { itemId: item.id }),
  ])
  // Staff whose role is another Sector's read this plan like members, without its forms.
  const writable = mayChangePlan(ctx.actor, sectors, plan.version.sector)
  const staff = isStaff(ctx.actor) && writable
  // Rapporteurs (leads of the owning entity) edit the texts too.
  const lead = !staff && !!item.ownerEntity && (await leadsBody(db, ctx.actor, item.ownerEntity))
  return c.html(
    <Layout ctx={ctx} title={`${item.code} ${item.shortName ?? ''}`}>
      <p class="breadcrumb">
        <a href={withSector('/plan', sector)}>{t('plan.title')}</a>
        {item.parentCode ? (
          <>
            {' › '}
            <a href={withSector(`/plan/items/${item.parentCode}`, sector)}>{item.parentCode}</a>
          </>
        ) : null}
      </p>
      <h1>
        {item.code}
        {item.shortName ? ` — ${item.shortName}` : ''}
      </h1>
      <Notice ctx={ctx} />
      <ErrorSummary ctx={ctx} errors={errors} code={errorCode} />
      <p class="muted">
        {t('plan.sectors.plan_of', { sector: sectorName(ctx, sectors, plan.version.sector) })}
      </p>
      <p>
        <StatusBadge ctx={ctx} status={item.status} prefix="plan.statuses" />{' '}
        <Progress value={item.rolledProgress} label={t('plan.progress_of', { code: item.code })} />
        {children.length ? <span class="muted"> {t('plan.rolled_up')}</span> : null}
      </p>
      <p class="prewrap">{item.text}</p>
      <dl class="facts wide">
        <Field label={t('plan.objective')} text={item.objective} />
        {item.keyOutcomes.length ? (
          <>
            <dt>{t('plan.key_outcomes')}</dt>
            <dd>
              <ul>
                {item.keyOutcomes.map((k) => (
                  <li>{k}</li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
        {item.kois.length ? (
          <>
            <dt>{t('plan.kois')}</dt>
            <dd>
              <ul>
                {item.kois.map((k) => (
                  <li>{k}</li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
        <Field label={t('plan.strategies')} text={item.strategies} />
        <Field label={t('plan.enablers')} text={item.enablers} />
        <Field label={t('plan.services')} text={item.services} />
        <Field label={t('plan.learning')} text={item.learning} />
        <Field label={t('plan.cite')} text={item.cite} />
      </dl>
      {staff || (lead && writable) ? (
        <ItemTextsForm ctx={ctx} item={item} staff={staff} sector={sector} />
      ) : null}
      {children.length ? (
        <section aria-labelledby="children">
          <h2 id="children">{t('plan.sub_items')}</h2>
          <ItemTree ctx={ctx} plan={plan} parent={item.code} sector={sector} />
        </section>
      ) : null}
      <section aria-labelledby="actions">
        <h2 id="actions">{t('plan.proposed_actions')}</h2>
        {actions.length ? (
          <ul>
            {actions.map((a) => (
              <li>
                <strong>{a.code}</strong> {a.action} <span class="muted">({a.targets.join(', ')})</span>
              </li>
            ))}
          </ul>
        ) : (
          <p class="empty">{t('plan.no_actions')}</p>
        )}
      </section>
      <Milestones ctx={ctx} steps={steps} staff={staff} base={`/plan/items/${item.code}`} sector={sector} />
      {writable ? (
        <section aria-labelledby="update">
          <h2 id="update">{t('plan.update')}</h2>
          <form
            method="post"
            action={withSector(`/plan/items/${item.code}`, sector)}
            class="stack"
            novalidate
          >
            <Csrf ctx={ctx} />
            <input type="hidden" name="version" value={String(item.version)} />
            <SelectField
              ctx={ctx}
              name="status"
              label={t('field.status')}
              value={item.status}
              options={PLAN_STATUSES.map((s) => ({ value: s, label: t(`plan.statuses.${s}`) }))}
              errors={errors}
            />
            {children.length ? null : (
              <TextField
                ctx={ctx}
                name="progress"
                type="number"
                label={t('plan.progress_percent')}
                hint={t('plan.progress_hint')}
                value={item.progress === null ? '' : String(item.progress)}
                errors={errors}
              />
            )}
            {staff ? (
              <>
                <TextField
                  ctx={ctx}
                  name="ownerEntity"
                  label={t('plan.owner')}
                  value={item.ownerEntity}
                  errors={errors}
                  maxlength={100}
                />
                <TextField
                  ctx={ctx}
                  name="weight"
                  type="number"
                  label={t('field.weight')}
                  hint={t('plan.weight_hint')}
                  value={String(item.weight)}
                  errors={errors}
                />
                <SelectField
                  ctx={ctx}
                  name="parentCode"
                  label={t('plan.parent')}
                  value={item.parentCode ?? ''}
                  empty={t('plan.no_parent')}
                  options={plan.items
                    .filter((i) => i.code !== item.code)
                    .map((i) => ({ value: i.code, label: `${i.code} ${i.shortName ?? ''}` }))}
                  errors={errors}
                />
              </>
            ) : null}
            <button type="submit">{t('action.save')}</button>
          </form>
        </section>
      ) : null}
      <section aria-labelledby="history">
        <h2 id="history">{t('plan.history')}</h2>
        {history.length ? (
          <ul>
            {history.map((h) => (
              <li>
                <time datetime={h.at}>{formatDateTime(h.at, ctx.lang)}</time> — {h.by}:{' '}
                {JSON.stringify(h.after)}
              </li>
            ))}
          </ul>
        ) : (
          <p class="empty">{t('plan.no_history')}</p>
        )}
      </section>
    </Layout>,
    errors || errorCode ? 422 : 200,
  )
}

planPages.get('/plan/items/:code', (c) => {
  assertPlanReader(pageCtx(c).actor)
  return itemPage(c, c.req.param('code'))
})

planPages.post('/plan/items/:code', async (c) => {
  const ctx = pageCtx(c)
  const code = c.req.param('code')
  const f = await formFields(c)
  const errors: Errors = {}
  const progress = numberOrUndefined(f.progress)
  if (progress !== undefined && (!Number.isInteger(progress) || progress < 0 || progress > 100))
    errors.progress = ['progress_range']
  const weight = numberOrUndefined(f.weight)
  if (weight !== undefined && (!(weight > 0) || weight > 100)) errors.weight = ['weight_range']
  if (f.status !== undefined && !(PLAN_STATUSES as readonly string[]).includes(f.status))
    errors.status = ['choice_invalid']
  if (Object.keys(errors).length) return itemPage(c, code, errors)
  const sector = askedSector(c)
  try {
    await updateItem(
      c.get('deps').database.db,
      ctx.actor,
      code,
      {
        version: Number(f.version),
        status: f.status as PlanStatus | undefined,
        ...(f.progress !== undefined ? { progress: progress ?? null } : {}),
        // Structural fields come only from the secretariat's form; absent fields are left as they are.
        ...(isStaff(ctx.actor) && f.ownerEntity !== undefined ? { ownerEntity: f.ownerEntity.trim() } : {}),
        ...(isStaff(ctx.actor) && weight !== undefined ? { weight } : {}),
        ...(isStaff(ctx.actor) && f.parentCode !== undefined ? { parentCode: f.parentCode || null } : {}),
      },
      sector,
    )
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return itemPage(c, code, error.fieldErrors)
    if (error instanceof AppError && error.code === 'PLAN_CONFLICT')
      return itemPage(c, code, undefined, 'PLAN_CONFLICT')
    throw error
  }
  return c.redirect(withParam(withSector(`/plan/items/${code}`, sector), 'notice', 'saved'), 303)
})

async function actionsPage(c: Context<AppEnv>, form: Record<string, string> = {}, errors?: FormErrors) {
  const ctx = pageCtx(c)
  const { t } = ctx
  const db = c.get('deps').database.db
  const sector = askedSector(c)
  const [plan, sectors] = await Promise.all([pagePlan(db, ctx.actor, sector), listSectors(db, ctx.lang)])
  const staff = isStaff(ctx.actor) && mayChangePlan(ctx.actor, sectors, plan.version.sector)
  const meetings = staff
    ? await db
        .selectFrom('meeting')
        .select(['id', 'titles', 'starts_at'])
        .where('kind', 'in', ['workshop', 'symposium'])
        .where('status', '<>', 'cancelled')
        .orderBy('starts_at', 'desc')
        .limit(200)
        .execute()
    : []
  return c.html(
    <Layout ctx={ctx} title={t('plan.proposed_actions')}>
      <h1>{t('plan.proposed_actions')}</h1>
      <PlanNav ctx={ctx} current="/plan/actions" sector={sector} />
      <Notice ctx={ctx} />
      <p class="muted">
        {t('plan.sectors.plan_of', { sector: sectorName(ctx, sectors, plan.version.sector) })}
      </p>
      <p class="hint">{t('plan.sessions_legend')}</p>
      <table class="data">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('plan.point')}</th>
            <th scope="col">{t('plan.sessions')}</th>
            <th scope="col">{t('plan.action')}</th>
            <th scope="col">{t('plan.targets')}</th>
            <th scope="col">{t('plan.target_items')}</th>
            <th scope="col">{t('field.status')}</th>
          </tr>
        </thead>
        <tbody>
          {plan.actions.map((a) => (
            <tr>
              <td>
                <a href={withSector(`/plan/actions/${encodeURIComponent(a.code)}`, sector)}>{a.code}</a>
              </td>
              <td class="prewrap">{a.point}</td>
              <td>{a.sessions.join(', ')}</td>
              <td class="prewrap">{a.action}</td>
              <td>{a.targets.join(', ')}</td>
              <td>
                {a.targetItems.map((i) => (
                  <>
                    <a href={withSector(`/plan/items/${i}`, sector)}>{i}</a>{' '}
                  </>
                ))}
              </td>
              <td>
                <StatusBadge ctx={ctx} status={a.status} prefix="plan.statuses" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {staff ? (
        <section aria-labelledby="new-action">
          <h2 id="new-action">{t('plan.new_action')}</h2>
          <ErrorSummary ctx={ctx} errors={errors} />
          <form method="post" action={withSector('/plan/actions', sector)} class="stack" novalidate>
            <Csrf ctx={ctx} />
            <TextField
              ctx={ctx}
              name="code"
              label={t('plan.action_code')}
              hint={t('plan.action_code_hint')}
              value={form.code}
              errors={errors}
              required
              maxlength={40}
            />
            <SelectField
              ctx={ctx}
              name="meetingId"
              label={t('plan.meeting')}
              value={form.meetingId}
              empty="—"
              options={meetings.map((m) => ({
                value: m.id,
                label: `${pick(m.titles as Record<string, string>, ctx.lang)} (${formatDate(m.starts_at.toISOString().slice(0, 10), ctx.lang)})`,
              }))}
              errors={errors}
            />
            <TextField
              ctx={ctx}
              name="sessions"
              label={t('plan.sessions')}
              hint={t('plan.sessions_hint')}
              value={form.sessions}
              errors={errors}
            />
            <TextField
              ctx={ctx}
              name="point"
              label={t('plan.point')}
              value={form.point}
              errors={errors}
              required
            />
            <TextField
              ctx={ctx}
              name="action"
              label={t('plan.action')}
              value={form.action}
              errors={errors}
              required
            />
            <TextField
              ctx={ctx}
              name="targets"
              label={t('plan.targets')}
              hint={t('plan.targets_hint')}
              value={form.targets}
              errors={errors}
            />
            <TextField
              ctx={ctx}
              name="targetItems"
              label={t('plan.target_items')}
              hint={t('plan.target_items_hint')}
              value={form.targetItems}
              errors={errors}
            />
            <button type="submit">{t('plan.create_action')}</button>
          </form>
        </section>
      ) : null}
    </Layout>,
    errors ? 422 : 200,
  )
}

planPages.get('/plan/actions', (c) => {
  assertPlanReader(pageCtx(c).actor)
  return actionsPage(c)
})

const list = (v: string | undefined) =>
  (v ?? '')
    .split(/[,;]/)
    .map((x) => x.trim())
    .filter(Boolean)

planPages.post('/plan/actions', async (c) => {
  const ctx = pageCtx(c)
  const f = await formFields(c)
  const errors: Errors = {}
  const code = (f.code ?? '').trim()
  if (!code || code.length > 40) errors.code = ['required']
  if (!(f.point ?? '').trim()) errors.point = ['required']
  if (!(f.action ?? '').trim()) errors.action = ['required']
  const sessions = list(f.sessions)
  if (sessions.some((s) => !['K', '1', '2', '3', '4', 'E', 'R'].includes(s)))
    errors.sessions = ['choice_invalid']
  if (f.meetingId && !/^[0-9a-f-]{36}$/i.test(f.meetingId)) errors.meetingId = ['meeting_unknown']
  if (Object.keys(errors).length) return actionsPage(c, f, errors)
  const sector = askedSector(c)
  try {
    await createPlanAction(
      c.get('deps').database.db,
      ctx.actor,
      {
        code,
        meetingId: f.meetingId || undefined,
        point: f.point!.trim(),
        sessions,
        action: f.action!.trim(),
        targets: list(f.targets),
        targetItems: list(f.targetItems).map((x) => x.toUpperCase()),
      },
      sector,
    )
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return actionsPage(c, f, error.fieldErrors)
    throw error
  }
  return c.redirect(withParam(withSector('/plan/actions', sector), 'notice', 'saved'), 303)
})

// ---------------------------------------------------------------- indicators

const fmt = (ctx: PageCtx, unit: string, v: number | null) =>
  v === null
    ? '—'
    : `${new Intl.NumberFormat(ctx.lang, { maximumFractionDigits: 1 }).format(v)}${unit === 'percent' ? ' %' : ''}`

const PeriodForm: FC<{
  ctx: PageCtx
  period: { from: string; to: string }
  /** With a Sector filter (the scorecard). */
  sectors?: Sector[] | undefined
  sector?: string | undefined
}> = ({ ctx, period, sectors, sector }) => (
  <form method="get" class="filters" aria-label={ctx.t('reports.period')}>
    <TextField ctx={ctx} name="from" type="date" label={ctx.t('reports.from')} value={period.from} />
    <TextField ctx={ctx} name="to" type="date" label={ctx.t('reports.to')} value={period.to} />
    {sectors ? <SectorFilter ctx={ctx} sectors={sectors} value={sector} /> : null}
    <div class="filter-actions">
      <button type="submit">{ctx.t('reports.generate')}</button>
    </div>
  </form>
)

const IndicatorCard: FC<{
  ctx: PageCtx
  i: IndicatorView
  staff: boolean
  errors?: FormErrors | undefined
}> = ({ ctx, i, staff, errors }) => {
  const { t } = ctx
  const latest = i.values.at(-1)
  return (
    <section class="indicator" aria-labelledby={`ind-${i.code}`}>
      <h2 id={`ind-${i.code}`}>
        {i.name} <StatusBadge ctx={ctx} status={i.status} prefix="plan.indicator_status" />
      </h2>
      <dl class="facts">
        <dt>{t('plan.kind')}</dt>
        <dd>{i.kind === 'computed' ? t('plan.computed', { query: i.query }) : t('plan.manual')}</dd>
        {i.itemCode ? (
          <>
            <dt>{t('plan.item')}</dt>
            <dd>
              <a href={`/plan/items/${i.itemCode}`}>{i.itemCode}</a>
            </dd>
          </>
        ) : null}
        <dt>{t('plan.latest')}</dt>
        <dd>{latest ? `${fmt(ctx, i.unit, latest.value)} (${formatDate(latest.on, ctx.lang)})` : '—'}</dd>
        <dt>{t('plan.baseline')}</dt>
        <dd>
          {fmt(ctx, i.unit, i.baselineValue)}
          {i.baselineDate ? ` (${formatDate(i.baselineDate, ctx.lang)})` : ''}
        </dd>
        <dt>{t('plan.target')}</dt>
        <dd>
          {fmt(ctx, i.unit, i.targetValue)}
          {i.targetDate ? ` (${formatDate(i.targetDate, ctx.lang)})` : ''}{' '}
          <span class="muted">({t(`plan.directions.${i.direction}`)})</span>
        </dd>
      </dl>
      {i.failure ? (
        <p class="notice warning" role="status">
          {t('plan.query_failed', { reason: i.failure })}
        </p>
      ) : null}
      <p class="hint">{t('plan.status_rule')}</p>
      {i.values.length ? (
        <Chart
          svg={barChart({
            title: i.name,
            bars: i.values.map((v) => ({
              label: formatDate(v.on, ctx.lang),
              value: v.value,
            })),
            format: (n) => fmt(ctx, i.unit, n),
            rtl: ctx.lang === 'ar',
            width: 520,
          })}
        />
      ) : (
        <p class="empty">{t('plan.no_values')}</p>
      )}
      {staff ? (
        <details>
          <summary>{t('plan.set_target')}</summary>
          <form method="post" action={`/plan/indicators/${i.code}/target`} class="stack" novalidate>
            <Csrf ctx={ctx} />
            <input type="hidden" name="version" value={String(i.version)} />
            <TextField
              ctx={ctx}
              id={`bv-${i.code}`}
              name="baselineValue"
              type="number"
              label={t('plan.baseline_value')}
              value={i.baselineValue?.toString()}
              errors={errors}
            />
            <TextField
              ctx={ctx}
              id={`bd-${i.code}`}
              name="baselineDate"
              type="date"
              label={t('plan.baseline_date')}
              value={i.baselineDate}
              errors={errors}
            />
            <TextField
              ctx={ctx}
              id={`tv-${i.code}`}
              name="targetValue"
              type="number"
              label={t('plan.target_value')}
              value={i.targetValue?.toString()}
              errors={errors}
            />
            <TextField
              ctx={ctx}
              id={`td-${i.code}`}
              name="targetDate"
              type="date"
              label={t('plan.target_date')}
              value={i.targetDate}
              errors={errors}
            />
            <button type="submit" class="secondary">
              {t('action.save')}
            </button>
          </form>
        </details>
      ) : null}
      {staff && i.kind === 'manual' ? (
        <details open={!!errors}>
          <summary>{t('plan.add_measurement')}</summary>
          <form method="post" action={`/plan/indicators/${i.code}/measurements`} class="stack" novalidate>
            <Csrf ctx={ctx} />
            <TextField
              ctx={ctx}
              id={`mo-${i.code}`}
              name="measuredOn"
              type="date"
              label={t('plan.measured_on')}
              errors={errors}
              required
            />
            <TextField
              ctx={ctx}
              id={`mv-${i.code}`}
              name="value"
              type="number"
              label={t('plan.value')}
              hint={t(`plan.units.${i.unit}`)}
              errors={errors}
              required
            />
            <TextField
              ctx={ctx}
              id={`ms-${i.code}`}
              name="source"
              label={t('plan.source')}
              errors={errors}
              required
              maxlength={300}
            />
            <TextField
              ctx={ctx}
              id={`me-${i.code}`}
              name="evidence"
              label={t('plan.evidence')}
              errors={errors}
            />
            <button type="submit">{t('plan.add_measurement')}</button>
          </form>
        </details>
      ) : null}
    </section>
  )
}

async function indicatorsPage(c: Context<AppEnv>, errors?: FormErrors, failedCode?: string) {
  const ctx = pageCtx(c)
  const { t } = ctx
  const period = planPeriod(c.req.query())
  const indicators = await listIndicators(c.get('deps').database.db, ctx.actor, period)
  const staff = isStaff(ctx.actor)
  return c.html(
    <Layout ctx={ctx} title={t('plan.indicators')}>
      <h1>{t('plan.indicators')}</h1>
      <PlanNav ctx={ctx} current="/plan/indicators" />
      <Notice ctx={ctx} />
      <PeriodForm ctx={ctx} period={period} />
      {indicators.map((i) => (
        <IndicatorCard ctx={ctx} i={i} staff={staff} errors={failedCode === i.code ? errors : undefined} />
      ))}
      {staff ? (
        <section aria-labelledby="new-indicator">
          <h2 id="new-indicator">{t('plan.new_indicator')}</h2>
          {failedCode === '' ? <ErrorSummary ctx={ctx} errors={errors} /> : null}
          <form method="post" action="/plan/indicators" class="stack" novalidate>
            <Csrf ctx={ctx} />
            <TextField
              ctx={ctx}
              id="ni-code"
              name="code"
              label={t('plan.code')}
              hint={t('plan.code_hint')}
              required
              errors={failedCode === '' ? errors : undefined}
            />
            <TextField
              ctx={ctx}
              id="ni-name"
              name="name"
              label={t('plan.indicator_name')}
              required
              errors={failedCode === '' ? errors : undefined}
            />
            <TextField ctx={ctx} id="ni-definition" name="definition" label={t('plan.definition')} />
            <SelectField
              ctx={ctx}
              id="ni-unit"
              name="unit"
              label={t('plan.unit')}
              options={['count', 'percent', 'ratio', 'score', 'days'].map((u) => ({
                value: u,
                label: t(`plan.units.${u}`),
              }))}
            />
            <SelectField
              ctx={ctx}
              id="ni-direction"
              name="direction"
              label={t('plan.direction')}
              options={['increase', 'decrease', 'reach'].map((u) => ({
                value: u,
                label: t(`plan.directions.${u}`),
              }))}
            />
            <SelectField
              ctx={ctx}
              id="ni-query"
              name="query"
              label={t('plan.query')}
              empty={t('plan.manual')}
              options={INDICATOR_QUERY_NAMES.map((q) => ({ value: q, label: q }))}
            />
            <TextField ctx={ctx} id="ni-item" name="itemCode" label={t('plan.item')} />
            <button type="submit">{t('plan.create_indicator')}</button>
          </form>
        </section>
      ) : null}
    </Layout>,
    errors ? 422 : 200,
  )
}

planPages.get('/plan/indicators', (c) => {
  assertPlanReader(pageCtx(c).actor)
  return indicatorsPage(c)
})

planPages.post('/plan/indicators', async (c) => {
  const ctx = pageCtx(c)
  const f = await formFields(c)
  const errors: Errors = {}
  if (!/^[a-z0-9_]{2,60}$/.test(f.code ?? '')) errors.code = ['code_invalid']
  if (!(f.name ?? '').trim()) errors.name = ['required']
  const units = ['count', 'percent', 'ratio', 'score', 'days'] as const
  const directions = ['increase', 'decrease', 'reach'] as const
  if (!units.includes(f.unit as never)) errors.unit = ['choice_invalid']
  if (!directions.includes(f.direction as never)) errors.direction = ['choice_invalid']
  if (f.query && !INDICATOR_QUERY_NAMES.includes(f.query as never)) errors.query = ['choice_invalid']
  if (Object.keys(errors).length) return indicatorsPage(c, errors, '')
  try {
    await createIndicator(c.get('deps').database.db, ctx.actor, {
      code: f.code!,
      name: f.name!.trim(),
      definition: (f.definition ?? '').trim(),
      unit: f.unit as (typeof units)[number],
      direction: f.direction as (typeof directions)[number],
      kind: f.query ? 'computed' : 'manual',
      query: (f.query || undefined) as never,
      itemCode: (f.itemCode ?? '').trim() || undefined,
    })
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return indicatorsPage(c, error.fieldErrors, '')
    throw error
  }
  return c.redirect('/plan/indicators?notice=saved', 303)
})

planPages.post('/plan/indicators/:code/target', async (c) => {
  const ctx = pageCtx(c)
  const code = c.req.param('code')
  const f = await formFields(c)
  const errors: Errors = {}
  const bv = numberOrUndefined(f.baselineValue)
  const tv = numberOrUndefined(f.targetValue)
  if (Number.isNaN(bv)) errors.baselineValue = ['number_invalid']
  if (Number.isNaN(tv)) errors.targetValue = ['number_invalid']
  for (const k of ['baselineDate', 'targetDate'] as const)
    if (f[k] && !DAY.test(f[k]!)) errors[k] = ['date_invalid']
  if (Object.keys(errors).length) return indicatorsPage(c, errors, code)
  try {
    await setIndicatorTarget(c.get('deps').database.db, ctx.actor, code, {
      version: Number(f.version),
      baselineValue: bv,
      baselineDate: f.baselineDate || undefined,
      targetValue: tv,
      targetDate: f.targetDate || undefined,
    })
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return indicatorsPage(c, error.fieldErrors, code)
    throw error
  }
  return c.redirect(`/plan/indicators?notice=saved#ind-${code}`, 303)
})

planPages.post('/plan/indicators/:code/measurements', async (c) => {
  const ctx = pageCtx(c)
  const code = c.req.param('code')
  const f = await formFields(c)
  const errors: Errors = {}
  const value = numberOrUndefined(f.value)
  if (value === undefined) errors.value = ['required']
  else if (Number.isNaN(value)) errors.value = ['number_invalid']
  if (!f.measuredOn || !DAY.test(f.measuredOn)) errors.measuredOn = ['date_invalid']
  if (!(f.source ?? '').trim()) errors.source = ['required']
  if (Object.keys(errors).length) return indicatorsPage(c, errors, code)
  try {
    await addMeasurement(c.get('deps').database.db, ctx.actor, code, {
      measuredOn: f.measuredOn!,
      value: value!,
      source: f.source!.trim().slice(0, 300),
      evidence: (f.evidence ?? '').trim(),
    })
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
      return indicatorsPage(c, error.fieldErrors, code)
    throw error
  }
  return c.redirect(`/plan/indicators?notice=saved#ind-${code}`, 303)
})

// ---------------------------------------------------------------- the scorecard

export const ScorecardTable: FC<{
  ctx: PageCtx
  rows: Awaited<ReturnType<typeof scorecard>>
  editable: boolean
}> = ({ ctx, rows, editable }) => {
  const { t } = ctx
  const pf = new Intl.NumberFormat(ctx.lang, { style: 'percent', maximumFractionDigits: 0 })
  const nf = new Intl.NumberFormat(ctx.lang, { maximumFractionDigits: 1 })
  const show = (unit: 'share' | 'count', v: number | null) =>
    v === null ? '—' : unit === 'share' ? pf.format(v) : nf.format(v)
  return (
    <table class="data scorecard">
      <thead>
        <tr>
          <th scope="col">{t('plan.clause')}</th>
          <th scope="col">{t('plan.evidence')}</th>
          <th scope="col">{t('plan.value')}</th>
          <th scope="col">{t('plan.thresholds')}</th>
          <th scope="col">{t('field.status')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            <th scope="row">
              {t(`plan.clauses.${r.clause}.label`)}
              <br />
              <span class="muted">{t(`plan.clauses.${r.clause}.text`)}</span>
            </th>
            <td>
              <a href={r.link}>{t(`plan.clauses.${r.clause}.evidence`)}</a>
            </td>
            <td>
              {show(r.unit, r.value)}
              {r.unit === 'share' && r.whole ? ` (${nf.format(r.part ?? 0)}/${nf.format(r.whole)})` : ''}
            </td>
            <td>
              {editable ? (
                <form method="post" action={`/plan/scorecard/${r.clause}`} class="inline-form threshold">
                  <Csrf ctx={ctx} />
                  <label>
                    {t('plan.met_from')}{' '}
                    <input name="met" type="number" step="any" value={String(r.met)} size={5} />
                  </label>{' '}
                  <label>
                    {t('plan.partly_from')}{' '}
                    <input name="partly" type="number" step="any" value={String(r.partly)} size={5} />
                  </label>{' '}
                  <button type="submit" class="secondary">
                    {t('action.save')}
                  </button>
                </form>
              ) : (
                `${show(r.unit, r.met)} / ${show(r.unit, r.partly)}`
              )}
            </td>
            <td>
              <StatusBadge ctx={ctx} status={r.status} prefix="plan.clause_status" />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

async function scorecardPage(c: Context<AppEnv>, errorCode?: string) {
  const ctx = pageCtx(c)
  const { t } = ctx
  const period = planPeriod(c.req.query())
  const db = c.get('deps').database.db
  const sectors = await listSectors(db, ctx.lang)
  // The Sector whose records count (an unknown code counts all, as the filter then shows).
  const asked = askedSector(c)?.toLowerCase()
  const sector = asked === UNION ? UNION : sectors.find((s) => s.code.toLowerCase() === asked)?.code
  const rows = await scorecard(db, ctx.actor, period, sector)
  return c.html(
    <Layout ctx={ctx} title={t('plan.scorecard')}>
      <h1>{t('plan.scorecard')}</h1>
      <PlanNav ctx={ctx} current="/plan/scorecard" />
      <Notice ctx={ctx} />
      <ErrorSummary ctx={ctx} code={errorCode} />
      <p class="lead">{t('plan.scorecard_intro')}</p>
      <PeriodForm ctx={ctx} period={period} sectors={sectors} sector={sector} />
      <ScorecardTable ctx={ctx} rows={rows} editable={isStaff(ctx.actor)} />
    </Layout>,
    errorCode ? 422 : 200,
  )
}

planPages.get('/plan/scorecard', (c) => {
  assertPlanReader(pageCtx(c).actor)
  return scorecardPage(c)
})

planPages.post('/plan/scorecard/:clause', async (c) => {
  const ctx = pageCtx(c)
  const clause = c.req.param('clause')
  if (!(CLAUSES as readonly string[]).includes(clause)) throw new AppError('NOT_FOUND')
  const f = await formFields(c)
  const met = numberOrUndefined(f.met)
  const partly = numberOrUndefined(f.partly)
  if (
    met === undefined ||
    partly === undefined ||
    Number.isNaN(met) ||
    Number.isNaN(partly) ||
    partly > met ||
    met < 0 ||
    partly < 0
  )
    return scorecardPage(c, 'THRESHOLD_INVALID')
  await setThreshold(c.get('deps').database.db, ctx.actor, clause as Clause, { met, partly })
  return c.redirect('/plan/scorecard?notice=saved', 303)
})

export type { PlanItem }
