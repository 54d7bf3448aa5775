import type { Context } from 'hono'
import { Hono } from 'hono'
import type { FC } from 'hono/jsx'
import type { AppEnv } from '../../http/context.ts'
import { AppError, type FieldErrors } from '../../http/errors.ts'
import { formFields, nest, uuidParam, validate } from '../../http/forms.ts'
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
import { LocalizedInputs } from '../../http/localized-inputs.tsx'
import { formatDate, type Localized, pick } from '../../i18n/i18n.ts'
import { isAdmin } from '../auth/auth.policy.ts'
import { sectorLabel } from './sector-inputs.tsx'
import {
  BODY_KINDS,
  type Body,
  BodyInputSchema,
  BodyQuerySchema,
  BodyUpdateSchema,
  RenameSchema,
} from './structure.schema.ts'
import * as structure from './structure.service.ts'

export const structurePages = new Hono<AppEnv>()

/** The six language fields of a form back as one localized value (`names.en` … → `names`). */
const localizedValues = (values: Record<string, string>, prefix: string): Localized =>
  (nest(values)[prefix] ?? {}) as Localized

function period(ctx: PageCtx, b: Pick<Body, 'startsOn' | 'endsOn'>): string {
  return b.endsOn
    ? ctx.t('structure.period_ended', {
        from: formatDate(b.startsOn, ctx.lang),
        to: formatDate(b.endsOn, ctx.lang),
      })
    : ctx.t('structure.period_open', { from: formatDate(b.startsOn, ctx.lang) })
}

