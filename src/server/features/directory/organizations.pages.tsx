import type { Context } from 'hono'
import { Hono } from 'hono'
import type { AppEnv } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import { formFields, uuidParam, validate } from '../../http/forms.ts'
import {
  CheckboxField,
  ConfirmButton,
  Csrf,
  ErrorSummary,
  enumOptions,
  type FormErrors,
  Layout,
  Notice,
  Pagination,
  pageCtx,
  SelectField,
  SortHeader,
  TextField,
  withQuery,
} from '../../http/layout.tsx'
import { formatDate } from '../../i18n/i18n.ts'
import { deny, isStaff, representedOrganizationIds } from '../auth/auth.policy.ts'
import { canCreateOrganization, canImportExport, canSeeArchived } from './directory.policy.ts'
import {
  CATEGORIES,
  COUNTRY_TAGS,
  DEVELOPMENT_STATUSES,
  ITU_REGIONS,
  type Organization,
  OrganizationInputSchema,
  OrganizationQuerySchema,
  SEGMENTS,
} from './directory.schema.ts'
import * as directory from './directory.service.ts'

export const organizationPages = new Hono<AppEnv>()

organizationPages.get('/organizations', async (c) => {
  const ctx = pageCtx(c)
  const parsed = OrganizationQuerySchema.safeParse(c.req.query())
  const q = parsed.success ? parsed.data : OrganizationQuerySchema.parse({})
  const result = await directory.searchOrganizations(c.get('deps').database.db, ctx.actor, q, ctx.lang)
  const countries = await directory.listCountries(c.get('deps').database.db, ctx.lang)
  const t = ctx.t
  const nf = new Intl.NumberFormat(ctx.lang)
  const exportQuery = new URLSearchParams(
    Object.entries(c.req.query()).filter(([k]) => !['page', 'pageSize', 'lang'].includes(k)),
  )
  return c.html(
    <Layout ctx={ctx} title={t('org.list_title')}>
      <div class="page-head">
        <h1>{t('org.list_title')}</h1>
        <div class="actions">
          {canCreateOrganization(ctx.actor) ? (
            <a class="button" href="/organizations/new">
              {t('org.new')}
            </a>
          ) : null}
          <a class="button secondary" href={`/api/v1/export/organizations?format=csv&${exportQuery}`}>
            {t('action.export_csv')}
          </a>
          {canImportExport(ctx.actor) ? (
            <a class="button secondary" href="/import?kind=organizations">
              {t('action.import')}
            </a>
          ) : null}
        </div>
      </div>
      <Notice ctx={ctx} />
      {!parsed.success ? <p class="field-error">{t('validation.filters_invalid')}</p> : null}
      <form method="get" class="filters" aria-label={t('action.filter')}>
        <TextField ctx={ctx} name="q" label={t('action.search')} type="search" value={q.q} />
        <SelectField
          ctx={ctx}
          name="region"
          label={t('field.region')}
          value={q.region}
          options={enumOptions(ctx, 'region', ITU_REGIONS)}
          empty={t('filter.all')}
        />
        <SelectField
          ctx={ctx}
          name="status"
          label={t('field.development_status')}
          value={q.status}
          options={enumOptions(ctx, 'development', DEVELOPMENT_STATUSES)}
          empty={t('filter.all')}
        />
        <SelectField
          ctx={ctx}
          name="tag"
          label={t('field.country_tag')}
          value={q.tag}
          options={enumOptions(ctx, 'tag', COUNTRY_TAGS)}
          empty={t('filter.all')}
        />
        <SelectField
          ctx={ctx}
          name="category"
          label={t('field.category')}
          value={q.category}
          options={enumOptions(ctx, 'category', CATEGORIES)}
          empty={t('filter.all')}
        />
        <SelectField
          ctx={ctx}
          name="segment"
          label={t('field.segment')}
          value={q.segment}
          options={enumOptions(ctx, 'segment', SEGMENTS)}
          empty={t('filter.all')}
        />
        <SelectField
          ctx={ctx}
          name="country"
          label={t('field.country')}
          value={q.country}
          options={countries.map((co) => ({ value: co.code, label: co.name }))}
          empty={t('filter.all')}
        />
        <SelectField
          ctx={ctx}
          name="sme"
          label={t('field.sme')}
          value={q.sme}
          options={[
            { value: 'true', label: t('filter.yes') },
            { value: 'false', label: t('filter.no') },
          ]}
          empty={t('filter.all')}
        />
        {canSeeArchived(ctx.actor) ? (
          <SelectField
            ctx={ctx}
            name="archived"
            label={t('field.archived')}
            value={q.archived}
            options={enumOptions(ctx, 'archived', ['exclude', 'include', 'only'])}
          />
        ) : null}
        <input type="hidden" name="sort" value={q.sort} />
        <input type="hidden" name="dir" value={q.dir} />
        <div class="actions">
          <button type="submit">{t('action.filter')}</button>
          <a href="/organizations">{t('action.clear')}</a>
        </div>
      </form>
      <p role="status">{t('org.count', { count: result.total, formatted: nf.format(result.total) })}</p>
      {result.items.length ? (
        <table>
          <caption class="visually-hidden">{t('org.list_title')}</caption>
          <thead>
            <tr>
              <SortHeader ctx={ctx} column="name" label={t('field.name')} sort={q.sort} dir={q.dir} />
              <SortHeader ctx={ctx} column="country" label={t('field.country')} sort={q.sort} dir={q.dir} />
              <SortHeader ctx={ctx} column="region" label={t('field.region')} sort={q.sort} dir={q.dir} />
              <SortHeader ctx={ctx} column="category" label={t('field.category')} sort={q.sort} dir={q.dir} />
              <th scope="col">{t('field.segment')}</th>
              <th scope="col">{t('field.flags')}</th>
            </tr>
          </thead>
          <tbody>
            {result.items.map((o) => (
              <tr>
                <td>
                  <a href={`/organizations/${o.id}`}>{o.name}</a>
                  {o.archived ? <span class="tag">{t('field.archived')}</span> : null}
                </td>
                <td>{o.countryName}</td>
                <td>{o.ituRegion ? t(`region.${o.ituRegion}`) : '—'}</td>
                <td>{t(`category.${o.category}`)}</td>
                <td>{o.segment ? t(`segment.${o.segment}`) : '—'}</td>
                <td>
                  {o.sme ? <span class="tag">{t('field.sme')}</span> : null}
                  {o.roa ? <span class="tag">{t('field.roa')}</span> : null}
                  {o.sio ? <span class="tag">{t('field.sio')}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty">{q.q || q.region || q.category ? t('org.none_match') : t('org.none')}</p>
      )}
      <Pagination ctx={ctx} page={q.page} pageSize={q.pageSize} total={result.total} />
      <p>
        <a href={withQuery(ctx.url, { pageSize: q.pageSize === 25 ? 100 : 25 })}>
          {t('pagination.page_size', { size: q.pageSize === 25 ? 100 : 25 })}
        </a>
      </p>
    </Layout>,
  )
})

async function formPage(
  c: Context<AppEnv>,
  org: Partial<Organization> | undefined,
  values: Record<string, string | boolean | null | undefined>,
  errors?: FormErrors,
  code?: string,
) {
  const ctx = pageCtx(c)
  const t = ctx.t
  const countries = await directory.listCountries(c.get('deps').database.db, ctx.lang)
  const editing = !!org?.id
  const abilities = org?.id
    ? directory.organizationAbilities(ctx.actor, org as Organization)
    : { editScope: true }
  const title = editing ? t('org.edit_title', { name: org?.name }) : t('org.new')
  const str = (k: string) => (values[k] === null || values[k] === undefined ? undefined : String(values[k]))
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <ErrorSummary ctx={ctx} errors={errors} code={code} />
      <form
        method="post"
        action={editing ? `/organizations/${org?.id}/edit` : '/organizations/new'}
        novalidate
      >
        <Csrf ctx={ctx} />
        <TextField
          ctx={ctx}
          name="name"
          label={t('field.name')}
          value={str('name')}
          required
          maxlength={300}
          errors={errors}
        />
        <div class="grid-2">
          {abilities.editScope ? (
            <>
              <SelectField
                ctx={ctx}
                name="category"
                label={t('field.category')}
                value={str('category')}
                options={enumOptions(ctx, 'category', CATEGORIES)}
                required
                errors={errors}
                empty=""
              />
              <SelectField
                ctx={ctx}
                name="countryCode"
                label={t('field.country')}
                value={str('countryCode')}
                options={countries.map((co) => ({ value: co.code, label: co.name }))}
                required
                errors={errors}
                empty=""
              />
            </>
          ) : (
            <>
              <input type="hidden" name="category" value={str('category')} />
              <input type="hidden" name="countryCode" value={str('countryCode')} />
            </>
          )}
          <SelectField
            ctx={ctx}
            name="segment"
            label={t('field.segment')}
            value={str('segment')}
            options={enumOptions(ctx, 'segment', SEGMENTS)}
            errors={errors}
            empty={t('filter.none')}
          />
          <TextField
            ctx={ctx}
            name="website"
            label={t('field.website')}
            type="url"
            value={str('website')}
            errors={errors}
            hint="https://…"
          />
          <TextField
            ctx={ctx}
            name="membershipStart"
            label={t('field.membership_start')}
            type="date"
            value={str('membershipStart')}
            errors={errors}
          />
          <TextField
            ctx={ctx}
            name="membershipEnd"
            label={t('field.membership_end')}
            type="date"
            value={str('membershipEnd')}
            errors={errors}
          />
        </div>
        <fieldset>
          <legend>{t('field.flags')}</legend>
          <CheckboxField
            name="sme"
            label={t('field.sme_long')}
            checked={values.sme === true || values.sme === 'true'}
          />
          <CheckboxField
            name="roa"
            label={t('field.roa_long')}
            checked={values.roa === true || values.roa === 'true'}
          />
          <CheckboxField
            name="sio"
            label={t('field.sio_long')}
            checked={values.sio === true || values.sio === 'true'}
          />
        </fieldset>
        <div class="actions">
          <button type="submit">{t('action.save')}</button>
          <a href={editing ? `/organizations/${org?.id}` : '/organizations'}>{t('action.cancel')}</a>
        </div>
      </form>
    </Layout>
  )
}

organizationPages.get('/organizations/new', async (c) => {
  if (!canCreateOrganization(c.get('actor'))) deny(c.get('actor'))
  return c.html(await formPage(c, undefined, {}))
})

organizationPages.post('/organizations/new', async (c) => {
  const ctx = pageCtx(c)
  const f = await formFields(c)
  const v = validate(OrganizationInputSchema, f)
  if (!v.ok) return c.html(await formPage(c, undefined, f, v.errors), 422)
  try {
    const org = await directory.createOrganization(c.get('deps').database.db, ctx.actor, v.data, ctx.lang)
    return c.redirect(`/organizations/${org.id}?notice=created`, 303)
  } catch (error) {
    if (error instanceof AppError && error.fieldErrors)
      return c.html(await formPage(c, undefined, f, error.fieldErrors, error.code), error.status)
    throw error
  }
})

organizationPages.get('/organizations/:id', async (c) => {
  const ctx = pageCtx(c)
  const db = c.get('deps').database.db
  const org = await directory.getOrganization(db, ctx.actor, uuidParam(c, 'id'), ctx.lang)
  const can = directory.organizationAbilities(ctx.actor, org)
  const [people, memberships] = await Promise.all([
    directory.searchPeople(db, ctx.actor, {
      organizationId: org.id,
      sort: 'name',
      dir: 'asc',
      archived: 'exclude',
      page: 1,
      pageSize: 200,
    }),
    directory.membershipsOfOrganization(db, org.id, ctx.lang),
  ])
  const t = ctx.t
  return c.html(
    <Layout ctx={ctx} title={org.name}>
      <p>
        <a href="/organizations">
          <span class="back-arrow" aria-hidden="true">
            ←
          </span>{' '}
          {t('org.list_title')}
        </a>
      </p>
      <div class="page-head">
        <h1>
          {org.name} {org.archived ? <span class="tag">{t('field.archived')}</span> : null}
        </h1>
        <div class="actions">
          {isStaff(ctx.actor) || representedOrganizationIds(ctx.actor).includes(org.id) ? (
            <a class="button secondary" href={`/organizations/${org.id}/contributions`}>
              {t('contributions.link')}
            </a>
          ) : null}
          {can.edit && !org.archived ? (
            <a class="button" href={`/organizations/${org.id}/edit`}>
              {t('action.edit')}
            </a>
          ) : null}
          {can.archive ? (
            org.archived ? (
              <ConfirmButton
                ctx={ctx}
                action={`/organizations/${org.id}/restore`}
                label={t('action.restore')}
                confirm={t('org.restore_confirm', { name: org.name })}
              />
            ) : (
              <ConfirmButton
                ctx={ctx}
                action={`/organizations/${org.id}/archive`}
                label={t('action.archive')}
                confirm={t('org.archive_confirm', { name: org.name })}
                danger
              />
            )
          ) : null}
        </div>
      </div>
      <Notice ctx={ctx} />
      <dl class="facts">
        <dt>{t('field.category')}</dt>
        <dd>{t(`category.${org.category}`)}</dd>
        <dt>{t('field.country')}</dt>
        <dd>
          <a href={`/organizations?country=${org.countryCode}`}>{org.countryName}</a>
        </dd>
        <dt>{t('field.region')}</dt>
        <dd>{org.ituRegion ? t(`region.${org.ituRegion}`) : '—'}</dd>
        <dt>{t('field.development_status')}</dt>
        <dd>{t(`development.${org.developmentStatus}`)}</dd>
        <dt>{t('field.segment')}</dt>
        <dd>{org.segment ? t(`segment.${org.segment}`) : '—'}</dd>
        <dt>{t('field.flags')}</dt>
        <dd>
          {[org.sme ? t('field.sme') : '', org.roa ? t('field.roa') : '', org.sio ? t('field.sio') : '']
            .filter(Boolean)
            .join(', ') || '—'}
        </dd>
        <dt>{t('field.website')}</dt>
        <dd>
          {org.website ? (
            <a href={org.website} rel="noopener noreferrer nofollow">
              {org.website}
            </a>
          ) : (
            '—'
          )}
        </dd>
        <dt>{t('field.membership')}</dt>
        <dd>
          {org.membershipStart ? formatDate(org.membershipStart, ctx.lang) : '—'} –{' '}
          {org.membershipEnd ? formatDate(org.membershipEnd, ctx.lang) : ''}
        </dd>
      </dl>
      <section aria-labelledby="people-h">
        <div class="page-head">
          <h2 id="people-h">{t('nav.people')}</h2>
          {can.editPeople && !org.archived ? (
            <a class="button" href={`/people/new?organizationId=${org.id}`}>
              {t('person.new')}
            </a>
          ) : null}
        </div>
        {people.items.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('field.name')}</th>
                <th scope="col">{t('field.title')}</th>
                <th scope="col">{t('field.seniority')}</th>
                {can.seePersonalData ? <th scope="col">{t('field.email')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {people.items.map((p) => (
                <tr>
                  <td>
                    <a href={`/people/${p.id}`}>{p.name}</a>
                  </td>
                  <td>{p.title ?? '—'}</td>
                  <td>{t(`seniority.${p.seniority}`)}</td>
                  {can.seePersonalData ? <td>{p.email ?? '—'}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="empty">{t('person.none_visible')}</p>
        )}
      </section>
      <section aria-labelledby="groups-h">
        <h2 id="groups-h">{t('nav.groups')}</h2>
        {memberships.length ? (
          <ul>
            {memberships.map((m) => (
              <li>
                <a href={`/groups/${m.groupId}`}>{m.groupName}</a> — {formatDate(m.startDate, ctx.lang)} –{' '}
                {m.endDate ? formatDate(m.endDate, ctx.lang) : t('group.current')}
              </li>
            ))}
          </ul>
        ) : (
          <p class="empty">{t('group.no_memberships')}</p>
        )}
      </section>
    </Layout>,
  )
})

organizationPages.get('/organizations/:id/edit', async (c) => {
  const ctx = pageCtx(c)
  const org = await directory.getOrganization(
    c.get('deps').database.db,
    ctx.actor,
    uuidParam(c, 'id'),
    ctx.lang,
  )
  if (!directory.organizationAbilities(ctx.actor, org).edit) deny(ctx.actor)
  return c.html(await formPage(c, org, { ...org }))
})

organizationPages.post('/organizations/:id/edit', async (c) => {
  const ctx = pageCtx(c)
  const db = c.get('deps').database.db
  const id = uuidParam(c, 'id')
  const org = await directory.getOrganization(db, ctx.actor, id, ctx.lang)
  const f = await formFields(c)
  const v = validate(OrganizationInputSchema, f)
  if (!v.ok) return c.html(await formPage(c, org, f, v.errors), 422)
  try {
    await directory.updateOrganization(db, ctx.actor, id, v.data, ctx.lang)
  } catch (error) {
    if (error instanceof AppError && error.fieldErrors)
      return c.html(await formPage(c, org, f, error.fieldErrors, error.code), error.status)
    throw error
  }
  return c.redirect(`/organizations/${id}?notice=saved`, 303)
})

for (const [verb, archived] of [
  ['archive', true],
  ['restore', false],
] as const) {
  organizationPages.post(`/organizations/:id/${verb}`, async (c) => {
    const ctx = pageCtx(c)
    const id = uuidParam(c, 'id')
    await directory.setOrganizationArchived(c.get('deps').database.db, ctx.actor, id, archived, ctx.lang)
    return c.redirect(`/organizations/${id}?notice=${archived ? 'archived' : 'restored'}`, 303)
  })
}
