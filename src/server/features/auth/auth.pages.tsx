import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../../http/context.ts'
import { clearCookie, readCookie } from '../../http/cookies.ts'
import { AppError } from '../../http/errors.ts'
import { formFields, safeNext, uuidParam } from '../../http/forms.ts'
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
import { formatDate, formatDateTime, isLanguage, LANGUAGE_NAMES, LANGUAGES } from '../../i18n/i18n.ts'
import { assertSignedIn, isUser } from './auth.policy.ts'
import * as auth from './auth.service.ts'
import { afterFirstFactor, RecoveryCodesPage, TwoFactorSection } from './two-factor.pages.tsx'
import * as twoFactor from './two-factor.service.ts'

export function clientKey(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'local'
  }
}

const SignInPage = ({
  ctx,
  email,
  next,
  code,
}: {
  ctx: PageCtx
  email?: string
  next: string
  code?: string
}) => (
  <Layout ctx={ctx} title={ctx.t('auth.sign_in.title')} status="narrow">
    <h1>{ctx.t('auth.sign_in.title')}</h1>
    <Notice ctx={ctx} />
    <ErrorSummary ctx={ctx} code={code} />
    <form method="post" action="/auth/sign-in">
      <Csrf ctx={ctx} />
      <input type="hidden" name="next" value={next} />
      <TextField
        ctx={ctx}
        name="email"
        label={ctx.t('field.email')}
        type="email"
        value={email}
        required
        autocomplete="username"
      />
      <TextField
        ctx={ctx}
        name="password"
        label={ctx.t('field.password')}
        type="password"
        required
        autocomplete="current-password"
      />
      <button type="submit">{ctx.t('auth.sign_in.submit')}</button>
    </form>
    <p>
      <a href="/auth/forgot">{ctx.t('auth.forgot.link')}</a>
    </p>
  </Layout>
)

const ForgotPage = ({ ctx, sent, code }: { ctx: PageCtx; sent?: boolean; code?: string }) => (
  <Layout ctx={ctx} title={ctx.t('auth.forgot.title')} status="narrow">
    <h1>{ctx.t('auth.forgot.title')}</h1>
    <ErrorSummary ctx={ctx} code={code} />
    {sent ? (
      <p class="notice" role="status">
        {ctx.t('auth.forgot.sent')}
      </p>
    ) : (
      <form method="post" action="/auth/forgot">
        <Csrf ctx={ctx} />
        <p>{ctx.t('auth.forgot.intro')}</p>
        <TextField
          ctx={ctx}
          name="email"
          label={ctx.t('field.email')}
          type="email"
          required
          autocomplete="email"
        />
        <button type="submit">{ctx.t('auth.forgot.submit')}</button>
      </form>
    )}
  </Layout>
)

const SetPasswordPage = ({
  ctx,
  token,
  email,
  errors,
  code,
}: {
  ctx: PageCtx
  token: string
  email?: string
  errors?: FormErrors
  code?: string
}) => (
  <Layout ctx={ctx} title={ctx.t('auth.set_password.title')} status="narrow">
    <h1>{ctx.t('auth.set_password.title')}</h1>
    <ErrorSummary ctx={ctx} errors={errors} code={code} />
    {email ? (
      <form method="post" action="/auth/set-password">
        <Csrf ctx={ctx} />
        <input type="hidden" name="token" value={token} />
        <p>{ctx.t('auth.set_password.for', { email })}</p>
        <input type="text" name="username" value={email} autocomplete="username" hidden />
        <TextField
          ctx={ctx}
          name="password"
          label={ctx.t('field.new_password')}
          type="password"
          required
          autocomplete="new-password"
          hint={ctx.t('auth.password_rules')}
          errors={errors}
        />
        <TextField
          ctx={ctx}
          name="confirm"
          label={ctx.t('field.confirm_password')}
          type="password"
          required
          autocomplete="new-password"
          errors={errors}
        />
        <button type="submit">{ctx.t('auth.set_password.submit')}</button>
      </form>
    ) : (
      <p>
        {ctx.t('auth.set_password.expired')} <a href="/auth/forgot">{ctx.t('auth.forgot.link')}</a>
      </p>
    )}
  </Layout>
)

export const authPages = new Hono<AppEnv>()

authPages.get('/auth/sign-in', (c) => {
  const ctx = pageCtx(c)
  if (isUser(ctx.actor)) return c.redirect(safeNext(c.req.query('next')), 303)
  return c.html(<SignInPage ctx={ctx} next={safeNext(c.req.query('next'))} />)
})

