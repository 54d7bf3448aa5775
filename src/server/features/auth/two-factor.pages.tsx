import type { Context } from 'hono'
import { Hono } from 'hono'
import { raw } from 'hono/html'
import type { AppEnv } from '../../http/context.ts'
import { clearCookie, readCookie, writeCookie } from '../../http/cookies.ts'
import { AppError } from '../../http/errors.ts'
import { formFields, safeNext, uuidParam } from '../../http/forms.ts'
import {
  Csrf,
  ErrorSummary,
  type FormErrors,
  Layout,
  type PageCtx,
  pageCtx,
  TextField,
} from '../../http/layout.tsx'
import { assertSignedIn } from './auth.policy.ts'
import * as auth from './auth.service.ts'
import * as twoFactor from './two-factor.service.ts'

/** After a correct first factor: a session, or the challenge cookie and the way to the second step. */
export async function afterFirstFactor(c: Context<AppEnv>, outcome: auth.FirstFactorOutcome, next: string) {
  // The session id is never carried across a sign-in: whatever session this browser had ends here.
  const previous = readCookie(c, 'session')
  if (previous) await auth.signOut(c.get('deps').database.db, previous)
  if (outcome.kind === 'session') {
    startSession(c, outcome.token)
    return c.redirect(next, 303)
  }
  clearCookie(c, 'session')
  writeCookie(c, 'challenge', outcome.challenge, twoFactor.CHALLENGE_MINUTES * 60)
  return c.redirect('/auth/two-factor', 303)
}

export function startSession(c: Context<AppEnv>, token: string): void {
  writeCookie(c, 'session', token, auth.SESSION_ABSOLUTE_HOURS * 3600)
  clearCookie(c, 'csrf')
  clearCookie(c, 'challenge')
}

/** The secret as a QR code and as text, for an authenticator app. */
const Enrolment = ({ ctx, e }: { ctx: PageCtx; e: ReturnType<typeof twoFactor.enrolment> }) => (
  <>
    <ol class="steps">
      <li>{ctx.t('two_factor.step_app')}</li>
      <li>
        {ctx.t('two_factor.step_scan')}
        <figure class="qr" role="img" aria-label={ctx.t('two_factor.qr_label')}>
          {raw(e.qrSvg)}
        </figure>
        <p>
          {ctx.t('two_factor.step_type')}{' '}
          <code class="secret" dir="ltr">
            {e.secret}
          </code>
        </p>
      </li>
      <li>{ctx.t('two_factor.step_code')}</li>
    </ol>
  </>
)

const CodeField = ({ ctx, errors, recovery }: { ctx: PageCtx; errors?: FormErrors; recovery?: boolean }) => (
  <TextField
    ctx={ctx}
    name="code"
    label={ctx.t('two_factor.code')}
    required
    autocomplete="one-time-code"
    maxlength={20}
    hint={recovery ? ctx.t('two_factor.code_hint_recovery') : ctx.t('two_factor.code_hint')}
    errors={errors}
  />
)

const ChallengePage = ({
  ctx,
  challenge,
  code,
  errors,
}: {
  ctx: PageCtx
  challenge: twoFactor.Challenge
  code?: string
  errors?: FormErrors
}) => (
  <Layout ctx={ctx} title={ctx.t('two_factor.title')} status="narrow">
    <h1>{ctx.t('two_factor.title')}</h1>
    <ErrorSummary ctx={ctx} code={code} errors={errors} />
    {challenge.mode === 'enrol' && challenge.enrolment ? (
      <>
        <p>{ctx.t('two_factor.required_intro', { email: challenge.email })}</p>
        <Enrolment ctx={ctx} e={challenge.enrolment} />
      </>
    ) : (
      <p>{ctx.t('two_factor.verify_intro', { email: challenge.email })}</p>
    )}
    <form method="post" action="/auth/two-factor">
      <Csrf ctx={ctx} />
      <CodeField ctx={ctx} errors={errors} recovery={challenge.mode === 'verify'} />
      <button type="submit">{ctx.t('two_factor.submit')}</button>
    </form>
    <p>
      <a href="/auth/sign-in">{ctx.t('two_factor.start_again')}</a>
    </p>
  </Layout>
)

export const RecoveryCodesPage = ({ ctx, codes, next }: { ctx: PageCtx; codes: string[]; next: string }) => (
  <Layout ctx={ctx} title={ctx.t('two_factor.recovery_title')} status="narrow">
    <h1>{ctx.t('two_factor.recovery_title')}</h1>
    <p class="notice" role="status">
      {ctx.t('two_factor.recovery_intro', { count: codes.length })}
    </p>
    <ul class="recovery-codes" dir="ltr" aria-label={ctx.t('two_factor.recovery_title')}>
      {codes.map((code) => (
        <li>
          <code>{code}</code>
        </li>
      ))}
    </ul>
    <p>
      <a class="button" href={next}>
        {ctx.t('two_factor.recovery_continue')}
      </a>
    </p>
  </Layout>
)

export const twoFactorPages = new Hono<AppEnv>()

async function currentChallenge(c: Context<AppEnv>): Promise<twoFactor.Challenge | undefined> {
  const token = readCookie(c, 'challenge')
  return token ? twoFactor.readChallenge(c.get('deps').database.db, token) : undefined
}

function expired(c: Context<AppEnv>) {
  clearCookie(c, 'challenge')
  return c.redirect('/auth/sign-in?notice=challenge_expired', 303)
}

