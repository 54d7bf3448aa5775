import { Hono } from 'hono'
import type { AppEnv } from '../../http/context.ts'
import { formFields, nest, validate } from '../../http/forms.ts'
import {
  CheckboxField,
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
import { direction, LANGUAGE_NAMES, LANGUAGES } from '../../i18n/i18n.ts'
import { deny } from '../auth/auth.policy.ts'
import { canEditCountries } from './directory.policy.ts'
import {
  COUNTRY_TAGS,
  type Country,
  CountryQuerySchema,
  CountryUpdateSchema,
  DEVELOPMENT_STATUSES,
  ITU_REGIONS,
} from './directory.schema.ts'
import * as directory from './directory.service.ts'

export const countryPages = new Hono<AppEnv>()

countryPages.get('/countries', async (c) => {
  const ctx = pageCtx(c)
  const parsed = CountryQuerySchema.safeParse(
    Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== '')),
  )
  const q = parsed.success ? parsed.data : {}
  const countries = await directory.listCountries(c.get('deps').database.db, ctx.lang, q)
  const t = ctx.t
  const edit = canEditCountries(ctx.actor)
  return c.html(
    <Layout ctx={ctx} title={t('country.list_title')}>
      <div class="page-head">
        <h1>{t('country.list_title')}</h1>
        <div class="actions">
          <a class="button secondary" href="/api/v1/export/countries?format=csv">
            {t('action.export_csv')}
          </a>
          {edit ? (
            <a class="button secondary" href="/import?kind=countries">
              {t('action.import')}
            </a>
          ) : null}
        </div>
      </div>
      <Notice ctx={ctx} />
      <p class="hint">
        {t('country.source_note')}{' '}
        <a href="https://github.com/datasets/country-codes">datasets/country-codes</a>
      </p>
      <form method="get" class="filters" aria-label={t('action.filter')}>
        <TextField ctx={ctx} name="q" label={t('action.search')} type="search" value={q.q} />
        <SelectField
          ctx={ctx}
          name="region"
          label={t('field.region')}
          value={q.region}
          options={ITU_REGIONS.map((r) => ({ value: r, label: t(`region.${r}`) }))}
          empty={t('filter.all')}
        />
        <SelectField
          ctx={ctx}
          name="status"
          label={t('field.development_status')}
          value={q.status}
          options={DEVELOPMENT_STATUSES.map((s) => ({ value: s, label: t(`development.${s}`) }))}
          empty={t('filter.all')}
        />
        <SelectField
          ctx={ctx}
          name="tag"
          label={t('field.country_tag')}
          value={q.tag}
          options={COUNTRY_TAGS.map((s) => ({ value: s, label: t(`tag.${s}`) }))}
          empty={t('filter.all')}
        />
        <div class="actions">
          <button type="submit">{t('action.filter')}</button>
          <a href="/countries">{t('action.clear')}</a>
        </div>
      </form>
      <p role="status">{t('country.count', { count: countries.length })}</p>
      {countries.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('field.code')}</th>
              <th scope="col">{t('field.name')}</th>
              <th scope="col">{t('field.region')}</th>
              <th scope="col">{t('field.development_status')}</th>
              <th scope="col">{t('field.country_tag')}</th>
              {edit ? <th scope="col">{t('group.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {countries.map((co) => (
              <tr>
                <td>{co.code}</td>
                <td>
                  <a href={`/organizations?country=${co.code}`}>{co.name}</a>
                </td>
                <td>{co.ituRegion ? t(`region.${co.ituRegion}`) : '—'}</td>
                <td>{t(`development.${co.developmentStatus}`)}</td>
                <td>
                  {COUNTRY_TAGS.filter((tag) => co[tag]).map((tag) => (
                    <span class="tag">{t(`tag.${tag}`)}</span>
                  ))}
                </td>
                {edit ? (
                  <td>
                    <a
                      href={`/countries/${co.code}/edit`}
                      aria-label={t('country.edit_title', { name: co.name })}
                    >
                      {t('action.edit')}
                    </a>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty">{t('country.none')}</p>
      )}
    </Layout>,
  )
})

function editPage(ctx: PageCtx, country: Country, values: Record<string, unknown>, errors?: FormErrors) {
  const t = ctx.t
  const names = (values.names ?? {}) as Record<string, string>
  const flag = (k: string) => values[k] === true || values[k] === 'true'
  return (
    <Layout ctx={ctx} title={t('country.edit_title', { name: country.name })}>
      <h1>{t('country.edit_title', { name: country.name })}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={`/countries/${country.code}/edit`}>
        <Csrf ctx={ctx} />
        <div class="grid-2">
          <SelectField
            ctx={ctx}
            name="ituRegion"
            label={t('field.region')}
            value={String(values.ituRegion ?? '')}
            options={ITU_REGIONS.map((r) => ({ value: r, label: t(`region.${r}`) }))}
            empty={t('filter.none')}
            errors={errors}
          />
          <SelectField
            ctx={ctx}
            name="developmentStatus"
            label={t('field.development_status')}
            value={String(values.developmentStatus ?? '')}
            options={DEVELOPMENT_STATUSES.map((s) => ({ value: s, label: t(`development.${s}`) }))}
            errors={errors}
          />
        </div>
        <fieldset>
          <legend>{t('field.country_tag')}</legend>
          {COUNTRY_TAGS.map((tag) => (
            <CheckboxField name={tag} label={t(`tag_long.${tag}`)} checked={flag(tag)} />
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('group.names')}</legend>
          <div class="grid-2">
            {LANGUAGES.map((l) => (
              <TextField
                ctx={ctx}
                name={`names.${l}`}
                label={LANGUAGE_NAMES[l]}
                value={names[l]}
                lang={l}
                dir={direction(l)}
                errors={errors}
              />
            ))}
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit">{t('action.save')}</button>
          <a href="/countries">{t('action.cancel')}</a>
        </div>
      </form>
    </Layout>
  )
}

countryPages.get('/countries/:code/edit', async (c) => {
  const ctx = pageCtx(c)
  if (!canEditCountries(ctx.actor)) deny(ctx.actor)
  const country = await directory.getCountry(c.get('deps').database.db, c.req.param('code'), ctx.lang)
  return c.html(editPage(ctx, country, { ...country }))
})

countryPages.post('/countries/:code/edit', async (c) => {
  const ctx = pageCtx(c)
  const db = c.get('deps').database.db
  const country = await directory.getCountry(db, c.req.param('code'), ctx.lang)
  const fields = await formFields(c)
  // An unticked checkbox sends nothing: absent flags mean false on this form.
  const input = { ldc: 'false', lldc: 'false', sids: 'false', eit: 'false', ...nest(fields) }
  const v = validate(CountryUpdateSchema, input)
  if (!v.ok) return c.html(editPage(ctx, country, input, v.errors), 422)
  await directory.updateCountry(db, ctx.actor, country.code, v.data, ctx.lang)
  return c.redirect(`/countries?notice=saved&q=${country.code}`, 303)
})
