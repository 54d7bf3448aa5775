import type { Context } from 'hono'
import { Hono } from 'hono'
import type { FC } from 'hono/jsx'
import type { AppEnv } from '../../http/context.ts'
import { AppError, type FieldErrors } from '../../http/errors.ts'
import { formFields, nest, uuidParam, validate } from '../../http/forms.ts'
import {
  ChoiceSearch,
  Csrf,
  enumOptions,
  type FormErrors,
  Layout,
  Notice,
  type PageCtx,
  Pagination,
  pageCtx,
  SelectField,
  TextAreaField,
  TextField,
} from '../../http/layout.tsx'
import { LocalizedInputs } from '../../http/localized-inputs.tsx'
import { formatDate, formatDateTime, formatNumber, type Localized } from '../../i18n/i18n.ts'
import { canWrite, isStaff } from '../auth/auth.policy.ts'
import { assertRecordInScope, sectorScope, UNION } from '../structure/scope.ts'
import { SectorField, SectorFilter, sectorCodeOf } from '../structure/sector-inputs.tsx'
import type { Body } from '../structure/structure.schema.ts'
import { listBodies, listSectors } from '../structure/structure.service.ts'
import { ADVICE_STATUSES, type AdviceStatus, allowedMoves, MEMBER_ROLES } from './panel.policy.ts'
import {
  type Advice,
  AdviceInputSchema,
  AdviceQuerySchema,
  AdviceStatusSchema,
  AdviceUpdateSchema,
  type Member,
  MemberEndSchema,
  MemberInputSchema,
  type PanelDetail,
  PanelInputSchema,
  PanelQuerySchema,
  PanelUpdateSchema,
} from './panel.schema.ts'
import * as panels from './panel.service.ts'

/**
 * The Industry Advisory Panel's pages: the Panels (/panels), one Panel with its members, meetings and advice
 * (/panels/:id), and one advice item with its follow-up (/panels/:id/advice/:adviceId). Everyone signed in
 * reads them; staff see the forms (the services decide, per Panel and Sector).
 */
export const panelPages = new Hono<AppEnv>()

const today = () => new Date().toISOString().slice(0, 10)
const clamp = (day: string, from: string, to: string) => (day < from ? from : day > to ? to : day)
const db = (c: Context<AppEnv>) => c.get('deps').database.db

type Values = Record<string, string>
type Failure = {
  errors?: FormErrors | undefined
  code?: string | undefined
  details?: Record<string, unknown>
}

/** Renders the form again with what was typed, on refusals the user can correct; anything else propagates. */
async function submit(
  c: Context<AppEnv>,
  run: () => Promise<string>,
  render: (failure: Failure) => Promise<unknown>,
) {
  try {
    return c.redirect(await run(), 303)
  } catch (error) {
    if (error instanceof AppError && (error.fieldErrors || error.status === 409))
      return c.html(
        (await render({ errors: error.fieldErrors, code: error.code, details: error.details })) as string,
        error.status,
      )
    throw error
  }
}

// ---------------------------------------------------------------- pieces

