import type { Context } from 'hono'
import { Hono } from 'hono'
import { z } from 'zod'
import type { Db } from '../../db/database.ts'
import type { AppEnv } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import { formFields, uuidParam, validate } from '../../http/forms.ts'
import {
  ConfirmButton,
  Csrf,
  ErrorSummary,
  type FormErrors,
  Layout,
  Notice,
  Pagination,
  pageCtx,
  SelectField,
  TextField,
} from '../../http/layout.tsx'
import { formatDateTime, LANGUAGE_NAMES, LANGUAGES, type Language } from '../../i18n/i18n.ts'
import { listCountries, organizationChoices } from '../directory/directory.service.ts'
import { sectorTitle } from '../structure/sector-inputs.tsx'
import { listSectors } from '../structure/structure.service.ts'
import { assertAdmin, ROLES, type RoleGrant } from './auth.policy.ts'
import * as auth from './auth.service.ts'
import { hasTwoFactor } from './two-factor.service.ts'

export const users = new Hono<AppEnv>()

const InviteForm = z.object({
  email: z.email({ error: 'email_invalid' }).max(254, { error: 'too_long' }),
  name: z.string().trim().min(1, { error: 'required' }).max(200, { error: 'too_long' }),
  language: z.enum(LANGUAGES).optional(),
  role: z.enum(ROLES, { error: 'choice_invalid' }),
  countryCode: z.string().trim().toUpperCase().optional(),
  organizationId: z.string().trim().optional(),
  sector: z.string().trim().optional(),
})

const GrantForm = InviteForm.pick({ role: true, countryCode: true, organizationId: true, sector: true })

async function scopeOptions(db: Db, lang: Language) {
  const [countries, orgs, sectors] = await Promise.all([
    listCountries(db, lang),
    organizationChoices(db),
    listSectors(db, lang),
  ])
  return {
    countries: countries.map((c) => ({ value: c.code, label: `${c.name} (${c.code})` })),
    organizations: orgs.map((o) => ({ value: o.id, label: `${o.name} (${o.country_code})` })),
    sectors: sectors.map((s) => ({
      value: s.code,
      label: sectorTitle(s),
    })),
    sectorCodes: new Map(sectors.map((s) => [s.id, s.code])),
  }
}

function grantLabel(
  t: (k: string) => string,
  g: RoleGrant,
  orgNames: Map<string, string>,
  sectorCodes?: Map<string, string>,
): string {
  const scope =
    g.countryCode ??
    (g.organizationId
      ? (orgNames.get(g.organizationId) ?? g.organizationId)
      : g.sectorId
        ? (sectorCodes?.get(g.sectorId) ?? '')
        : '')
  return scope ? `${t(`role.${g.role}`)} · ${scope}` : t(`role.${g.role}`)
}

async function orgNamesFor(db: Db, grants: RoleGrant[]): Promise<Map<string, string>> {
  const ids = [...new Set(grants.map((g) => g.organizationId).filter((x): x is string => !!x))]
  if (!ids.length) return new Map()
  const rows = await db.selectFrom('organization').select(['id', 'name']).where('id', 'in', ids).execute()
  return new Map(rows.map((r) => [r.id, r.name]))
}

const RoleFields = ({
  ctx,
  opts,
  errors,
  values,
}: {
  ctx: ReturnType<typeof pageCtx>
  opts: Awaited<ReturnType<typeof scopeOptions>>
  errors?: FormErrors | undefined
  values?: Record<string, string> | undefined
}) => (
  <fieldset>
    <legend>{ctx.t('users.role')}</legend>
    <SelectField
      ctx={ctx}
      name="role"
      label={ctx.t('users.role')}
      value={values?.role ?? 'secretariat'}
      options={ROLES.map((r) => ({ value: r, label: ctx.t(`role.${r}`) }))}
      errors={errors}
      required
    />
    <SelectField
      ctx={ctx}
      name="countryCode"
      label={ctx.t('users.scope_country')}
      value={values?.countryCode}
      options={opts.countries}
      empty={ctx.t('users.scope_none')}
      errors={errors}
    />
    <SelectField
      ctx={ctx}
      name="organizationId"
      label={ctx.t('users.scope_organization')}
      value={values?.organizationId}
      options={opts.organizations}
      empty={ctx.t('users.scope_none')}
      errors={errors}
    />
    <SelectField
      ctx={ctx}
      name="sector"
      label={ctx.t('users.scope_sector')}
      value={values?.sector}
      options={opts.sectors}
      empty={ctx.t('structure.all_sectors')}
      errors={errors}
    />
    <p class="hint">{ctx.t('users.scope_hint')}</p>
  </fieldset>
)

