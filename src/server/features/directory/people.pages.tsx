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
  type FormErrors,
  Layout,
  Notice,
  Pagination,
  pageCtx,
  SelectField,
  SortHeader,
  TextField,
} from '../../http/layout.tsx'
import { LANGUAGE_NAMES, LANGUAGES } from '../../i18n/i18n.ts'
import { deny, isStaff } from '../auth/auth.policy.ts'
import { canImportExport, canSeeArchived } from './directory.policy.ts'
import { type Person, PersonInputSchema, PersonQuerySchema, SENIORITIES } from './directory.schema.ts'
import * as directory from './directory.service.ts'

export const peoplePages = new Hono<AppEnv>()

peoplePages.get('/people', async (c) => {
  const ctx = pageCtx(c)
  const parsed = PersonQuerySchema.safeParse(c.req.query())
  const q = parsed.success ? parsed.data : PersonQuerySchema.parse({})
  const result = await directory.searchPeople(c.get('deps').database.db, ctx.actor, q)
  const t = ctx.t
  const showContact = result.items.some((p) => p.email !== undefined)
  return c.html(
    <Layout ctx={ctx} title={t('person.list_title')}>
      <div class="page-head">
        <h1>{t('person.list_title')}</h1>
        <div class="actions">
          {canImportExport(ctx.actor) ? (
            <>
              <a class="button secondary" href="/api/v1/export/people?format=csv">
                {t('action.export_csv')}
              </a>
              <a class="button secondary" href="/import?kind=people">
                {t('action.import')}
              </a>
            </>
          ) : null}
        </div>
      </div>
      <Notice ctx={ctx} />
      {!isStaff(ctx.actor) ? <p class="hint">{t('person.visibility_note')}</p> : null}
      <form method="get" class="filters" aria-label={t('action.filter')}>
        <TextField ctx={ctx} name="q" label={t('action.search')} type="search" value={q.q} />
        <SelectField
          ctx={ctx}
          name="seniority"
          label={t('field.seniority')}
          value={q.seniority}
          options={SENIORITIES.map((s) => ({ value: s, label: t(`seniority.${s}`) }))}
          empty={t('filter.all')}
        />
        {canSeeArchived(ctx.actor) ? (
          <SelectField
            ctx={ctx}
            name="archived"
            label={t('field.archived')}
            value={q.archived}
            options={['exclude', 'include', 'only'].map((v) => ({ value: v, label: t(`archived.${v}`) }))}
          />
        ) : null}
        <input type="hidden" name="sort" value={q.sort} />
        <input type="hidden" name="dir" value={q.dir} />
        <div class="actions">
          <button type="submit">{t('action.filter')}</button>
          <a href="/people">{t('action.clear')}</a>
        </div>
      </form>
      {result.items.length ? (
        <table>
          <thead>
            <tr>
              <SortHeader ctx={ctx} column="name" label={t('field.name')} sort={q.sort} dir={q.dir} />
              <SortHeader
                ctx={ctx}
                column="organization"
                label={t('field.organization')}
                sort={q.sort}
                dir={q.dir}
              />
              <th scope="col">{t('field.title')}</th>
              <SortHeader
                ctx={ctx}
                column="seniority"
                label={t('field.seniority')}
                sort={q.sort}
                dir={q.dir}
              />
              {showContact ? <th scope="col">{t('field.email')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {result.items.map((p) => (
              <tr>
                <td>
                  <a href={`/people/${p.id}`}>{p.name}</a>
                  {p.archived ? <span class="tag">{t('field.archived')}</span> : null}
                </td>
                <td>
                  <a href={`/organizations/${p.organizationId}`}>{p.organizationName}</a>
                </td>
                <td>{p.title ?? '—'}</td>
                <td>{t(`seniority.${p.seniority}`)}</td>
                {showContact ? <td>{p.email ?? ''}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty">{t('person.none_visible')}</p>
      )}
      <Pagination ctx={ctx} page={q.page} pageSize={q.pageSize} total={result.total} />
    </Layout>,
  )
})

async function formPage(
  c: Context<AppEnv>,
  person: Person | undefined,
  values: Record<string, unknown>,
  errors?: FormErrors,
  code?: string,
) {
  const ctx = pageCtx(c)
  const t = ctx.t
  const orgId = String(values.organizationId ?? '')
  const org = orgId
    ? await directory.getOrganization(c.get('deps').database.db, ctx.actor, orgId, ctx.lang)
    : undefined
  if (!org) throw new AppError('ORGANIZATION_NOT_FOUND')
  const str = (k: string) => (values[k] === null || values[k] === undefined ? undefined : String(values[k]))
  const title = person ? t('person.edit_title', { name: person.name }) : t('person.new')
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p>
        {t('field.organization')}: <a href={`/organizations/${org.id}`}>{org.name}</a>
      </p>
      <ErrorSummary ctx={ctx} errors={errors} code={code} />
      <form method="post" action={person ? `/people/${person.id}/edit` : '/people/new'} novalidate>
        <Csrf ctx={ctx} />
        <input type="hidden" name="organizationId" value={org.id} />
        <div class="grid-2">
          <TextField
            ctx={ctx}
            name="name"
            label={t('field.name')}
            value={str('name')}
            required
            maxlength={200}
            errors={errors}
            autocomplete="off"
          />
          <TextField
            ctx={ctx}
            name="title"
            label={t('field.title')}
            value={str('title')}
            maxlength={200}
            errors={errors}
            hint={t('person.title_hint')}
          />
          <SelectField
            ctx={ctx}
            name="seniority"
            label={t('field.seniority')}
            value={str('seniority')}
            options={SENIORITIES.map((s) => ({ value: s, label: t(`seniority.${s}`) }))}
            required
            errors={errors}
            empty=""
          />
          <TextField
            ctx={ctx}
            name="email"
            label={t('field.email')}
            type="email"
            value={str('email')}
            errors={errors}
            autocomplete="off"
          />
          <TextField
            ctx={ctx}
            name="phone"
            label={t('field.phone')}
            type="tel"
            value={str('phone')}
            errors={errors}
            autocomplete="off"
          />
          <SelectField
            ctx={ctx}
            name="preferredLanguage"
            label={t('field.preferred_language')}
            value={str('preferredLanguage')}
            options={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
            empty={t('filter.none')}
            errors={errors}
          />
        </div>
        <CheckboxField
          name="publicConsent"
          label={t('field.public_consent')}
          hint={t('person.consent_hint')}
          checked={values.publicConsent === true || values.publicConsent === 'true'}
        />
        <div class="actions">
          <button type="submit">{t('action.save')}</button>
          <a href={person ? `/people/${person.id}` : `/organizations/${org.id}`}>{t('action.cancel')}</a>
        </div>
      </form>
    </Layout>
  )
}

peoplePages.get('/people/new', async (c) => {
  const orgId = c.req.query('organizationId')
  if (!orgId || !/^[0-9a-f-]{36}$/i.test(orgId)) throw new AppError('ORGANIZATION_NOT_FOUND')
  const ctx = pageCtx(c)
  const org = await directory.getOrganization(c.get('deps').database.db, ctx.actor, orgId, ctx.lang)
  if (!directory.organizationAbilities(ctx.actor, org).editPeople) deny(ctx.actor)
  return c.html(await formPage(c, undefined, { organizationId: orgId }))
})

peoplePages.post('/people/new', async (c) => {
  const ctx = pageCtx(c)
  const f = await formFields(c)
  const v = validate(PersonInputSchema, f)
  if (!v.ok) return c.html(await formPage(c, undefined, f, v.errors), 422)
  try {
    const p = await directory.createPerson(c.get('deps').database.db, ctx.actor, v.data)
    return c.redirect(`/people/${p.id}?notice=created`, 303)
  } catch (error) {
    if (error instanceof AppError && error.fieldErrors)
      return c.html(await formPage(c, undefined, f, error.fieldErrors, error.code), error.status)
    throw error
  }
})

peoplePages.get('/people/:id', async (c) => {
  const ctx = pageCtx(c)
  const db = c.get('deps').database.db
  const p = await directory.getPerson(db, ctx.actor, uuidParam(c, 'id'))
  const org = await directory.getOrganization(db, ctx.actor, p.organizationId, ctx.lang)
  const can = directory.personAbilities(ctx.actor, p, org.category)
  const t = ctx.t
  return c.html(
    <Layout ctx={ctx} title={p.name}>
      <p>
        <a href="/people">
          <span class="back-arrow" aria-hidden="true">
            ←
          </span>{' '}
          {t('person.list_title')}
        </a>
      </p>
      <div class="page-head">
        <h1>
          {p.name} {p.archived ? <span class="tag">{t('field.archived')}</span> : null}
        </h1>
        <div class="actions">
          {can.edit && !p.archived ? (
            <a class="button" href={`/people/${p.id}/edit`}>
              {t('action.edit')}
            </a>
          ) : null}
          {can.edit ? (
            p.archived ? (
              <ConfirmButton
                ctx={ctx}
                action={`/people/${p.id}/restore`}
                label={t('action.restore')}
                confirm={t('person.restore_confirm', { name: p.name })}
              />
            ) : (
              <ConfirmButton
                ctx={ctx}
                action={`/people/${p.id}/archive`}
                label={t('action.archive')}
                confirm={t('person.archive_confirm', { name: p.name })}
              />
            )
          ) : null}
          {can.export ? (
            <a class="button secondary" href={`/api/v1/people/${p.id}/export`}>
              {t('person.export_data')}
            </a>
          ) : null}
          {can.erase ? (
            <ConfirmButton
              ctx={ctx}
              action={`/people/${p.id}/erase`}
              label={t('person.erase')}
              confirm={t('person.erase_confirm', { name: p.name })}
              danger
            />
          ) : null}
        </div>
      </div>
      <Notice ctx={ctx} />
      {p.erased ? <p class="notice">{t('person.erased_note')}</p> : null}
      <dl class="facts">
        <dt>{t('field.organization')}</dt>
        <dd>
          <a href={`/organizations/${p.organizationId}`}>{p.organizationName}</a>
        </dd>
        <dt>{t('field.title')}</dt>
        <dd>{p.title ?? '—'}</dd>
        <dt>{t('field.seniority')}</dt>
        <dd>{t(`seniority.${p.seniority}`)}</dd>
        {p.email !== undefined ? (
          <>
            <dt>{t('field.email')}</dt>
            <dd>{p.email ? <a href={`mailto:${p.email}`}>{p.email}</a> : '—'}</dd>
            <dt>{t('field.phone')}</dt>
            <dd>{p.phone ?? '—'}</dd>
            <dt>{t('field.preferred_language')}</dt>
            <dd>{p.preferredLanguage ? LANGUAGE_NAMES[p.preferredLanguage] : '—'}</dd>
            <dt>{t('field.public_consent')}</dt>
            <dd>{p.publicConsent ? t('filter.yes') : t('filter.no')}</dd>
          </>
        ) : null}
      </dl>
    </Layout>,
  )
})

peoplePages.get('/people/:id/edit', async (c) => {
  const ctx = pageCtx(c)
  const db = c.get('deps').database.db
  const p = await directory.getPerson(db, ctx.actor, uuidParam(c, 'id'))
  const org = await directory.getOrganization(db, ctx.actor, p.organizationId, ctx.lang)
  if (!directory.personAbilities(ctx.actor, p, org.category).edit) deny(ctx.actor)
  return c.html(await formPage(c, p, { ...p }))
})

peoplePages.post('/people/:id/edit', async (c) => {
  const ctx = pageCtx(c)
  const db = c.get('deps').database.db
  const id = uuidParam(c, 'id')
  const p = await directory.getPerson(db, ctx.actor, id)
  const f = await formFields(c)
  const v = validate(PersonInputSchema, f)
  if (!v.ok) return c.html(await formPage(c, p, f, v.errors), 422)
  try {
    await directory.updatePerson(db, ctx.actor, id, v.data)
  } catch (error) {
    if (error instanceof AppError && error.fieldErrors)
      return c.html(await formPage(c, p, f, error.fieldErrors, error.code), error.status)
    throw error
  }
  return c.redirect(`/people/${id}?notice=saved`, 303)
})

for (const [verb, archived] of [
  ['archive', true],
  ['restore', false],
] as const) {
  peoplePages.post(`/people/:id/${verb}`, async (c) => {
    const id = uuidParam(c, 'id')
    await directory.setPersonArchived(c.get('deps').database.db, c.get('actor'), id, archived)
    return c.redirect(`/people/${id}?notice=${archived ? 'archived' : 'restored'}`, 303)
  })
}

peoplePages.post('/people/:id/erase', async (c) => {
  const id = uuidParam(c, 'id')
  await directory.erasePerson(c.get('deps').database.db, c.get('actor'), id)
  return c.redirect(`/people/${id}?notice=erased`, 303)
})