authPages.post('/auth/sign-in', async (c) => {
  const ctx = pageCtx(c)
  const f = await formFields(c)
  const next = safeNext(f.next)
  try {
    const outcome = await auth.signIn(c.get('deps').database.db, {
      email: f.email ?? '',
      password: f.password ?? '',
      clientKey: clientKey(c),
      userAgent: c.req.header('User-Agent'),
      next,
    })
    return await afterFirstFactor(c, outcome, next)
  } catch (error) {
    if (
      error instanceof AppError &&
      (error.code === 'INVALID_CREDENTIALS' || error.code === 'RATE_LIMITED')
    ) {
      return c.html(
        <SignInPage ctx={ctx} email={f.email ?? ''} next={next} code={error.code} />,
        error.status,
      )
    }
    throw error
  }
})

authPages.post('/auth/sign-out', async (c) => {
  const token = readCookie(c, 'session')
  if (token) await auth.signOut(c.get('deps').database.db, token)
  clearCookie(c, 'session')
  return c.redirect('/?notice=signed_out', 303)
})

authPages.get('/auth/forgot', (c) => c.html(<ForgotPage ctx={pageCtx(c)} />))

authPages.post('/auth/forgot', async (c) => {
  const ctx = pageCtx(c)
  const f = await formFields(c)
  const { env, database } = c.get('deps')
  try {
    await auth.requestPasswordReset(database.db, {
      email: f.email ?? '',
      clientKey: clientKey(c),
      publicUrl: env.publicUrl,
      language: ctx.lang,
    })
  } catch (error) {
    if (error instanceof AppError && error.code === 'RATE_LIMITED')
      return c.html(<ForgotPage ctx={ctx} code={error.code} />, 429)
    throw error
  }
  return c.html(<ForgotPage ctx={ctx} sent />)
})

authPages.get('/auth/set-password', async (c) => {
  const token = c.req.query('token') ?? ''
  const info = token ? await auth.checkOneTimeToken(c.get('deps').database.db, token) : undefined
  c.header('Referrer-Policy', 'no-referrer')
  return c.html(<SetPasswordPage ctx={pageCtx(c)} token={token} email={info?.email} />, info ? 200 : 400)
})

authPages.post('/auth/set-password', async (c) => {
  const ctx = pageCtx(c)
  const f = await formFields(c)
  const token = f.token ?? ''
  const db = c.get('deps').database.db
  const info = await auth.checkOneTimeToken(db, token)
  if (!info) return c.html(<SetPasswordPage ctx={ctx} token={token} code="TOKEN_INVALID" />, 400)
  if ((f.password ?? '') !== (f.confirm ?? '')) {
    return c.html(
      <SetPasswordPage
        ctx={ctx}
        token={token}
        email={info.email}
        errors={{ confirm: ['password.mismatch'] }}
      />,
      422,
    )
  }
  try {
    const outcome = await auth.setPasswordWithToken(db, {
      token,
      password: f.password ?? '',
      userAgent: c.req.header('User-Agent'),
      next: '/?notice=password_set',
    })
    return await afterFirstFactor(c, outcome, '/?notice=password_set')
  } catch (error) {
    if (error instanceof AppError && error.code === 'PASSWORD_TOO_WEAK') {
      return c.html(
        <SetPasswordPage ctx={ctx} token={token} email={info.email} errors={error.fieldErrors} />,
        422,
      )
    }
    throw error
  }
})

// ---------------------------------------------------------------- account