async function listPage(
  c: Context<AppEnv>,
  opts: {
    errors?: FormErrors | undefined
    values?: Record<string, string>
    link?: string
    code?: string | undefined
  } = {},
) {
  const ctx = pageCtx(c)
  assertAdmin(ctx.actor)
  const db = c.get('deps').database.db
  const page = Math.max(1, Number(c.req.query('page')) || 1)
  const search = c.req.query('q')?.slice(0, 100)
  const [result, options] = await Promise.all([
    auth.listUsers(db, ctx.actor, { search, page, pageSize: 25 }),
    scopeOptions(db, ctx.lang),
  ])
  const orgNames = await orgNamesFor(
    db,
    result.items.flatMap((u) => u.grants),
  )
  const t = ctx.t
  return (
    <Layout ctx={ctx} title={t('users.title')}>
      <h1>{t('users.title')}</h1>
      <Notice ctx={ctx} />
      {opts.link ? (
        <div class="notice" role="status">
          <p>{t('users.invited', { email: opts.values?.email ?? '' })}</p>
        </div>
      ) : null}
      <form method="get" class="filters">
        <TextField ctx={ctx} name="q" label={t('action.search')} type="search" value={search} />
        <button type="submit">{t('action.search')}</button>
      </form>
      {result.items.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('field.name')}</th>
              <th scope="col">{t('field.email')}</th>
              <th scope="col">{t('field.roles')}</th>
              <th scope="col">{t('field.status')}</th>
              <th scope="col">{t('users.last_sign_in')}</th>
            </tr>
          </thead>
          <tbody>
            {result.items.map((u) => (
              <tr>
                <td>
                  <a href={`/admin/users/${u.id}`}>{u.name}</a>
                </td>
                <td>{u.email}</td>
                <td>
                  {u.grants.map((g) => (
                    <span class="tag">{grantLabel(t, g, orgNames, options.sectorCodes)}</span>
                  ))}
                </td>
                <td>
                  {t(`users.status_${u.status}`)}
                  {u.hasPassword ? '' : ` · ${t('users.pending')}`}
                </td>
                <td>{u.lastSignInAt ? formatDateTime(u.lastSignInAt, ctx.lang) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty">{t('users.none')}</p>
      )}
      <Pagination ctx={ctx} page={page} pageSize={25} total={result.total} />
      <section aria-labelledby="invite-h">
        <h2 id="invite-h">{t('users.invite')}</h2>
        <ErrorSummary ctx={ctx} errors={opts.errors} code={opts.code} />
        <form method="post" action="/admin/users">
          <Csrf ctx={ctx} />
          <div class="grid-2">
            <TextField
              ctx={ctx}
              name="email"
              label={t('field.email')}
              type="email"
              value={opts.link ? '' : opts.values?.email}
              required
              errors={opts.errors}
            />
            <TextField
              ctx={ctx}
              name="name"
              label={t('field.name')}
              value={opts.link ? '' : opts.values?.name}
              required
              errors={opts.errors}
            />
            <SelectField
              ctx={ctx}
              name="language"
              label={t('field.preferred_language')}
              value={opts.values?.language ?? ctx.lang}
              options={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
            />
          </div>
          <RoleFields
            ctx={ctx}
            opts={options}
            errors={opts.errors}
            values={opts.link ? undefined : opts.values}
          />
          <button type="submit">{t('users.invite_submit')}</button>
        </form>
      </section>
    </Layout>
  )
}

users.get('/admin/users', async (c) => c.html(await listPage(c)))

users.post('/admin/users', async (c) => {
  const actor = c.get('actor')
  assertAdmin(actor, true)
  const f = await formFields(c)
  const v = validate(InviteForm, f)
  if (!v.ok) return c.html(await listPage(c, { errors: v.errors, values: f }), 422)
  const { env, database } = c.get('deps')
  try {
    const r = await auth.inviteUser(database.db, actor, {
      email: v.data.email,
      name: v.data.name,
      language: v.data.language,
      grants: [
        {
          role: v.data.role,
          countryCode: v.data.countryCode || null,
          organizationId: v.data.organizationId || null,
          sector: v.data.sector || null,
        },
      ],
      publicUrl: env.publicUrl,
    })
    return c.html(await listPage(c, { values: f, link: r.link }), 201)
  } catch (error) {
    if (error instanceof AppError && (error.fieldErrors || error.code === 'ROLE_SCOPE_INVALID')) {
      return c.html(
        await listPage(c, { errors: error.fieldErrors, values: f, code: error.code }),
        error.status,
      )
    }
    throw error
  }
})

async function detailPage(
  c: Context<AppEnv>,
  opts: { errors?: FormErrors | undefined; code?: string | undefined } = {},
) {
  const ctx = pageCtx(c)
  assertAdmin(ctx.actor)
  const db = c.get('deps').database.db
  const user = await auth.getUser(db, ctx.actor, uuidParam(c, 'id'))
  const [options, orgNames, twoFactorOn] = await Promise.all([
    scopeOptions(db, ctx.lang),
    orgNamesFor(db, user.grants),
    hasTwoFactor(db, user.id),
  ])
  const t = ctx.t
  return (
    <Layout ctx={ctx} title={user.name}>
      <p>
        <a href="/admin/users">
          <span class="back-arrow" aria-hidden="true">
            ←
          </span>{' '}
          {t('users.title')}
        </a>
      </p>
      <h1>{user.name}</h1>
      <Notice ctx={ctx} />
      <ErrorSummary ctx={ctx} errors={opts.errors} code={opts.code} />
      <dl class="facts">
        <dt>{t('field.email')}</dt>
        <dd>{user.email}</dd>
        <dt>{t('field.status')}</dt>
        <dd>
          {t(`users.status_${user.status}`)}
          {user.hasPassword ? '' : ` · ${t('users.pending')}`}
        </dd>
        <dt>{t('two_factor.title')}</dt>
        <dd>{twoFactorOn ? t('two_factor.state_on') : t('two_factor.state_off')}</dd>
        <dt>{t('users.last_sign_in')}</dt>
        <dd>{user.lastSignInAt ? formatDateTime(user.lastSignInAt, ctx.lang) : '—'}</dd>
      </dl>
      <h2>{t('field.roles')}</h2>
      {user.grants.length ? (
        <ul>
          {user.grants.map((g) => (
            <li>
              {grantLabel(t, g, orgNames, options.sectorCodes)}{' '}
              <ConfirmButton
                ctx={ctx}
                action={`/admin/users/${user.id}/roles/${g.id}/remove`}
                label={t('users.remove_role')}
                confirm={t('users.remove_role_confirm')}
                danger
              />
            </li>
          ))}
        </ul>
      ) : (
        <p class="empty">{t('account.no_roles')}</p>
      )}
      <form method="post" action={`/admin/users/${user.id}/roles`}>
        <Csrf ctx={ctx} />
        <RoleFields ctx={ctx} opts={options} errors={opts.errors} />
        <button type="submit">{t('users.add_role')}</button>
      </form>
      <h2>{t('users.account')}</h2>
      <div class="actions">
        {user.status === 'active' ? (
          <ConfirmButton
            ctx={ctx}
            action={`/admin/users/${user.id}/status`}
            fields={{ status: 'disabled' }}
            label={t('users.disable')}
            confirm={t('users.disable_confirm', { name: user.name })}
            danger
          />
        ) : (
          <ConfirmButton
            ctx={ctx}
            action={`/admin/users/${user.id}/status`}
            fields={{ status: 'active' }}
            label={t('users.enable')}
            confirm={t('users.enable_confirm', { name: user.name })}
          />
        )}
        {twoFactorOn ? (
          <ConfirmButton
            ctx={ctx}
            action={`/admin/users/${user.id}/two-factor/reset`}
            label={t('two_factor.reset')}
            confirm={t('two_factor.reset_confirm', { name: user.name })}
            danger
          />
        ) : null}
        <ConfirmButton
          ctx={ctx}
          action={`/admin/users/${user.id}/link`}
          label={t('users.send_link')}
          confirm={t('users.send_link_confirm', { email: user.email })}
        />
      </div>
    </Layout>
  )
}

users.get('/admin/users/:id', async (c) => c.html(await detailPage(c)))

users.post('/admin/users/:id/roles', async (c) => {
  const v = validate(GrantForm, await formFields(c))
  if (!v.ok) return c.html(await detailPage(c, { errors: v.errors }), 422)
  try {
    await auth.assignRole(c.get('deps').database.db, c.get('actor'), uuidParam(c, 'id'), {
      role: v.data.role,
      countryCode: v.data.countryCode || null,
      organizationId: v.data.organizationId || null,
      sector: v.data.sector || null,
    })
  } catch (error) {
    if (error instanceof AppError && error.code === 'ROLE_SCOPE_INVALID')
      return c.html(await detailPage(c, { errors: error.fieldErrors, code: error.code }), error.status)
    throw error
  }
  return c.redirect(`/admin/users/${uuidParam(c, 'id')}?notice=saved`, 303)
})

users.post('/admin/users/:id/roles/:grant/remove', async (c) => {
  try {
    await auth.removeRole(
      c.get('deps').database.db,
      c.get('actor'),
      uuidParam(c, 'id'),
      uuidParam(c, 'grant'),
    )
  } catch (error) {
    if (error instanceof AppError && error.code === 'LAST_ADMIN')
      return c.html(await detailPage(c, { code: error.code }), error.status)
    throw error
  }
  return c.redirect(`/admin/users/${uuidParam(c, 'id')}?notice=saved`, 303)
})

users.post('/admin/users/:id/status', async (c) => {
  const f = await formFields(c)
  const status = f.status === 'disabled' ? 'disabled' : 'active'
  try {
    await auth.setUserStatus(c.get('deps').database.db, c.get('actor'), uuidParam(c, 'id'), status)
  } catch (error) {
    if (error instanceof AppError && error.code === 'LAST_ADMIN')
      return c.html(await detailPage(c, { code: error.code }), error.status)
    throw error
  }
  return c.redirect(`/admin/users/${uuidParam(c, 'id')}?notice=saved`, 303)
})

/** Re-sends an invitation link (for accounts that lost theirs or never set a password). */
users.post('/admin/users/:id/link', async (c) => {
  const actor = c.get('actor')
  const { env, database } = c.get('deps')
  const user = await auth.getUser(database.db, actor, uuidParam(c, 'id'))
  await auth.inviteUser(database.db, actor, {
    email: user.email,
    name: user.name,
    grants: [],
    publicUrl: env.publicUrl,
  })
  return c.redirect(`/admin/users/${user.id}?notice=link_sent`, 303)
})