/** Like the shared error summary, with the Panel's own field names and the dates a refusal gives. */
const Problems: FC<{ ctx: PageCtx; failure?: Failure | undefined }> = ({ ctx, failure }) => {
  const { t } = ctx
  const errors = failure?.errors && Object.keys(failure.errors).length ? failure.errors : undefined
  const code = failure?.code && failure.code !== 'VALIDATION_FAILED' ? failure.code : undefined
  if (!errors && !code) return null
  const d = failure?.details ?? {}
  const from =
    typeof d.startsOn === 'string' ? d.startsOn : typeof d.termStartsOn === 'string' ? d.termStartsOn : ''
  const to = typeof d.endsOn === 'string' ? d.endsOn : typeof d.termEndsOn === 'string' ? d.termEndsOn : ''
  return (
    <div class="error-summary" role="alert" tabindex={-1} data-focus>
      <h2>{t('form.error_title')}</h2>
      {code ? <p>{t(`errors.${code}`)}</p> : null}
      {code === 'BODY_NOT_IN_PERIOD' && from ? (
        <p>
          {to
            ? t('panel.body_dates', { from: formatDate(from, ctx.lang), to: formatDate(to, ctx.lang) })
            : t('panel.body_dates_open', { from: formatDate(from, ctx.lang) })}
        </p>
      ) : null}
      {code === 'PANEL_OUTSIDE_TERM' && from && to ? (
        <p>{t('panel.term_is', { from: formatDate(from, ctx.lang), to: formatDate(to, ctx.lang) })}</p>
      ) : null}
      {code && /_CONFLICT$/.test(code) ? <p>{t('panel.conflict_help')}</p> : null}
      {errors ? (
        <ul>
          {Object.entries(errors).map(([field, msgs]) => (
            <li>
              <a href={`#f-${field.replace(/[^a-z0-9]+/gi, '-')}`}>
                {t(`panel.fields.${field}`, { defaultValue: field })}:{' '}
                {msgs.map((m) => t(`validation.${m}`, { defaultValue: m })).join(' ')}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

const STATUS_CLASS: Record<AdviceStatus, string> = {
  given: 'status-open',
  under_consideration: 'status-in_progress',
  accepted: 'status-done',
  partly_accepted: 'status-partly_met',
  not_accepted: 'status-closed',
  implemented: 'status-achieved',
}

const StatusBadge: FC<{ ctx: PageCtx; advice: Pick<Advice, 'status' | 'overdue'> }> = ({ ctx, advice }) => (
  <>
    <span class={`badge ${STATUS_CLASS[advice.status]}`}>{ctx.t(`panel.statuses.${advice.status}`)}</span>
    {advice.overdue ? <span class="badge overdue"> {ctx.t('panel.overdue')}</span> : null}
  </>
)

function term(ctx: PageCtx, p: { termStartsOn: string; termEndsOn: string }): string {
  return ctx.t('panel.term_range', {
    from: formatDate(p.termStartsOn, ctx.lang),
    to: formatDate(p.termEndsOn, ctx.lang),
  })
}

function bodyLabel(b: Body): string {
  return `${b.sectorCode ? `${b.sectorCode} ` : ''}${b.code} — ${b.name}`
}

/** Bodies to choose from: every body of the structure, with its dates when it has ended. */
function bodyOptions(ctx: PageCtx, bodies: Body[]) {
  return bodies.map((b) => ({
    value: b.id,
    label: b.endsOn
      ? `${bodyLabel(b)} (${ctx.t('panel.body_until', { to: formatDate(b.endsOn, ctx.lang) })})`
      : bodyLabel(b),
  }))
}

const mayWrite = (ctx: PageCtx) => isStaff(ctx.actor) && canWrite(ctx.actor)

function withAlternates(members: Member[]): Member[] {
  const principals = members.filter((m) => m.role === 'principal')
  const placed = new Set<string>()
  const out: Member[] = []
  for (const p of principals) {
    out.push(p)
    for (const a of members.filter((x) => x.alternateFor === p.id)) {
      out.push(a)
      placed.add(a.id)
    }
  }
  return [...out, ...members.filter((m) => m.role === 'alternate' && !placed.has(m.id))]
}

/** Who a member is, for this reader: the person when the directory lets them see the person, else the organization. */
function memberLabel(m: Member | undefined): string {
  if (!m) return ''
  return m.personName ? `${m.personName} (${m.organizationName})` : m.organizationName
}

// ---------------------------------------------------------------- the Panels

panelPages.get('/panels', async (c) => {
  const ctx = pageCtx(c)
  const { t } = ctx
  const parsed = PanelQuerySchema.safeParse(Object.fromEntries(ctx.url.searchParams))
  const q = parsed.success ? parsed.data : PanelQuerySchema.parse({})
  const [list, sectors] = await Promise.all([
    panels.listPanels(db(c), ctx.actor, q, ctx.lang),
    listSectors(db(c), ctx.lang),
  ])
  const nf = (n: number) => formatNumber(n, ctx.lang)
  return c.html(
    <Layout ctx={ctx} title={t('panel.list_title')}>
      <div class="page-head">
        <h1>{t('panel.list_title')}</h1>
        {mayWrite(ctx) ? (
          <div class="actions">
            <a class="button" href="/panels/new">
              {t('panel.new')}
            </a>
          </div>
        ) : null}
      </div>
      <Notice ctx={ctx} />
      <p class="lead">{t('panel.intro')}</p>
      {parsed.success ? null : <p class="field-error">{t('validation.filters_invalid')}</p>}
      <form method="get" action="/panels" class="filters" aria-label={t('action.filter')}>
        <SectorFilter ctx={ctx} sectors={sectors} value={q.sector} />
        <div class="filter-actions">
          <button type="submit">{t('action.filter')}</button>
          {q.sector ? <a href="/panels">{t('action.clear')}</a> : null}
        </div>
      </form>
      {list.items.length === 0 ? (
        <p class="empty">{q.sector ? t('panel.none_match') : t('panel.none')}</p>
      ) : (
        <table class="data">
          <caption class="visually-hidden">{t('panel.list_title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('panel.panel')}</th>
              <th scope="col">{t('structure.sector')}</th>
              <th scope="col">{t('panel.term')}</th>
              <th scope="col">{t('panel.reports_to')}</th>
              <th scope="col">{t('panel.current_members')}</th>
              <th scope="col">{t('panel.advice_given')}</th>
              <th scope="col">{t('panel.advice_open')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((p) => (
              <tr>
                <td>
                  <a href={`/panels/${p.id}`}>
                    {p.code} — {p.name}
                  </a>{' '}
                  {p.current ? <span class="tag">{t('panel.current')}</span> : null}
                </td>
                <td>{p.sector ?? t('structure.union_wide')}</td>
                <td>{term(ctx, p)}</td>
                <td>{p.reportsTo ? p.reportsTo.code : '—'}</td>
                <td>{nf(p.currentMembers)}</td>
                <td>{nf(p.adviceGiven)}</td>
                <td>{nf(p.openAdvice)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pagination ctx={ctx} page={q.page} pageSize={q.pageSize} total={list.total} />
    </Layout>,
  )
})

/** The form of a Panel: to set one up, or to change it (with the version the editor saw). */
async function panelForm(
  c: Context<AppEnv>,
  panel: PanelDetail | undefined,
  values: Values,
  failure?: Failure,
) {
  const ctx = pageCtx(c)
  const { t } = ctx
  if (!mayWrite(ctx)) throw new AppError(ctx.actor.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN')
  const [sectors, bodies] = await Promise.all([listSectors(db(c), ctx.lang), listBodies(db(c), {}, ctx.lang)])
  const council = bodies.find((b) => b.kind === 'council' && !b.endsOn)
  const errors = failure?.errors
  const title = panel ? t('panel.edit_title', { code: panel.code }) : t('panel.new')
  const sector =
    values.sector ??
    (panel
      ? sectorCodeOf(sectors, panel.sector === null ? null : sectors.find((s) => s.code === panel.sector)?.id)
      : sectorScope(ctx.actor) === null
        ? UNION
        : undefined)
  return (
    <Layout ctx={ctx} title={title}>
      <p class="breadcrumb">
        <a href="/panels">{t('panel.list_title')}</a>
        {panel ? (
          <>
            {' › '}
            <a href={`/panels/${panel.id}`}>{panel.code}</a>
          </>
        ) : null}
      </p>
      <h1>{title}</h1>
      <Problems ctx={ctx} failure={failure} />
      <form method="post" action={panel ? `/panels/${panel.id}` : '/panels'} novalidate>
        <Csrf ctx={ctx} />
        {panel ? (
          <input type="hidden" name="version" value={values.version ?? String(panel.version)} />
        ) : null}
        <div class="grid-2">
          <TextField
            ctx={ctx}
            name="code"
            label={t('panel.fields.code')}
            hint={t('panel.code_hint')}
            value={values.code ?? panel?.code}
            errors={errors}
            required
            maxlength={30}
          />
          <SectorField ctx={ctx} sectors={sectors} value={sector} errors={errors} />
        </div>
        <LocalizedInputs
          ctx={ctx}
          name="names"
          label={t('panel.fields.names')}
          value={
            panel && !Object.keys(values).length ? panel.names : ((nest(values).names ?? {}) as Localized)
          }
          errors={errors}
          required
          maxlength={300}
        />
        <SelectField
          ctx={ctx}
          name="reportsToBodyId"
          label={t('panel.fields.reportsToBodyId')}
          value={values.reportsToBodyId ?? panel?.reportsTo?.id ?? council?.id}
          options={bodyOptions(ctx, bodies)}
          errors={errors}
          required
        />
        <div class="grid-2">
          <TextField
            ctx={ctx}
            name="termStartsOn"
            type="date"
            label={t('panel.fields.termStartsOn')}
            value={values.termStartsOn ?? panel?.termStartsOn}
            errors={errors}
            required
          />
          <TextField
            ctx={ctx}
            name="termEndsOn"
            type="date"
            label={t('panel.fields.termEndsOn')}
            value={values.termEndsOn ?? panel?.termEndsOn}
            errors={errors}
            required
          />
        </div>
        <button type="submit">{panel ? t('action.save') : t('panel.create')}</button>
      </form>
    </Layout>
  )
}

panelPages.get('/panels/new', async (c) => c.html(await panelForm(c, undefined, {})))

panelPages.post('/panels', async (c) => {
  const ctx = pageCtx(c)
  const values = await formFields(c)
  const v = validate(PanelInputSchema, nest(values))
  if (!v.ok) return c.html(await panelForm(c, undefined, values, { errors: v.errors }), 422)
  return submit(
    c,
    async () => `/panels/${(await panels.createPanel(db(c), ctx.actor, v.data, ctx.lang)).id}?notice=created`,
    (failure) => panelForm(c, undefined, values, failure),
  )
})

panelPages.get('/panels/:id/edit', async (c) => {
  const ctx = pageCtx(c)
  const panel = await panels.getPanel(db(c), ctx.actor, uuidParam(c, 'id'), ctx.lang)
  // The form changes the Panel: not offered to a secretariat limited to another Sector.
  await assertRecordInScope(db(c), ctx.actor, 'advisory_panel', panel.id)
  return c.html(await panelForm(c, panel, {}))
})

panelPages.post('/panels/:id', async (c) => {
  const ctx = pageCtx(c)
  const id = uuidParam(c, 'id')
  const values = await formFields(c)
  const panel = await panels.getPanel(db(c), ctx.actor, id, ctx.lang)
  const v = validate(PanelUpdateSchema, nest(values))
  if (!v.ok) return c.html(await panelForm(c, panel, values, { errors: v.errors }), 422)
  return submit(
    c,
    async () => {
      await panels.updatePanel(db(c), ctx.actor, id, v.data, ctx.lang)
      return `/panels/${id}?notice=saved`
    },
    // A stale edit shows the Panel as it is now, with the current version, so saving again is a choice.
    async (failure) =>
      failure.code === 'PANEL_CONFLICT'
        ? panelForm(c, await panels.getPanel(db(c), ctx.actor, id, ctx.lang), {}, failure)
        : panelForm(c, panel, values, failure),
  )
})

// ---------------------------------------------------------------- one Panel

type PanelFailure = Failure & { form: 'member' | 'end' | 'advice'; values: Values }

async function panelPage(c: Context<AppEnv>, failure?: PanelFailure) {
  const ctx = pageCtx(c)
  const { t } = ctx
  const id = uuidParam(c, 'id')
  const panel = await panels.getPanel(db(c), ctx.actor, id, ctx.lang)
  const parsed = AdviceQuerySchema.safeParse(Object.fromEntries(ctx.url.searchParams))
  const q = parsed.success ? parsed.data : AdviceQuerySchema.parse({})
  const [advice, addressees, sectors] = await Promise.all([
    panels.listAdvice(db(c), ctx.actor, id, { ...q, pageSize: Math.min(q.pageSize, 50) }, ctx.lang),
    panels.adviceAddressees(db(c), ctx.actor, id),
    listSectors(db(c), ctx.lang),
  ])
  const manage = panels.canChange(ctx.actor, panel, sectors)
  const [choices, bodies] = manage
    ? await Promise.all([
        panels.peopleChoices(db(c), ctx.actor, ctx.url.searchParams.get('person') ?? undefined),
        listBodies(db(c), {}, ctx.lang),
      ])
    : [undefined, []]
  const byId = new Map(panel.members.map((m) => [m.id, m]))
  // Each principal followed by their alternate; an alternate whose principal has left comes last.
  const current = withAlternates(panel.members.filter((m) => !m.endsOn || m.endsOn >= today()))
  const past = panel.members.filter((m) => m.endsOn && m.endsOn < today())
  const principals = current.filter((m) => m.role === 'principal')
  const within = {
    from: formatDate(panel.termStartsOn, ctx.lang),
    to: formatDate(panel.termEndsOn, ctx.lang),
  }
  const day = clamp(today(), panel.termStartsOn, panel.termEndsOn)
  const f = (form: PanelFailure['form']) => (failure?.form === form ? failure : undefined)
  const mv = f('member')?.values ?? {}
  const av = f('advice')?.values ?? {}
  const filtered = !!(q.status || q.body)
  const nf = (n: number) => formatNumber(n, ctx.lang)

  const membersTable = (rows: Member[], ended: boolean) => (
    <table class="data">
      <thead>
        <tr>
          <th scope="col">{t('panel.member')}</th>
          <th scope="col">{t('panel.organization')}</th>
          <th scope="col">{t('panel.fields.role')}</th>
          <th scope="col">{t('panel.since')}</th>
          <th scope="col">{t('panel.until')}</th>
          {manage && !ended ? <th scope="col">{t('panel.actions')}</th> : null}
        </tr>
      </thead>
      <tbody>
        {rows.map((m) => {
          const alternates = current.filter((a) => a.alternateFor === m.id && !a.endsOn)
          return (
            <tr>
              <td>
                {m.personName ? (
                  <>
                    {m.personName}
                    {m.personTitle ? <span class="muted"> · {m.personTitle}</span> : null}
                  </>
                ) : (
                  <span class="muted">{t('panel.name_not_shown')}</span>
                )}
              </td>
              <td>
                <a href={`/organizations/${m.organizationId}`}>{m.organizationName}</a>{' '}
                <span class="muted">({m.countryCode})</span>
              </td>
              <td>
                {m.role === 'principal'
                  ? t('panel.roles.principal')
                  : t('panel.alternate_for', { name: memberLabel(byId.get(m.alternateFor ?? '')) })}
              </td>
              <td>{formatDate(m.startsOn, ctx.lang)}</td>
              <td>{m.endsOn ? formatDate(m.endsOn, ctx.lang) : '—'}</td>
              {manage && !ended ? (
                <td>
                  {m.endsOn ? null : (
                    <details>
                      <summary>{t('panel.end_membership')}</summary>
                      <form
                        method="post"
                        action={`/panels/${panel.id}/members/${m.id}/end#members-h`}
                        class="inline-form"
                        data-confirm={
                          alternates.length
                            ? t('panel.end_confirm_with_alternate', { name: memberLabel(m) })
                            : t('panel.end_confirm', { name: memberLabel(m) })
                        }
                      >
                        <Csrf ctx={ctx} />
                        <input type="hidden" name="version" value={String(m.version)} />
                        <label for={`end-${m.id}`}>{t('panel.end_on')}</label>{' '}
                        <input
                          type="date"
                          id={`end-${m.id}`}
                          name="endsOn"
                          value={clamp(today(), m.startsOn, panel.termEndsOn)}
                          min={m.startsOn}
                          max={panel.termEndsOn}
                          required
                        />{' '}
                        <button type="submit" class="danger">
                          {t('panel.end_membership')}
                        </button>
                      </form>
                    </details>
                  )}
                </td>
              ) : null}
            </tr>
          )
        })}
      </tbody>
    </table>
  )

  return (
    <Layout ctx={ctx} title={`${panel.code} — ${panel.name}`}>
      <p class="breadcrumb">
        <a href="/panels">{t('panel.list_title')}</a>
      </p>
      <div class="page-head">
        <h1>
          {panel.code} — {panel.name}
        </h1>
        {manage ? (
          <div class="actions">
            <a class="button secondary" href={`/panels/${panel.id}/edit`}>
              {t('action.edit')}
            </a>
          </div>
        ) : null}
      </div>
      <Notice ctx={ctx} />
      <dl class="facts">
        <dt>{t('structure.sector')}</dt>
        <dd>{panel.sector ?? t('structure.union_wide')}</dd>
        <dt>{t('panel.term')}</dt>
        <dd>
          {term(ctx, panel)}{' '}
          {panel.current ? (
            <span class="tag">{t('panel.current')}</span>
          ) : panel.termEndsOn < today() ? (
            <span class="tag">{t('panel.ended')}</span>
          ) : (
            <span class="tag">{t('panel.not_started')}</span>
          )}
        </dd>
        <dt>{t('panel.reports_to')}</dt>
        <dd>
          {panel.reportsTo ? (
            <a href={`/structure/bodies/${panel.reportsTo.id}`}>
              {panel.reportsTo.code} — {panel.reportsTo.name}
            </a>
          ) : (
            '—'
          )}
        </dd>
        <dt>{t('panel.current_members')}</dt>
        <dd>{nf(panel.currentMembers)}</dd>
        <dt>{t('panel.advice_given')}</dt>
        <dd>
          {nf(panel.adviceGiven)} ({t('panel.open_count', { count: panel.openAdvice })})
        </dd>
      </dl>

      <section aria-labelledby="members-h">
        <h2 id="members-h">{t('panel.members')}</h2>
        <p class="hint">{t('panel.members_hint')}</p>
        {f('end') ? <Problems ctx={ctx} failure={f('end')} /> : null}
        {current.length ? membersTable(current, false) : <p class="empty">{t('panel.no_members')}</p>}
        {past.length ? (
          <details>
            <summary>{t('panel.past_members', { count: past.length })}</summary>
            {membersTable(past, true)}
          </details>
        ) : null}
        {manage && choices ? (
          <section aria-labelledby="add-member-h" id="add-member">
            <h3 id="add-member-h">{t('panel.add_member')}</h3>
            <Problems ctx={ctx} failure={f('member')} />
            <ChoiceSearch
              ctx={ctx}
              name="person"
              label={t('choices.people')}
              anchor="add-member"
              more={choices.more}
            />
            <form method="post" action={`/panels/${panel.id}/members`} novalidate>
              <Csrf ctx={ctx} />
              <div class="grid-2">
                <SelectField
                  ctx={ctx}
                  name="personId"
                  label={t('panel.fields.personId')}
                  value={mv.personId}
                  options={choices.people.map((p) => ({
                    value: p.id,
                    label: `${p.name}${p.title ? ` — ${p.title}` : ''} (${p.organizationName})`,
                  }))}
                  errors={f('member')?.errors}
                  empty=""
                  required
                />
                <SelectField
                  ctx={ctx}
                  name="role"
                  label={t('panel.fields.role')}
                  value={mv.role ?? 'principal'}
                  options={enumOptions(ctx, 'panel.roles', MEMBER_ROLES)}
                  errors={f('member')?.errors}
                  required
                />
                <SelectField
                  ctx={ctx}
                  name="alternateFor"
                  label={t('panel.fields.alternateFor')}
                  value={mv.alternateFor}
                  options={principals.map((m) => ({ value: m.id, label: memberLabel(m) }))}
                  empty={t('panel.alternate_for_none')}
                  errors={f('member')?.errors}
                />
                <TextField
                  ctx={ctx}
                  name="startsOn"
                  type="date"
                  label={t('panel.fields.startsOn')}
                  hint={t('panel.within_term', within)}
                  value={mv.startsOn ?? day}
                  errors={f('member')?.errors}
                  required
                />
              </div>
              <button type="submit">{t('panel.add_member')}</button>
            </form>
          </section>
        ) : null}
      </section>

      <section aria-labelledby="meetings-h">
        <h2 id="meetings-h">{t('panel.meetings')}</h2>
        {panel.meetings.length ? (
          <ul>
            {panel.meetings.map((m) => (
              <li>
                <a href={`/meetings/${m.id}`}>{m.title}</a> —{' '}
                <time datetime={m.startsAt}>{formatDate(m.startsAt, ctx.lang)}</time>{' '}
                <span class="tag">{t(`meeting_status.${m.status}`)}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p class="empty">{t('panel.no_meetings')}</p>
        )}
      </section>

      <section aria-labelledby="advice-h">
        <h2 id="advice-h">{t('panel.advice')}</h2>
        <p class="hint">{t('panel.advice_hint')}</p>
        {parsed.success ? null : <p class="field-error">{t('validation.filters_invalid')}</p>}
        <form
          method="get"
          action={`/panels/${panel.id}#advice-h`}
          class="filters"
          aria-label={t('action.filter')}
        >
          <SelectField
            ctx={ctx}
            name="status"
            label={t('panel.fields.status')}
            value={q.status}
            options={enumOptions(ctx, 'panel.statuses', ADVICE_STATUSES)}
            empty={t('filter.all')}
          />
          <SelectField
            ctx={ctx}
            name="body"
            label={t('panel.fields.addressedToBodyId')}
            value={q.body}
            options={addressees.map((a) => ({ value: a.id!, label: a.code }))}
            empty={t('filter.all')}
          />
          <div class="filter-actions">
            <button type="submit">{t('action.filter')}</button>
            {filtered ? <a href={`/panels/${panel.id}#advice-h`}>{t('action.clear')}</a> : null}
          </div>
        </form>
        {advice.items.length === 0 ? (
          <p class="empty">{filtered ? t('panel.no_advice_match') : t('panel.no_advice')}</p>
        ) : (
          <table class="data">
            <caption class="visually-hidden">{t('panel.advice')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('panel.number')}</th>
                <th scope="col">{t('panel.fields.givenOn')}</th>
                <th scope="col">{t('panel.fields.advice')}</th>
                <th scope="col">{t('panel.fields.addressedToBodyId')}</th>
                <th scope="col">{t('panel.fields.status')}</th>
                <th scope="col">{t('panel.response')}</th>
                <th scope="col">{t('panel.fields.dueDate')}</th>
              </tr>
            </thead>
            <tbody>
              {advice.items.map((a) => (
                <tr class={a.overdue ? 'overdue' : undefined}>
                  <td>{nf(a.number)}</td>
                  <td>{formatDate(a.givenOn, ctx.lang)}</td>
                  <td>
                    <a href={`/panels/${panel.id}/advice/${a.id}`}>
                      {a.text.length > 140 ? `${a.text.slice(0, 140)}…` : a.text}
                    </a>
                  </td>
                  <td>{a.addressedTo}</td>
                  <td>
                    <StatusBadge ctx={ctx} advice={a} />
                  </td>
                  <td>{a.respondedOn ? formatDate(a.respondedOn, ctx.lang) : '—'}</td>
                  <td>{a.dueDate ? formatDate(a.dueDate, ctx.lang) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pagination
          ctx={ctx}
          page={advice.page}
          pageSize={advice.pageSize}
          total={advice.total}
          anchor="advice-h"
        />
        {manage ? (
          <section aria-labelledby="record-h" id="record">
            <h3 id="record-h">{t('panel.record_advice')}</h3>
            <Problems ctx={ctx} failure={f('advice')} />
            <form method="post" action={`/panels/${panel.id}/advice`} novalidate>
              <Csrf ctx={ctx} />
              <AdviceFields
                ctx={ctx}
                values={av}
                fallback={{ givenOn: day }}
                errors={f('advice')?.errors}
                bodies={bodies}
                meetings={panel.meetings}
                within={within}
              />
              <TextAreaField
                ctx={ctx}
                name="note"
                label={t('panel.fields.note')}
                hint={t('panel.note_hint')}
                value={av.note ?? ''}
                errors={f('advice')?.errors}
                rows={2}
                maxlength={4000}
              />
              <button type="submit">{t('panel.record_advice')}</button>
            </form>
          </section>
        ) : null}
      </section>
    </Layout>
  )
}

/** The fields advice is recorded (and corrected) with. */
const AdviceFields: FC<{
  ctx: PageCtx
  values: Values
  fallback: Partial<Pick<Advice, 'givenOn' | 'addressedToBodyId' | 'meetingId' | 'dueDate'>> & {
    texts?: Localized
  }
  errors: FieldErrors | undefined
  bodies: Body[]
  meetings: PanelDetail['meetings']
  within: { from: string; to: string }
}> = ({ ctx, values, fallback, errors, bodies, meetings, within }) => {
  const { t } = ctx
  const typed = Object.keys(values).length > 0
  return (
    <>
      <div class="grid-2">
        <TextField
          ctx={ctx}
          name="givenOn"
          type="date"
          label={t('panel.fields.givenOn')}
          hint={t('panel.within_term', within)}
          value={values.givenOn ?? fallback.givenOn}
          errors={errors}
          required
        />
        <SelectField
          ctx={ctx}
          name="addressedToBodyId"
          label={t('panel.fields.addressedToBodyId')}
          value={values.addressedToBodyId ?? fallback.addressedToBodyId}
          options={bodyOptions(ctx, bodies)}
          empty=""
          errors={errors}
          required
        />
        <SelectField
          ctx={ctx}
          name="meetingId"
          label={t('panel.fields.meetingId')}
          value={values.meetingId ?? fallback.meetingId}
          options={meetings.map((m) => ({
            value: m.id,
            label: `${m.title} (${formatDate(m.startsAt, ctx.lang)})`,
          }))}
          empty={t('panel.no_meeting')}
          errors={errors}
        />
        <TextField
          ctx={ctx}
          name="dueDate"
          type="date"
          label={t('panel.fields.dueDate')}
          hint={t('panel.due_hint')}
          value={values.dueDate ?? fallback.dueDate}
          errors={errors}
        />
      </div>
      <LocalizedInputs
        ctx={ctx}
        name="advice"
        label={t('panel.fields.advice')}
        value={typed ? ((nest(values).advice ?? {}) as Localized) : (fallback.texts ?? {})}
        errors={errors}
        multiline
        required
      />
    </>
  )
}

panelPages.get('/panels/:id', async (c) => c.html(await panelPage(c)))

panelPages.post('/panels/:id/members', async (c) => {
  const ctx = pageCtx(c)
  const id = uuidParam(c, 'id')
  const values = await formFields(c)
  const v = validate(MemberInputSchema, values)
  if (!v.ok) return c.html(await panelPage(c, { form: 'member', errors: v.errors, values }), 422)
  return submit(
    c,
    async () => {
      await panels.addMember(db(c), ctx.actor, id, v.data)
      return `/panels/${id}?notice=panel_member_added#members-h`
    },
    (failure) => panelPage(c, { ...failure, form: 'member', values }),
  )
})

panelPages.post('/panels/:id/members/:memberId/end', async (c) => {
  const ctx = pageCtx(c)
  const id = uuidParam(c, 'id')
  const memberId = uuidParam(c, 'memberId')
  const values = await formFields(c)
  const v = validate(MemberEndSchema, values)
  if (!v.ok) return c.html(await panelPage(c, { form: 'end', errors: v.errors, values }), 422)
  return submit(
    c,
    async () => {
      await panels.endMember(db(c), ctx.actor, id, memberId, v.data)
      return `/panels/${id}?notice=panel_member_ended#members-h`
    },
    (failure) => panelPage(c, { ...failure, form: 'end', values }),
  )
})

panelPages.post('/panels/:id/advice', async (c) => {
  const ctx = pageCtx(c)
  const id = uuidParam(c, 'id')
  const values = await formFields(c)
  const v = validate(AdviceInputSchema, nest(values))
  if (!v.ok) return c.html(await panelPage(c, { form: 'advice', errors: v.errors, values }), 422)
  return submit(
    c,
    async () => {
      const adviceId = await panels.createAdvice(db(c), ctx.actor, id, v.data, ctx.lang)
      return `/panels/${id}/advice/${adviceId}?notice=panel_advice_recorded`
    },
    (failure) => panelPage(c, { ...failure, form: 'advice', values }),
  )
})

// ---------------------------------------------------------------- one advice item

type AdviceFailure = Failure & { form: 'follow_up' | 'correct'; values: Values }

async function advicePage(c: Context<AppEnv>, failure?: AdviceFailure) {
  const ctx = pageCtx(c)
  const { t } = ctx
  const id = uuidParam(c, 'id')
  const adviceId = uuidParam(c, 'adviceId')
  const panel = await panels.getPanel(db(c), ctx.actor, id, ctx.lang)
  const [a, sectors] = await Promise.all([
    panels.getAdvice(db(c), ctx.actor, id, adviceId, ctx.lang),
    listSectors(db(c), ctx.lang),
  ])
  const manage = panels.canChange(ctx.actor, panel, sectors)
  const bodies = manage ? await listBodies(db(c), {}, ctx.lang) : []
  const title = t('panel.advice_title', { number: a.number, code: panel.code })
  const fu = failure?.form === 'follow_up' ? failure : undefined
  const co = failure?.form === 'correct' ? failure : undefined
  const fv = fu?.values ?? {}
  const within = {
    from: formatDate(panel.termStartsOn, ctx.lang),
    to: formatDate(panel.termEndsOn, ctx.lang),
  }
  const next = [a.status, ...allowedMoves(a.status)]
  return (
    <Layout ctx={ctx} title={title}>
      <p class="breadcrumb">
        <a href="/panels">{t('panel.list_title')}</a> ›{' '}
        <a href={`/panels/${panel.id}#advice-h`}>
          {panel.code} — {panel.name}
        </a>
      </p>
      <h1>
        {title} <StatusBadge ctx={ctx} advice={a} />
      </h1>
      <Notice ctx={ctx} />
      <blockquote class="advice-text">
        {a.text.split(/\n{2,}/).map((para) => (
          <p>{para}</p>
        ))}
      </blockquote>
      <dl class="facts">
        <dt>{t('panel.fields.givenOn')}</dt>
        <dd>{formatDate(a.givenOn, ctx.lang)}</dd>
        <dt>{t('panel.fields.addressedToBodyId')}</dt>
        <dd>
          {a.addressedToBodyId ? (
            <a href={`/structure/bodies/${a.addressedToBodyId}`}>
              {a.addressedTo} — {a.addressedToName}
            </a>
          ) : (
            a.addressedTo
          )}
        </dd>
        <dt>{t('panel.fields.meetingId')}</dt>
        <dd>{a.meetingId ? <a href={`/meetings/${a.meetingId}`}>{a.meetingTitle}</a> : '—'}</dd>
        <dt>{t('panel.fields.dueDate')}</dt>
        <dd>{a.dueDate ? formatDate(a.dueDate, ctx.lang) : '—'}</dd>
        <dt>{t('panel.fields.status')}</dt>
        <dd>
          <StatusBadge ctx={ctx} advice={a} />
        </dd>
        <dt>{t('panel.response')}</dt>
        <dd>
          {a.response ? (
            <>
              {a.response}
              {a.respondedOn ? (
                <span class="muted">
                  {' '}
                  ({t('panel.responded_on', { day: formatDate(a.respondedOn, ctx.lang) })})
                </span>
              ) : null}
            </>
          ) : (
            t('panel.no_response')
          )}
        </dd>
        <dt>{t('panel.fields.actionTaken')}</dt>
        <dd>{a.actionTaken ?? '—'}</dd>
      </dl>

      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">{t('panel.timeline')}</h2>
        {a.updates.length ? (
          <ol class="timeline">
            {a.updates.map((u) => (
              <li>
                <time datetime={u.at}>{formatDateTime(u.at, ctx.lang)}</time> — {u.by}{' '}
                <strong>· {t(`panel.statuses.${u.status}`)}</strong>
                <p>{u.note}</p>
              </li>
            ))}
          </ol>
        ) : (
          <p class="empty">{t('panel.no_updates')}</p>
        )}
      </section>

      {manage ? (
        <section aria-labelledby="follow-up-h">
          <h2 id="follow-up-h">{t('panel.follow_up')}</h2>
          <p class="hint">{t('panel.follow_up_hint')}</p>
          <Problems ctx={ctx} failure={fu} />
          <form method="post" action={`/panels/${panel.id}/advice/${a.id}/status`} novalidate>
            <Csrf ctx={ctx} />
            <input type="hidden" name="version" value={String(a.version)} />
            <SelectField
              ctx={ctx}
              name="status"
              label={t('panel.fields.status')}
              value={fv.status ?? a.status}
              options={next.map((s) => ({
                value: s,
                label:
                  s === a.status
                    ? t('panel.status_unchanged', { status: t(`panel.statuses.${s}`) })
                    : t(`panel.statuses.${s}`),
              }))}
              errors={fu?.errors}
              required
            />
            <TextAreaField
              ctx={ctx}
              name="response"
              label={t('panel.fields.response')}
              hint={t('panel.response_hint')}
              value={fv.response ?? a.response ?? ''}
              errors={fu?.errors}
              maxlength={4000}
            />
            <TextField
              ctx={ctx}
              name="respondedOn"
              type="date"
              label={t('panel.fields.respondedOn')}
              value={fv.respondedOn ?? a.respondedOn}
              errors={fu?.errors}
            />
            <TextAreaField
              ctx={ctx}
              name="actionTaken"
              label={t('panel.fields.actionTaken')}
              hint={t('panel.action_taken_hint')}
              value={fv.actionTaken ?? a.actionTaken ?? ''}
              errors={fu?.errors}
              maxlength={4000}
            />
            <TextAreaField
              ctx={ctx}
              name="note"
              label={t('panel.fields.note')}
              value={fv.note ?? ''}
              errors={fu?.errors}
              maxlength={4000}
              required
            />
            <button type="submit">{t('panel.record_follow_up')}</button>
          </form>
        </section>
      ) : null}

      {manage ? (
        <details open={co ? true : undefined}>
          <summary>{t('panel.correct')}</summary>
          <Problems ctx={ctx} failure={co} />
          <form method="post" action={`/panels/${panel.id}/advice/${a.id}`} novalidate>
            <Csrf ctx={ctx} />
            <input type="hidden" name="version" value={co?.values.version ?? String(a.version)} />
            <AdviceFields
              ctx={ctx}
              values={co && co.code !== 'ADVICE_CONFLICT' ? co.values : {}}
              fallback={{
                givenOn: a.givenOn,
                addressedToBodyId: a.addressedToBodyId,
                meetingId: a.meetingId,
                dueDate: a.dueDate,
                texts: a.texts,
              }}
              errors={co?.errors}
              bodies={bodies}
              meetings={panel.meetings}
              within={within}
            />
            <button type="submit" class="secondary">
              {t('action.save')}
            </button>
          </form>
        </details>
      ) : null}
    </Layout>
  )
}

panelPages.get('/panels/:id/advice/:adviceId', async (c) => c.html(await advicePage(c)))

panelPages.post('/panels/:id/advice/:adviceId/status', async (c) => {
  const ctx = pageCtx(c)
  const id = uuidParam(c, 'id')
  const adviceId = uuidParam(c, 'adviceId')
  const values = await formFields(c)
  const v = validate(AdviceStatusSchema, values)
  if (!v.ok) return c.html(await advicePage(c, { form: 'follow_up', errors: v.errors, values }), 422)
  return submit(
    c,
    async () => {
      await panels.followUpAdvice(db(c), ctx.actor, id, adviceId, v.data)
      return `/panels/${id}/advice/${adviceId}?notice=saved#timeline-h`
    },
    (failure) => advicePage(c, { ...failure, form: 'follow_up', values }),
  )
})

panelPages.post('/panels/:id/advice/:adviceId', async (c) => {
  const ctx = pageCtx(c)
  const id = uuidParam(c, 'id')
  const adviceId = uuidParam(c, 'adviceId')
  const values = await formFields(c)
  const v = validate(AdviceUpdateSchema, nest(values))
  if (!v.ok) return c.html(await advicePage(c, { form: 'correct', errors: v.errors, values }), 422)
  return submit(
    c,
    async () => {
      await panels.updateAdvice(db(c), ctx.actor, id, adviceId, v.data, ctx.lang)
      return `/panels/${id}/advice/${adviceId}?notice=saved`
    },
    (failure) => advicePage(c, { ...failure, form: 'correct', values }),
  )
})
