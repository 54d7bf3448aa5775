import type { Context } from 'hono'
import { Hono } from 'hono'
import type { Db } from '../../db/database.ts'
import type { AppEnv } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import { formFields, nest, uuidParam, validate } from '../../http/forms.ts'
import {
  ConfirmButton,
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
import { direction, formatDate, formatNumber, LANGUAGE_NAMES, LANGUAGES } from '../../i18n/i18n.ts'
import { deny } from '../auth/auth.policy.ts'
import { groupAttendance } from '../meetings/meetings.service.ts'
import { canManageGroups } from './directory.policy.ts'
import {
  GROUP_KINDS,
  type Group,
  GroupInputSchema,
  MembershipChangeSchema,
  MembershipEndSchema,
  MembershipInputSchema,
} from './directory.schema.ts'
import * as directory from './directory.service.ts'

export const groupPages = new Hono<AppEnv>()

const today = () => new Date().toISOString().slice(0, 10)

function assertManager(ctx: PageCtx): void {
  if (!canManageGroups(ctx.actor)) deny(ctx.actor)
}

groupPages.get('/groups', async (c) => {
  const ctx = pageCtx(c)
  const groups = await directory.listGroups(c.get('deps').database.db, ctx.actor, ctx.lang)
  const t = ctx.t
  return c.html(
    <Layout ctx={ctx} title={t('group.list_title')}>
      <div class="page-head">
        <h1>{t('group.list_title')}</h1>
        {canManageGroups(ctx.actor) ? (
          <a class="button" href="/groups/new">
            {t('group.new')}
          </a>
        ) : null}
      </div>
      <Notice ctx={ctx} />
      <p class="hint">{t('group.intro')}</p>
      {groups.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('field.name')}</th>
              <th scope="col">{t('field.kind')}</th>
              <th scope="col">{t('group.current_members')}</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr>
                <td>
                  <a href={`/groups/${g.id}`}>{g.name}</a>
                  {g.archived ? <span class="tag">{t('field.archived')}</span> : null}
                </td>
                <td>{t(`group_kind.${g.kind}`)}</td>
                <td>{new Intl.NumberFormat(ctx.lang).format(g.currentMembers)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty">{t('group.none')}</p>
      )}
    </Layout>,
  )
})