twoFactorPages.get('/auth/two-factor', async (c) => {
  const challenge = await currentChallenge(c)
  if (!challenge) return expired(c)
  return c.html(<ChallengePage ctx={pageCtx(c)} challenge={challenge} />)
})

twoFactorPages.post('/auth/two-factor', async (c) => {
  const ctx = pageCtx(c)
  const token = readCookie(c, 'challenge')
  const challenge = token ? await twoFactor.readChallenge(c.get('deps').database.db, token) : undefined
  if (!token || !challenge) return expired(c)
  const f = await formFields(c)
  try {
    const done = await twoFactor.completeChallenge(c.get('deps').database.db, {
      token,
      code: f.code ?? '',
      userAgent: c.req.header('User-Agent'),
    })
    startSession(c, done.token)
    const next = safeNext(done.next)
    if (done.recoveryCodes)
      return c.html(<RecoveryCodesPage ctx={ctx} codes={done.recoveryCodes} next={next} />)
    return c.redirect(next, 303)
  } catch (error) {
    if (error instanceof AppError && error.code === 'CHALLENGE_EXPIRED') return expired(c)
    if (error instanceof AppError && (error.code === 'CODE_INVALID' || error.code === 'RATE_LIMITED')) {
      return c.html(
        <ChallengePage
          ctx={ctx}
          challenge={challenge}
          code={error.code === 'RATE_LIMITED' ? error.code : undefined}
          errors={error.code === 'CODE_INVALID' ? { code: ['two_factor.code_invalid'] } : undefined}
        />,
        error.status,
      )
    }
    throw error
  }
})

// ---------------------------------------------------------------- the account's own settings

const EnrolPage = ({
  ctx,
  e,
  errors,
}: {
  ctx: PageCtx
  e: ReturnType<typeof twoFactor.enrolment>
  errors?: FormErrors
}) => (
  <Layout ctx={ctx} title={ctx.t('two_factor.enable')} status="narrow">
    <h1>{ctx.t('two_factor.enable')}</h1>
    <ErrorSummary ctx={ctx} errors={errors} />
    <Enrolment ctx={ctx} e={e} />
    <form method="post" action="/account/two-factor">
      <Csrf ctx={ctx} />
      <CodeField ctx={ctx} errors={errors} />
      <button type="submit">{ctx.t('two_factor.enable')}</button>
    </form>
    <p>
      <a href="/account">{ctx.t('action.cancel')}</a>
    </p>
  </Layout>
)

twoFactorPages.get('/account/two-factor', async (c) => {
  const e = await twoFactor.beginEnrolment(c.get('deps').database.db, c.get('actor'))
  return c.html(<EnrolPage ctx={pageCtx(c)} e={e} />)
})

twoFactorPages.post('/account/two-factor', async (c) => {
  const ctx = pageCtx(c)
  const db = c.get('deps').database.db
  const f = await formFields(c)
  try {
    const codes = await twoFactor.confirmEnrolment(db, c.get('actor'), f.code ?? '')
    return c.html(<RecoveryCodesPage ctx={ctx} codes={codes} next="/account?notice=two_factor_on" />)
  } catch (error) {
    if (error instanceof AppError && error.code === 'CODE_INVALID') {
      const e = await twoFactor.beginEnrolment(db, c.get('actor'))
      return c.html(<EnrolPage ctx={ctx} e={e} errors={error.fieldErrors} />, 422)
    }
    throw error
  }
})

twoFactorPages.post('/admin/users/:id/two-factor/reset', async (c) => {
  const id = uuidParam(c, 'id')
  await twoFactor.resetTwoFactor(c.get('deps').database.db, c.get('actor'), id)
  return c.redirect(`/admin/users/${id}?notice=two_factor_reset`, 303)
})

/** The account page's section: on or off, and what can be done from there. */
export const TwoFactorSection = ({
  ctx,
  status,
  errors,
}: {
  ctx: PageCtx
  status: twoFactor.TwoFactorStatus
  errors?: FormErrors | undefined
}) => {
  const t = ctx.t
  assertSignedIn(ctx.actor)
  return (
    <section aria-labelledby="tf-h">
      <h2 id="tf-h">{t('two_factor.title')}</h2>
      {status.enabled ? (
        <>
          <p>{t('two_factor.on', { count: status.recoveryCodesLeft })}</p>
          <form method="post" action="/account/two-factor/recovery-codes">
            <Csrf ctx={ctx} />
            <TextField
              ctx={ctx}
              name="code"
              label={t('two_factor.code')}
              required
              autocomplete="one-time-code"
              maxlength={20}
              hint={t('two_factor.code_hint')}
              errors={errors}
            />
            <button type="submit">{t('two_factor.new_recovery_codes')}</button>
          </form>
          {status.required ? (
            <p class="hint">{t('two_factor.required_by_role')}</p>
          ) : (
            <form
              method="post"
              action="/account/two-factor/disable"
              data-confirm={t('two_factor.disable_confirm')}
            >
              <Csrf ctx={ctx} />
              <TextField
                ctx={ctx}
                id="f-code-disable"
                name="code"
                label={t('two_factor.code')}
                required
                autocomplete="one-time-code"
                maxlength={20}
                hint={t('two_factor.code_hint_recovery')}
              />
              <button type="submit" class="danger">
                {t('two_factor.disable')}
              </button>
            </form>
          )}
        </>
      ) : (
        <>
          <p>{t('two_factor.off')}</p>
          <p>
            <a class="button" href="/account/two-factor">
              {t('two_factor.enable')}
            </a>
          </p>
        </>
      )}
    </section>
  )
}