async function listPage(
  c: Context<AppEnv>,
  opts: { errors?: FormErrors; values?: Record<string, string> } = {},
) {
  const ctx = pageCtx(c)
  const t = ctx.t
  const db = c.get('deps').database.db
  const parsed = BodyQuerySchema.safeParse(Object.fromEntries(new URL(c.req.url).searchParams))
  const q = parsed.success ? parsed.data : {}
  const [sectors, bodies] = await Promise.all([
    structure.listSectors(db, ctx.lang),
    structure.listBodies(db, q, ctx.lang),
  ])
  const admin = isAdmin(ctx.actor)
  const values = opts.values ?? {}
  return (
    <Layout ctx={ctx} title={t('structure.title')}>
      <h1>{t('structure.title')}</h1>
      <Notice ctx={ctx} />
      <p>{t('structure.intro')}</p>
      {parsed.success ? null : <p class="notice">{t('validation.filters_invalid')}</p>}
      <form method="get" action="/structure" class="filters">
        <SelectField
          ctx={ctx}
          name="sector"
          label={t('structure.sector')}
          value={q.sector ?? ''}
          empty={t('structure.all_sectors')}
          options={[
            ...sectors.map((s) => ({ value: s.code, label: `${s.code} — ${s.name}` })),
            { value: 'union', label: t('structure.union_wide') },
          ]}
        />
        <SelectField
          ctx={ctx}
          name="kind"
          label={t('structure.kind')}
          value={q.kind ?? ''}
          empty={t('structure.all_kinds')}
          options={BODY_KINDS.map((k) => ({ value: k, label: t(`structure.kinds.${k}`) }))}
        />
        <TextField ctx={ctx} name="at" type="date" label={t('structure.at')} value={q.at ?? ''} />
        <TextField ctx={ctx} name="q" type="search" label={t('structure.search')} value={q.q ?? ''} />
        <button type="submit">{t('action.filter')}</button>
      </form>
      {bodies.length ? (
        <table>
          <caption class="visually-hidden">{t('structure.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('structure.code')}</th>
              <th scope="col">{t('field.name')}</th>
              <th scope="col">{t('structure.sector')}</th>
              <th scope="col">{t('structure.kind')}</th>
              <th scope="col">{t('structure.period')}</th>
            </tr>
          </thead>
          <tbody>
            {bodies.map((b) => (
              <tr>
                <td>
                  <a href={`/structure/bodies/${b.id}`}>{b.code}</a>
                </td>
                <td>{b.name}</td>
                <td>{sectorLabel(ctx, sectors, b.sectorId)}</td>
                <td>{t(`structure.kinds.${b.kind}`)}</td>
                <td>{period(ctx, b)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty">{t('structure.none')}</p>
      )}
      {admin ? (
        <section aria-labelledby="new-body-h">
          <h2 id="new-body-h">{t('structure.add_body')}</h2>
          <ErrorSummary ctx={ctx} errors={opts.errors} />
          <form method="post" action="/structure/bodies">
            <Csrf ctx={ctx} />
            <SelectField
              ctx={ctx}
              name="sectorId"
              label={t('structure.sector')}
              value={values.sectorId ?? ''}
              empty={t('structure.union_wide')}
              options={sectors.map((s) => ({ value: s.id, label: `${s.code} — ${s.name}` }))}
              errors={opts.errors}
            />
            <SelectField
              ctx={ctx}
              name="kind"
              label={t('structure.kind')}
              value={values.kind ?? 'study_group'}
              options={BODY_KINDS.map((k) => ({ value: k, label: t(`structure.kinds.${k}`) }))}
              errors={opts.errors}
              required
            />
            <SelectField
              ctx={ctx}
              name="parentId"
              label={t('structure.parent')}
              value={values.parentId ?? ''}
              empty={t('structure.no_parent')}
              options={bodies.map((b) => ({ value: b.id, label: `${b.sectorCode ?? ''} ${b.code}`.trim() }))}
              errors={opts.errors}
            />
            <TextField
              ctx={ctx}
              name="code"
              label={t('structure.code')}
              value={values.code}
              errors={opts.errors}
              required
              maxlength={30}
            />
            <LocalizedInputs
              ctx={ctx}
              name="names"
              label={t('field.name')}
              value={localizedValues(values, 'names')}
              errors={opts.errors}
              required
            />
            <TextField
              ctx={ctx}
              name="startsOn"
              type="date"
              label={t('structure.starts_on')}
              value={values.startsOn}
              errors={opts.errors}
              required
            />
            <TextField
              ctx={ctx}
              name="endsOn"
              type="date"
              label={t('structure.ends_on')}
              hint={t('structure.ends_on_hint')}
              value={values.endsOn}
              errors={opts.errors}
            />
            <button type="submit">{t('structure.add_body')}</button>
          </form>
        </section>
      ) : null}
    </Layout>
  )
}

structurePages.get('/structure', async (c) => c.html(await listPage(c)))

structurePages.post('/structure/bodies', async (c) => {
  const ctx = pageCtx(c)
  const values = await formFields(c)
  const v = validate(BodyInputSchema, nest(values))
  if (!v.ok) return c.html(await listPage(c, { errors: v.errors, values }), 422)
  try {
    const body = await structure.createBody(c.get('deps').database.db, ctx.actor, v.data, ctx.lang)
    return c.redirect(`/structure/bodies/${body.id}?notice=created`, 303)
  } catch (error) {
    if (error instanceof AppError && error.fieldErrors)
      return c.html(await listPage(c, { errors: error.fieldErrors, values }), error.status)
    throw error
  }
})

/** What was addressed to the body: its follow-up actions, the Panel's advice, and (for staff) issued reports. */
const Addressed: FC<{ ctx: PageCtx; items: structure.AddressedItems }> = ({ ctx, items }) => {
  const { t } = ctx
  const more = (shown: number, total: number) =>
    total > shown ? <p class="hint">{t('structure.addressed_more', { shown, total })}</p> : null
  return (
    <section aria-labelledby="addressed-h">
      <h2 id="addressed-h">{t('structure.addressed_title')}</h2>
      <h3>{t('structure.addressed_actions', { count: items.actionCount })}</h3>
      {items.actions.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('structure.addressed_what')}</th>
              <th scope="col">{t('structure.code')}</th>
              <th scope="col">{t('field.status')}</th>
              <th scope="col">{t('structure.addressed_due')}</th>
            </tr>
          </thead>
          <tbody>
            {items.actions.map((a) => (
              <tr>
                <td>
                  <a href={`/actions/${a.id}`}>{a.what}</a>
                </td>
                <td>{a.code}</td>
                <td>{t(`follow_up.statuses.${a.status}`)}</td>
                <td>{formatDate(a.dueDate, ctx.lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty">{t('structure.addressed_none')}</p>
      )}
      {more(items.actions.length, items.actionCount)}
      <h3>{t('structure.addressed_advice', { count: items.adviceCount })}</h3>
      {items.advice.length ? (
        <ul>
          {items.advice.map((a) => (
            <li>
              <a href={`/panels/${a.panelId}/advice/${a.id}`}>
                {a.panelCode} · {t('structure.advice_number', { number: a.number })}
              </a>{' '}
              ({formatDate(a.givenOn, ctx.lang)}, {t(`structure.advice_status.${a.status}`)})
            </li>
          ))}
        </ul>
      ) : (
        <p class="empty">{t('structure.addressed_none')}</p>
      )}
      {more(items.advice.length, items.adviceCount)}
      {items.reports ? (
        <>
          <h3>{t('structure.addressed_reports', { count: items.reportCount })}</h3>
          {items.reports.length ? (
            <ul>
              {items.reports.map((r) => (
                <li>
                  <a href={`/reports/issued/${r.id}`}>
                    {r.documentNumber} — {r.title}
                  </a>{' '}
                  ({formatDate(r.issuedAt.toISOString().slice(0, 10), ctx.lang)})
                </li>
              ))}
            </ul>
          ) : (
            <p class="empty">{t('structure.addressed_none')}</p>
          )}
          {more(items.reports.length, items.reportCount)}
        </>
      ) : null}
    </section>
  )
}

async function bodyPage(
  c: Context<AppEnv>,
  opts: {
    errors?: FieldErrors
    values?: Record<string, string>
    form?: 'update' | 'rename'
    code?: string
  } = {},
) {
  const ctx = pageCtx(c)
  const t = ctx.t
  const db = c.get('deps').database.db
  const id = uuidParam(c, 'id')
  const [body, sectors] = await Promise.all([
    structure.getBody(db, id, ctx.lang),
    structure.listSectors(db, ctx.lang),
  ])
  const related = await structure.listBodies(
    db,
    body.sectorId ? { sector: body.sectorCode ?? undefined } : { sector: 'union' },
    ctx.lang,
  )
  const others = related.filter((b) => b.id !== body.id)
  // A parent is of the same Sector (createBody and updateBody see to it), so it is among `related`.
  const parent = related.find((b) => b.id === body.parentId)
  const successor = body.successorId ? await structure.getBody(db, body.successorId, ctx.lang) : undefined
  const children = related.filter((b) => b.parentId === body.id)
  const addressed = await structure.addressedTo(db, ctx.actor, body.id, ctx.lang)
  const admin = isAdmin(ctx.actor)
  const u = opts.form === 'update' ? (opts.values ?? {}) : undefined
  const r = opts.form === 'rename' ? (opts.values ?? {}) : {}
  return (
    <Layout ctx={ctx} title={`${body.code} — ${body.name}`}>
      <p class="breadcrumb">
        <a href="/structure">{t('structure.title')}</a>
      </p>
      <h1>
        {body.code} — {body.name}
      </h1>
      <Notice ctx={ctx} />
      <dl class="facts">
        <dt>{t('structure.sector')}</dt>
        <dd>
          {body.sectorId
            ? (() => {
                const s = sectors.find((x) => x.id === body.sectorId)
                return s ? `${s.code} — ${s.name}` : ''
              })()
            : t('structure.union_wide')}
        </dd>
        <dt>{t('structure.kind')}</dt>
        <dd>{t(`structure.kinds.${body.kind}`)}</dd>
        <dt>{t('structure.period')}</dt>
        <dd>{period(ctx, body)}</dd>
        {parent ? (
          <>
            <dt>{t('structure.parent')}</dt>
            <dd>
              <a href={`/structure/bodies/${parent.id}`}>{parent.code}</a>
            </dd>
          </>
        ) : null}
        {successor ? (
          <>
            <dt>{t('structure.successor')}</dt>
            <dd>
              <a href={`/structure/bodies/${successor.id}`}>
                {successor.code} — {successor.name}
              </a>
            </dd>
          </>
        ) : null}
        {children.length ? (
          <>
            <dt>{t('structure.children')}</dt>
            <dd>
              {children.map((ch, i) => (
                <>
                  {i ? ', ' : ''}
                  <a href={`/structure/bodies/${ch.id}`}>{ch.code}</a>
                </>
              ))}
            </dd>
          </>
        ) : null}
      </dl>
      <h2>{t('structure.names')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('structure.valid_from')}</th>
            <th scope="col">{t('structure.code')}</th>
            <th scope="col">{t('field.name')}</th>
          </tr>
        </thead>
        <tbody>
          {body.names.map((n) => (
            <tr>
              <td>{formatDate(n.validFrom, ctx.lang)}</td>
              <td>{n.code}</td>
              <td>{pick(n.names, ctx.lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {addressed ? <Addressed ctx={ctx} items={addressed} /> : null}
      {admin ? (
        <>
          <section aria-labelledby="rename-h">
            <h2 id="rename-h">{t('structure.rename')}</h2>
            <p class="hint">{t('structure.rename_hint')}</p>
            {opts.form === 'rename' ? <ErrorSummary ctx={ctx} errors={opts.errors} code={opts.code} /> : null}
            <form method="post" action={`/structure/bodies/${body.id}/names`}>
              <Csrf ctx={ctx} />
              <TextField
                ctx={ctx}
                name="validFrom"
                type="date"
                label={t('structure.valid_from')}
                value={r.validFrom}
                errors={opts.form === 'rename' ? opts.errors : undefined}
                required
              />
              <TextField
                ctx={ctx}
                id="f-rename-code"
                name="code"
                label={t('structure.code')}
                value={r.code ?? body.code}
                errors={opts.form === 'rename' ? opts.errors : undefined}
                required
                maxlength={30}
              />
              <LocalizedInputs
                ctx={ctx}
                idPrefix="f-rename-names"
                name="names"
                label={t('field.name')}
                value={
                  opts.form === 'rename' ? localizedValues(r, 'names') : (body.names.at(-1)?.names ?? {})
                }
                errors={opts.form === 'rename' ? opts.errors : undefined}
                required
              />
              <button type="submit">{t('structure.rename')}</button>
            </form>
          </section>
          <section aria-labelledby="update-h">
            <h2 id="update-h">{t('structure.life')}</h2>
            {opts.form === 'update' ? <ErrorSummary ctx={ctx} errors={opts.errors} code={opts.code} /> : null}
            <form method="post" action={`/structure/bodies/${body.id}`}>
              <Csrf ctx={ctx} />
              <input type="hidden" name="version" value={u?.version ?? String(body.version)} />
              <TextField
                ctx={ctx}
                name="startsOn"
                type="date"
                label={t('structure.starts_on')}
                value={u?.startsOn ?? body.startsOn}
                errors={opts.form === 'update' ? opts.errors : undefined}
                required
              />
              <TextField
                ctx={ctx}
                name="endsOn"
                type="date"
                label={t('structure.ends_on')}
                hint={t('structure.ends_on_hint')}
                value={u?.endsOn ?? body.endsOn ?? ''}
                errors={opts.form === 'update' ? opts.errors : undefined}
              />
              <SelectField
                ctx={ctx}
                name="parentId"
                label={t('structure.parent')}
                value={u?.parentId ?? body.parentId ?? ''}
                empty={t('structure.no_parent')}
                options={others.map((b) => ({ value: b.id, label: b.code }))}
                errors={opts.form === 'update' ? opts.errors : undefined}
              />
              <SelectField
                ctx={ctx}
                name="successorId"
                label={t('structure.successor')}
                value={u?.successorId ?? body.successorId ?? ''}
                empty={t('structure.no_successor')}
                options={others.map((b) => ({ value: b.id, label: `${b.code} — ${b.name}` }))}
                errors={opts.form === 'update' ? opts.errors : undefined}
              />
              <button type="submit">{t('action.save')}</button>
            </form>
          </section>
        </>
      ) : null}
    </Layout>
  )
}

structurePages.get('/structure/bodies/:id', async (c) => c.html(await bodyPage(c)))

structurePages.post('/structure/bodies/:id', async (c) => {
  const ctx = pageCtx(c)
  const id = uuidParam(c, 'id')
  const values = await formFields(c)
  const v = validate(BodyUpdateSchema, nest(values))
  if (!v.ok) return c.html(await bodyPage(c, { errors: v.errors, values, form: 'update' }), 422)
  try {
    await structure.updateBody(c.get('deps').database.db, ctx.actor, id, v.data, ctx.lang)
  } catch (error) {
    if (error instanceof AppError && (error.fieldErrors || error.code === 'BODY_CONFLICT'))
      return c.html(
        await bodyPage(c, {
          form: 'update',
          ...(error.fieldErrors ? { errors: error.fieldErrors, values } : { code: error.code }),
        }),
        error.status,
      )
    throw error
  }
  return c.redirect(`/structure/bodies/${id}?notice=saved`, 303)
})

structurePages.post('/structure/bodies/:id/names', async (c) => {
  const ctx = pageCtx(c)
  const id = uuidParam(c, 'id')
  const values = await formFields(c)
  const v = validate(RenameSchema, nest(values))
  if (!v.ok) return c.html(await bodyPage(c, { errors: v.errors, values, form: 'rename' }), 422)
  try {
    await structure.renameBody(c.get('deps').database.db, ctx.actor, id, v.data, ctx.lang)
  } catch (error) {
    if (error instanceof AppError && error.fieldErrors)
      return c.html(
        await bodyPage(c, {
          errors: error.fieldErrors,
          values,
          form: 'rename',
          code: error.code === 'BODY_NOT_IN_PERIOD' ? error.code : undefined,
        }),
        error.status,
      )
    throw error
  }
  return c.redirect(`/structure/bodies/${id}?notice=renamed`, 303)
})