function groupForm(
  ctx: PageCtx,
  group: Group | undefined,
  values: Record<string, unknown>,
  errors?: FormErrors,
) {
  const t = ctx.t
  const names = (values.names ?? {}) as Record<string, string>
  const descriptions = (values.descriptions ?? {}) as Record<string, string>
  const title = group ? t('group.edit_title', { name: group.name }) : t('group.new')
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={group ? `/groups/${group.id}/edit` : '/groups/new'} novalidate>
        <Csrf ctx={ctx} />
        <SelectField
          ctx={ctx}
          name="kind"
          label={t('field.kind')}
          value={String(values.kind ?? '')}
          options={GROUP_KINDS.map((k) => ({ value: k, label: t(`group_kind.${k}`) }))}
          required
          errors={errors}
          empty=""
        />
        <fieldset>
          <legend>{t('group.names')}</legend>
          <p class="hint">{t('group.names_hint')}</p>
          {errors?.names ? (
            <p class="field-error">
              {errors.names.map((e) => t(`validation.${e}`, { defaultValue: e })).join(' ')}
            </p>
          ) : null}
          <div class="grid-2">
            {LANGUAGES.map((l) => (
              <TextField
                ctx={ctx}
                name={`names.${l}`}
                label={LANGUAGE_NAMES[l]}
                value={names[l]}
                lang={l}
                dir={direction(l)}
                maxlength={300}
                errors={errors}
              />
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('group.descriptions')}</legend>
          <div class="grid-2">
            {LANGUAGES.map((l) => (
              <TextField
                ctx={ctx}
                name={`descriptions.${l}`}
                label={LANGUAGE_NAMES[l]}
                value={descriptions[l]}
                lang={l}
                dir={direction(l)}
                maxlength={300}
                errors={errors}
              />
            ))}
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit">{t('action.save')}</button>
          <a href={group ? `/groups/${group.id}` : '/groups'}>{t('action.cancel')}</a>
        </div>
      </form>
    </Layout>
  )
}

groupPages.get('/groups/new', (c) => {
  const ctx = pageCtx(c)
  assertManager(ctx)
  return c.html(groupForm(ctx, undefined, {}))
})

groupPages.post('/groups/new', async (c) => {
  const ctx = pageCtx(c)
  const input = nest(await formFields(c))
  const v = validate(GroupInputSchema, input)
  if (!v.ok) return c.html(groupForm(ctx, undefined, input, v.errors), 422)
  const g = await directory.createGroup(c.get('deps').database.db, ctx.actor, v.data, ctx.lang)
  return c.redirect(`/groups/${g.id}?notice=created`, 303)
})

groupPages.get('/groups/:id/edit', async (c) => {
  const ctx = pageCtx(c)
  assertManager(ctx)
  const g = await directory.getGroup(c.get('deps').database.db, ctx.actor, uuidParam(c, 'id'), ctx.lang)
  return c.html(groupForm(ctx, g, { kind: g.kind, names: g.names, descriptions: g.descriptions }))
})

groupPages.post('/groups/:id/edit', async (c) => {
  const ctx = pageCtx(c)
  const db = c.get('deps').database.db
  const g = await directory.getGroup(db, ctx.actor, uuidParam(c, 'id'), ctx.lang)
  const input = nest(await formFields(c))
  const v = validate(GroupInputSchema, input)
  if (!v.ok) return c.html(groupForm(ctx, g, input, v.errors), 422)
  await directory.updateGroup(db, ctx.actor, g.id, v.data, ctx.lang)
  return c.redirect(`/groups/${g.id}?notice=saved`, 303)
})

async function peopleOptions(db: Db, ctx: PageCtx, organizationId: string) {
  const people = await directory.searchPeople(db, ctx.actor, {
    organizationId,
    sort: 'name',
    dir: 'asc',
    archived: 'exclude',
    page: 1,
    pageSize: 200,
  })
  return people.items.map((p) => ({ value: p.id, label: p.title ? `${p.name} — ${p.title}` : p.name }))
}

async function detailPage(
  c: Context<AppEnv>,
  opts: { errors?: FormErrors | undefined; code?: string | undefined; values?: Record<string, string> } = {},
) {
  const ctx = pageCtx(c)
  const db = c.get('deps').database.db
  const group = await directory.getGroup(db, ctx.actor, uuidParam(c, 'id'), ctx.lang)
  const [memberships, attendance] = await Promise.all([
    directory.listMemberships(db, ctx.actor, group.id),
    groupAttendance(db, group.id),
  ])
  const current = memberships.filter((m) => !m.endDate)
  const past = memberships.filter((m) => m.endDate)
  const manage = canManageGroups(ctx.actor)
  const t = ctx.t
  const orgs = manage ? await directory.organizationChoices(db) : []
  const changeFor = c.req.query('change')
  const changing = changeFor ? current.find((m) => m.id === changeFor) : undefined
  const changeOptions = changing ? await peopleOptions(db, ctx, changing.organizationId) : []
  const who = (p: { name: string } | null) => p?.name ?? '—'
  return (
    <Layout ctx={ctx} title={group.name}>
      <p>
        <a href="/groups">
          <span class="back-arrow" aria-hidden="true">
            ←
          </span>{' '}
          {t('group.list_title')}
        </a>
      </p>
      <div class="page-head">
        <h1>
          {group.name} {group.archived ? <span class="tag">{t('field.archived')}</span> : null}
        </h1>
        {manage ? (
          <div class="actions">
            <a class="button" href={`/groups/${group.id}/edit`}>
              {t('action.edit')}
            </a>
            {group.archived ? (
              <ConfirmButton
                ctx={ctx}
                action={`/groups/${group.id}/restore`}
                label={t('action.restore')}
                confirm={t('group.restore_confirm', { name: group.name })}
              />
            ) : (
              <ConfirmButton
                ctx={ctx}
                action={`/groups/${group.id}/archive`}
                label={t('action.archive')}
                confirm={t('group.archive_confirm', { name: group.name })}
                danger
              />
            )}
          </div>
        ) : null}
      </div>
      <Notice ctx={ctx} />
      <ErrorSummary ctx={ctx} errors={opts.errors} code={opts.code} />
      <p>
        {t(`group_kind.${group.kind}`)}
        {group.description ? ` — ${group.description}` : ''}
      </p>
      <h2>{t('group.composition')}</h2>
      {current.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('field.organization')}</th>
              <th scope="col">{t('group.principal')}</th>
              <th scope="col">{t('group.alternate')}</th>
              <th scope="col">{t('group.since')}</th>
              {manage ? <th scope="col">{t('group.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {current.map((m) => (
              <tr>
                <td>
                  <a href={`/organizations/${m.organizationId}`}>{m.organizationName}</a>{' '}
                  <span class="muted">({m.countryCode})</span>
                </td>
                <td>{who(m.principal)}</td>
                <td>{who(m.alternate)}</td>
                <td>{formatDate(m.startDate, ctx.lang)}</td>
                {manage ? (
                  <td>
                    <a href={`/groups/${group.id}?change=${m.id}#change`}>
                      {t('group.change_representatives')}
                    </a>{' '}
                    <ConfirmButton
                      ctx={ctx}
                      action={`/groups/${group.id}/memberships/${m.id}/end`}
                      fields={{ endDate: today() }}
                      label={t('group.end_membership')}
                      confirm={t('group.end_confirm', { name: m.organizationName })}
                      danger
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty">{t('group.no_members')}</p>
      )}
      {changing ? (
        <section id="change" aria-labelledby="change-h">
          <h2 id="change-h">{t('group.change_for', { name: changing.organizationName })}</h2>
          <form method="post" action={`/groups/${group.id}/memberships/${changing.id}/change`}>
            <Csrf ctx={ctx} />
            <div class="grid-2">
              <SelectField
                ctx={ctx}
                name="principalPersonId"
                label={t('group.principal')}
                value={changing.principal?.id}
                options={changeOptions}
                empty={t('filter.none')}
                errors={opts.errors}
              />
              <SelectField
                ctx={ctx}
                name="alternatePersonId"
                label={t('group.alternate')}
                value={changing.alternate?.id}
                options={changeOptions}
                empty={t('filter.none')}
                errors={opts.errors}
              />
              <TextField
                ctx={ctx}
                name="effectiveDate"
                label={t('group.effective_date')}
                type="date"
                value={today()}
                required
                errors={opts.errors}
                hint={t('group.effective_hint')}
              />
            </div>
            <button type="submit">{t('action.save')}</button>
          </form>
        </section>
      ) : null}
      {manage && !group.archived ? (
        <section aria-labelledby="add-h">
          <h2 id="add-h">{t('group.add_member')}</h2>
          <p class="hint">{t('group.add_member_hint')}</p>
          <form method="post" action={`/groups/${group.id}/memberships`}>
            <Csrf ctx={ctx} />
            <div class="grid-2">
              <SelectField
                ctx={ctx}
                name="organizationId"
                label={t('field.organization')}
                value={opts.values?.organizationId}
                options={orgs.map((o) => ({ value: o.id, label: `${o.name} (${o.country_code})` }))}
                required
                empty=""
                errors={opts.errors}
              />
              <TextField
                ctx={ctx}
                name="startDate"
                label={t('group.since')}
                type="date"
                value={opts.values?.startDate ?? today()}
                required
                errors={opts.errors}
              />
            </div>
            <button type="submit">{t('group.add_member')}</button>
          </form>
        </section>
      ) : null}
      <section aria-labelledby="attendance-h">
        <h2 id="attendance-h">{t('group.attendance_record')}</h2>
        <p class="hint">
          {t('group.attendance_hint')}{' '}
          <a href={`/meetings?groupId=${group.id}`}>{t('group.meetings_of_group')}</a> ·{' '}
          <a href={`/groups/${group.id}/calendar.ics`}>{t('group.subscribe')}</a>
        </p>
        {attendance.some((a) => a.meetings > 0) ? (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('field.organization')}</th>
                <th scope="col">{t('group.meetings_since_joining')}</th>
                <th scope="col">{t('group.attended')}</th>
                <th scope="col">{t('attended_as.principal')}</th>
                <th scope="col">{t('attended_as.alternate')}</th>
                <th scope="col">{t('group.someone_else')}</th>
              </tr>
            </thead>
            <tbody>
              {attendance
                .filter((a) => a.meetings > 0)
                .map((a) => (
                  <tr>
                    <td>
                      <a href={`/organizations/${a.organizationId}`}>{a.organizationName}</a>{' '}
                      <span class="muted">({a.countryCode})</span>
                      {a.currentMember ? null : <span class="tag">{t('group.former_member')}</span>}
                    </td>
                    <td>{formatNumber(a.meetings, ctx.lang)}</td>
                    <td>
                      {formatNumber(a.attended, ctx.lang)} (
                      {new Intl.NumberFormat(ctx.lang, { style: 'percent' }).format(a.attended / a.meetings)})
                    </td>
                    <td>{formatNumber(a.asPrincipal, ctx.lang)}</td>
                    <td>{formatNumber(a.asAlternate, ctx.lang)}</td>
                    <td>{formatNumber(a.asSubstitute, ctx.lang)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        ) : (
          <p class="empty">{t('group.no_meetings_held')}</p>
        )}
      </section>
      <h2>{t('group.history')}</h2>
      {past.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('field.organization')}</th>
              <th scope="col">{t('group.principal')}</th>
              <th scope="col">{t('group.alternate')}</th>
              <th scope="col">{t('group.period')}</th>
            </tr>
          </thead>
          <tbody>
            {past.map((m) => (
              <tr>
                <td>{m.organizationName}</td>
                <td>{who(m.principal)}</td>
                <td>{who(m.alternate)}</td>
                <td>
                  {formatDate(m.startDate, ctx.lang)} – {formatDate(m.endDate, ctx.lang)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty">{t('group.no_history')}</p>
      )}
    </Layout>
  )
}

groupPages.get('/groups/:id', async (c) => c.html(await detailPage(c)))

for (const [verb, archived] of [
  ['archive', true],
  ['restore', false],
] as const) {
  groupPages.post(`/groups/:id/${verb}`, async (c) => {
    const ctx = pageCtx(c)
    const id = uuidParam(c, 'id')
    await directory.setGroupArchived(c.get('deps').database.db, ctx.actor, id, archived, ctx.lang)
    return c.redirect(`/groups/${id}?notice=${archived ? 'archived' : 'restored'}`, 303)
  })
}

async function withFormErrors(
  c: Context<AppEnv>,
  values: Record<string, string>,
  run: () => Promise<unknown>,
  okNotice: string,
  /** Where to go next, given what run() returned; by default back to the group. */
  then?: (result: unknown) => string,
) {
  let result: unknown
  try {
    result = await run()
  } catch (error) {
    if (error instanceof AppError && (error.fieldErrors || error.status === 409)) {
      return c.html(
        await detailPage(c, { errors: error.fieldErrors, code: error.code, values }),
        error.status,
      )
    }
    throw error
  }
  const extra = then ? then(result) : ''
  return c.redirect(`/groups/${uuidParam(c, 'id')}?notice=${okNotice}${extra}`, 303)
}

groupPages.post('/groups/:id/memberships', async (c) => {
  const f = await formFields(c)
  const v = validate(MembershipInputSchema, f)
  if (!v.ok) return c.html(await detailPage(c, { errors: v.errors, values: f }), 422)
  return withFormErrors(
    c,
    f,
    () => directory.addMembership(c.get('deps').database.db, c.get('actor'), uuidParam(c, 'id'), v.data),
    'member_added',
    // Straight on to choosing the new member's principal and alternate.
    (membershipId) => `&change=${String(membershipId)}#change`,
  )
})

groupPages.post('/groups/:id/memberships/:mid/change', async (c) => {
  const f = await formFields(c)
  const v = validate(MembershipChangeSchema, f)
  if (!v.ok) return c.html(await detailPage(c, { errors: v.errors, values: f }), 422)
  return withFormErrors(
    c,
    f,
    () => directory.changeMembership(c.get('deps').database.db, c.get('actor'), uuidParam(c, 'mid'), v.data),
    'saved',
  )
})

groupPages.post('/groups/:id/memberships/:mid/end', async (c) => {
  const f = await formFields(c)
  const v = validate(MembershipEndSchema, f)
  if (!v.ok) return c.html(await detailPage(c, { errors: v.errors, values: f }), 422)
  return withFormErrors(
    c,
    f,
    () =>
      directory.endMembership(c.get('deps').database.db, c.get('actor'), uuidParam(c, 'mid'), v.data.endDate),
    'member_ended',
  )
})