const AccountPage = async ({
  c,
  errors,
  twoFactorErrors,
  newToken,
  newCalendarLink,
}: {
  c: Context<AppEnv>
  errors?: FormErrors
  twoFactorErrors?: FormErrors
  newToken?: string
  newCalendarLink?: string
}) => {
  const ctx = pageCtx(c)
  assertSignedIn(ctx.actor)
  const db = c.get('deps').database.db
  const [user, tokens, hasCalendar, twoFactorStatus] = await Promise.all([
    auth.getUser(db, ctx.actor, ctx.actor.userId),
    auth.listApiTokens(db, ctx.actor),
    auth.hasCalendarToken(db, ctx.actor),
    twoFactor.twoFactorStatus(db, ctx.actor),
  ])
  const t = ctx.t
  return (
    <Layout ctx={ctx} title={t('account.title')}>
      <h1>{t('account.title')}</h1>
      <Notice ctx={ctx} />
      <ErrorSummary ctx={ctx} errors={errors} />
      <dl class="facts">
        <dt>{t('field.name')}</dt>
        <dd>{user.name}</dd>
        <dt>{t('field.email')}</dt>
        <dd>{user.email}</dd>
        <dt>{t('field.roles')}</dt>
        <dd>
          {user.grants.length
            ? user.grants.map((g) => (
                <span class="tag">
                  {t(`role.${g.role}`)}
                  {g.countryCode ? ` · ${g.countryCode}` : ''}
                </span>
              ))
            : t('account.no_roles')}
        </dd>
      </dl>
      <section aria-labelledby="lang-h">
        <h2 id="lang-h">{t('account.language')}</h2>
        <form method="post" action="/account/language" class="filters">
          <Csrf ctx={ctx} />
          <SelectField
            ctx={ctx}
            name="language"
            label={t('field.preferred_language')}
            value={user.preferredLanguage ?? ctx.lang}
            options={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
          />
          <button type="submit">{t('action.save')}</button>
        </form>
      </section>
      <section aria-labelledby="pw-h">
        <h2 id="pw-h">{t('account.change_password')}</h2>
        <form method="post" action="/account/password">
          <Csrf ctx={ctx} />
          <input type="text" name="username" value={user.email} autocomplete="username" hidden />
          <TextField
            ctx={ctx}
            name="current"
            label={t('field.current_password')}
            type="password"
            required
            autocomplete="current-password"
            errors={errors}
          />
          <TextField
            ctx={ctx}
            name="password"
            label={t('field.new_password')}
            type="password"
            required
            autocomplete="new-password"
            hint={t('auth.password_rules')}
            errors={errors}
          />
          <button type="submit">{t('account.change_password')}</button>
        </form>
      </section>
      <TwoFactorSection ctx={ctx} status={twoFactorStatus} errors={twoFactorErrors} />
      <section aria-labelledby="cal-h">
        <h2 id="cal-h">{t('calendar.title')}</h2>
        <p>{t('calendar.intro')}</p>
        {newCalendarLink ? (
          <div class="notice" role="status">
            <p>{t('calendar.created_once')}</p>
            <pre>
              <code>{newCalendarLink}</code>
            </pre>
          </div>
        ) : hasCalendar ? (
          <p class="hint">{t('calendar.exists')}</p>
        ) : null}
        <form
          method="post"
          action="/account/calendar"
          data-confirm={hasCalendar ? t('calendar.replace_confirm') : undefined}
        >
          <Csrf ctx={ctx} />
          <button type="submit">{hasCalendar ? t('calendar.replace') : t('calendar.create')}</button>
        </form>
      </section>
      <section aria-labelledby="tok-h">
        <h2 id="tok-h">{t('tokens.title')}</h2>
        <p>{t('tokens.intro')}</p>
        {newToken ? (
          <div class="notice" role="status">
            <p>{t('tokens.created_once')}</p>
            <pre>
              <code>{newToken}</code>
            </pre>
          </div>
        ) : null}
        {tokens.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('field.name')}</th>
                <th scope="col">{t('tokens.prefix')}</th>
                <th scope="col">{t('tokens.scope')}</th>
                <th scope="col">{t('tokens.expires')}</th>
                <th scope="col">{t('tokens.last_used')}</th>
                <th scope="col">{t('field.status')}</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((tk) => (
                <tr>
                  <td>{tk.name}</td>
                  <td>
                    <code>{tk.prefix}…</code>
                  </td>
                  <td>{t(`tokens.scope_${tk.scope}`)}</td>
                  <td>{formatDate(tk.expiresAt, ctx.lang)}</td>
                  <td>{tk.lastUsedAt ? formatDateTime(tk.lastUsedAt, ctx.lang) : '—'}</td>
                  <td>
                    {tk.revokedAt ? (
                      t('tokens.revoked')
                    ) : new Date(tk.expiresAt) < new Date() ? (
                      t('tokens.expired')
                    ) : (
                      <ConfirmButton
                        ctx={ctx}
                        action={`/account/tokens/${tk.id}/revoke`}
                        label={t('tokens.revoke')}
                        confirm={t('tokens.revoke_confirm', { name: tk.name })}
                        danger
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="empty">{t('tokens.none')}</p>
        )}
        <form method="post" action="/account/tokens" class="filters">
          <Csrf ctx={ctx} />
          <TextField
            ctx={ctx}
            name="name"
            label={t('tokens.name')}
            required
            maxlength={100}
            errors={errors}
          />
          <SelectField
            ctx={ctx}
            name="scope"
            label={t('tokens.scope')}
            value="read"
            options={[
              { value: 'read', label: t('tokens.scope_read') },
              { value: 'write', label: t('tokens.scope_write') },
            ]}
          />
          <SelectField
            ctx={ctx}
            name="days"
            label={t('tokens.valid_for')}
            value="90"
            options={[30, 90, 180, 365].map((d) => ({
              value: String(d),
              label: t('tokens.days', { count: d }),
            }))}
          />
          <button type="submit">{t('tokens.create')}</button>
        </form>
      </section>
    </Layout>
  )
}

authPages.get('/account', async (c) => {
  assertSignedIn(c.get('actor'))
  return c.html(<AccountPage c={c} />)
})

authPages.post('/account/language', async (c) => {
  const f = await formFields(c)
  if (!isLanguage(f.language)) throw new AppError('VALIDATION_FAILED', {}, { language: ['choice_invalid'] })
  await auth.setPreferredLanguage(c.get('deps').database.db, c.get('actor'), f.language)
  return c.redirect(`/account?notice=saved&lang=${f.language}`, 303)
})

authPages.post('/account/password', async (c) => {
  const actor = c.get('actor')
  assertSignedIn(actor)
  const f = await formFields(c)
  const db = c.get('deps').database.db
  try {
    await auth.changePassword(db, actor, { current: f.current ?? '', next: f.password ?? '' })
    await auth.endOtherSessions(db, actor.userId, c.get('sessionId'))
  } catch (error) {
    if (error instanceof AppError && error.fieldErrors)
      return c.html(await AccountPage({ c, errors: error.fieldErrors }), error.status)
    throw error
  }
  return c.redirect('/account?notice=password_changed', 303)
})

const TokenForm = z.object({
  name: z.string().trim().min(1, { error: 'required' }).max(100, { error: 'too_long' }),
  scope: z.enum(['read', 'write']),
  days: z.coerce
    .number()
    .int()
    .refine((d) => [30, 90, 180, 365].includes(d)),
})

authPages.post('/account/tokens', async (c) => {
  const actor = c.get('actor')
  assertSignedIn(actor)
  const parsed = TokenForm.safeParse(await formFields(c))
  if (!parsed.success) return c.html(await AccountPage({ c, errors: { name: ['required'] } }), 422)
  const { token } = await auth.createApiToken(c.get('deps').database.db, actor, parsed.data)
  return c.html(await AccountPage({ c, newToken: token }), 201)
})

authPages.post('/account/calendar', async (c) => {
  const secret = await auth.replaceCalendarToken(c.get('deps').database.db, c.get('actor'))
  const link = `${c.get('deps').env.publicUrl}/calendar/${secret}.ics`
  return c.html(await AccountPage({ c, newCalendarLink: link }), 201)
})

authPages.post('/account/two-factor/recovery-codes', async (c) => {
  const f = await formFields(c)
  try {
    const codes = await twoFactor.regenerateRecoveryCodes(
      c.get('deps').database.db,
      c.get('actor'),
      f.code ?? '',
    )
    return c.html(<RecoveryCodesPage ctx={pageCtx(c)} codes={codes} next="/account" />)
  } catch (error) {
    if (error instanceof AppError && error.code === 'CODE_INVALID')
      return c.html(await AccountPage({ c, twoFactorErrors: error.fieldErrors }), 422)
    throw error
  }
})

authPages.post('/account/two-factor/disable', async (c) => {
  const f = await formFields(c)
  try {
    await twoFactor.disableOwnTwoFactor(c.get('deps').database.db, c.get('actor'), f.code ?? '')
  } catch (error) {
    if (error instanceof AppError && error.code === 'CODE_INVALID')
      return c.html(await AccountPage({ c, twoFactorErrors: error.fieldErrors }), 422)
    throw error
  }
  return c.redirect('/account?notice=two_factor_off', 303)
})

authPages.post('/account/tokens/:id/revoke', async (c) => {
  await auth.revokeApiToken(c.get('deps').database.db, c.get('actor'), uuidParam(c, 'id'))
  return c.redirect('/account?notice=token_revoked', 303)
})
