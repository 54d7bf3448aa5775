import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { unique, useHarness } from '../../testing/harness.ts'
import { hashPassword } from './auth.crypto.ts'

const h = useHarness()

async function accountWithPassword(password = 'correct horse battery staple') {
  const email = `${unique('acct')}@example.org`
  await h.db
    .insertInto('app_user')
    .values({ email, name: 'Ada Account', password_hash: await hashPassword(password) })
    .execute()
  return { email, password }
}

/** The anonymous CSRF cookie and token a visitor gets on any page. */
async function visitorCsrf() {
  const res = await h.request('/auth/sign-in')
  const setCookie = res.headers.get('set-cookie') ?? ''
  const token = /__Host-engage_csrf=([^;]+)/.exec(setCookie)?.[1]
  assert.ok(token, 'a visitor receives a CSRF cookie')
  return { cookie: `__Host-engage_csrf=${token}`, token }
}

async function signIn(email: string, password: string) {
  const { cookie, token } = await visitorCsrf()
  return h.request('/auth/sign-in', {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password, _csrf: token, next: '/organizations' }),
  })
}

describe('health', () => {
  test('answers ok with the kind of database', async () => {
    const res = await h.request('/healthz')
    assert.equal(res.status, 200)
    const body = (await res.json()) as { status: string; database: string }
    assert.equal(body.status, 'ok')
    assert.equal(body.database, process.env.TEST_DB === 'postgres' ? 'postgres' : 'embedded')
  })
})

describe('sign-in', () => {
  test('signs in with a secure, HttpOnly, SameSite session cookie and redirects to the requested page', async () => {
    const { email, password } = await accountWithPassword()
    const res = await signIn(email, password)
    assert.equal(res.status, 303)
    assert.equal(res.headers.get('location'), '/organizations')
    const cookie = res.headers.get('set-cookie') ?? ''
    assert.match(cookie, /__Host-engage_session=[^;]{40,}/)
    assert.match(cookie, /HttpOnly/)
    assert.match(cookie, /Secure/)
    assert.match(cookie, /SameSite=Lax/)
    assert.match(cookie, /Path=\//)
    const audit = await h.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'sign_in')
      .where('actor_label', '=', email)
      .executeTakeFirst()
    assert.ok(audit, 'the sign-in is audited')
  })

  test('refuses a wrong password with 401 and no session, without saying whether the account exists', async () => {
    const { email } = await accountWithPassword()
    const wrong = await signIn(email, 'not the password at all')
    const unknown = await signIn(`${unique('nobody')}@example.org`, 'not the password at all')
    assert.equal(wrong.status, 401)
    assert.equal(unknown.status, 401)
    assert.doesNotMatch(wrong.headers.get('set-cookie') ?? '', /engage_session/)
    const a = (await wrong.text()).replace(/value="[^"]*"/g, '')
    const b = (await unknown.text()).replace(/value="[^"]*"/g, '')
    assert.equal(a, b, 'same page for a wrong password and an unknown account')
  })

  test('refuses a sign-in form without the CSRF token', async () => {
    const { email, password } = await accountWithPassword()
    const res = await h.request('/auth/sign-in', { method: 'POST', form: { email, password } })
    assert.equal(res.status, 403)
  })

  test('rate-limits repeated failures on one account with 429', async () => {
    const { email } = await accountWithPassword()
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) statuses.push((await signIn(email, 'wrong password attempt')).status)
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401))
    assert.equal(statuses[10], 429)
  })

  test('signing out ends the session on the server', async () => {
    const user = await h.user([{ role: 'secretariat' }])
    const out = await h.request('/auth/sign-out', { method: 'POST', as: user, form: {} })
    assert.equal(out.status, 303)
    const again = await h.request('/api/v1/me', { as: user })
    assert.equal(again.status, 401)
  })

  test('an expired session is refused', async () => {
    const user = await h.user([{ role: 'admin' }])
    await h.db
      .updateTable('session')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', user.userId)
      .execute()
    const res = await h.request('/api/v1/me', { as: user })
    assert.equal(res.status, 401)
    const page = await h.request('/admin/users', { as: user })
    assert.equal(page.status, 303)
    assert.match(page.headers.get('location') ?? '', /^\/auth\/sign-in\?next=/)
  })

  test('a forged CSRF token on a signed-in form is refused with 403 and changes nothing', async () => {
    const user = await h.user([{ role: 'secretariat' }])
    const name = unique('Forged')
    const res = await h.request('/organizations/new', {
      method: 'POST',
      as: user,
      csrf: 'forged-token',
      form: { name, category: 'academia', countryCode: 'KE' },
    })
    assert.equal(res.status, 403)
    const row = await h.db.selectFrom('organization').select('id').where('name', '=', name).executeTakeFirst()
    assert.equal(row, undefined)
  })

  test('a cross-origin form post is refused even with a valid token', async () => {
    const user = await h.user([{ role: 'secretariat' }])
    const res = await h.request('/organizations/new', {
      method: 'POST',
      as: user,
      headers: { Origin: 'https://evil.example' },
      form: { name: unique('Cross'), category: 'academia', countryCode: 'KE' },
    })
    assert.equal(res.status, 403)
  })
})

describe('password reset', () => {
  test('mails a one-time link that sets a new password, signs in, and cannot be used twice', async () => {
    const { email } = await accountWithPassword()
    const { cookie, token } = await visitorCsrf()
    const res = await h.request('/auth/forgot', {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, _csrf: token }),
    })
    assert.equal(res.status, 200)
    const mail = await h.db
      .selectFrom('outbox_email')
      .selectAll()
      .where('to_address', '=', email)
      .executeTakeFirstOrThrow()
    const link = /http:\/\/localhost:3000(\/auth\/set-password\?token=[\w%-]+)/.exec(mail.body_text)?.[1]
    assert.ok(link, 'the e-mail carries the link')
    const resetToken = decodeURIComponent(link.split('token=')[1]!)
    const form = {
      token: resetToken,
      password: 'a brand new long passphrase',
      confirm: 'a brand new long passphrase',
      _csrf: token,
    }
    const set = await h.request('/auth/set-password', {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    })
    assert.equal(set.status, 303)
    assert.match(set.headers.get('set-cookie') ?? '', /__Host-engage_session=/)
    assert.equal((await signIn(email, 'a brand new long passphrase')).status, 303)
    const reuse = await h.request('/auth/set-password', {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    })
    assert.equal(reuse.status, 400)
  })

  test('answers the same for an unknown address and sends nothing', async () => {
    const email = `${unique('ghost')}@example.org`
    const { cookie, token } = await visitorCsrf()
    const res = await h.request('/auth/forgot', {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, _csrf: token }),
    })
    assert.equal(res.status, 200)
    const mail = await h.db
      .selectFrom('outbox_email')
      .select('id')
      .where('to_address', '=', email)
      .executeTakeFirst()
    assert.equal(mail, undefined)
  })

  test('refuses a weak password with a field error and keeps the link usable', async () => {
    const { email } = await accountWithPassword()
    const { cookie, token } = await visitorCsrf()
    await h.request('/auth/forgot', {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, _csrf: token }),
    })
    const mail = await h.db
      .selectFrom('outbox_email')
      .selectAll()
      .where('to_address', '=', email)
      .executeTakeFirstOrThrow()
    const resetToken = decodeURIComponent(/token=([\w%-]+)/.exec(mail.body_text)![1]!)
    const weak = await h.request('/auth/set-password', {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: resetToken, password: 'short', confirm: 'short', _csrf: token }),
    })
    assert.equal(weak.status, 422)
    assert.match(await weak.text(), /12/)
    const check = await h.request(`/auth/set-password?token=${encodeURIComponent(resetToken)}`)
    assert.equal(check.status, 200)
  })
})

describe('API tokens', () => {
  test('a token created by a signed-in user works as a bearer, and stops working once revoked', async () => {
    const user = await h.user([{ role: 'secretariat' }])
    const created = await h.request('/api/v1/tokens', {
      method: 'POST',
      as: user,
      json: { name: 'script', scope: 'read', days: 30 },
    })
    assert.equal(created.status, 201)
    const { token, apiToken } = (await created.json()) as { token: string; apiToken: { id: string } }
    const me = await h.request('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } })
    assert.equal(me.status, 200)
    const stored = await h.db
      .selectFrom('api_token')
      .select('token_hash')
      .where('id', '=', apiToken.id)
      .executeTakeFirstOrThrow()
    assert.notEqual(stored.token_hash, token, 'only a digest is stored')
    const revoke = await h.request(`/api/v1/tokens/${apiToken.id}`, { method: 'DELETE', as: user })
    assert.equal(revoke.status, 204)
    const after = await h.request('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } })
    assert.equal(after.status, 401)
    assert.equal(after.headers.get('content-type'), 'application/problem+json')
  })

  test('a read-scoped token cannot change anything', async () => {
    const user = await h.user([{ role: 'admin' }])
    const created = await h.request('/api/v1/tokens', {
      method: 'POST',
      as: user,
      json: { name: 'ro', scope: 'read', days: 30 },
    })
    const { token } = (await created.json()) as { token: string }
    const res = await h.request('/api/v1/organizations', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: unique('RO'), category: 'academia', countryCode: 'KE' }),
    })
    assert.equal(res.status, 403)
  })

  test('an expired token is refused', async () => {
    const user = await h.user([{ role: 'admin' }])
    const created = await h.request('/api/v1/tokens', {
      method: 'POST',
      as: user,
      json: { name: 'old', scope: 'write', days: 1 },
    })
    const { token, apiToken } = (await created.json()) as { token: string; apiToken: { id: string } }
    await h.db
      .updateTable('api_token')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', apiToken.id)
      .execute()
    const res = await h.request('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } })
    assert.equal(res.status, 401)
  })
})

describe('users and roles', () => {
  test('an admin invites a focal point; the invitation is e-mailed and audited', async () => {
    const admin = await h.user([{ role: 'admin' }])
    const email = `${unique('fp')}@example.org`
    const res = await h.request('/api/v1/users', {
      method: 'POST',
      as: admin,
      json: { email, name: 'Focal Point', grants: [{ role: 'focal_point', countryCode: 'KE' }] },
    })
    assert.equal(res.status, 201)
    const body = (await res.json()) as { id: string; grants: { role: string; countryCode: string }[] }
    assert.deepEqual(
      body.grants.map((g) => [g.role, g.countryCode]),
      [['focal_point', 'KE']],
    )
    assert.ok(
      await h.db.selectFrom('outbox_email').select('id').where('to_address', '=', email).executeTakeFirst(),
    )
    assert.ok(
      await h.db
        .selectFrom('audit_log')
        .select('id')
        .where('entity_type', '=', 'user')
        .where('entity_id', '=', body.id)
        .executeTakeFirst(),
    )
  })

  test('refuses a focal point without a country, and a non-admin inviting anyone', async () => {
    const admin = await h.user([{ role: 'admin' }])
    const bad = await h.request('/api/v1/users', {
      method: 'POST',
      as: admin,
      json: { email: `${unique('x')}@example.org`, name: 'X', grants: [{ role: 'focal_point' }] },
    })
    assert.equal(bad.status, 422)
    const secretariat = await h.user([{ role: 'secretariat' }])
    const denied = await h.request('/api/v1/users', {
      method: 'POST',
      as: secretariat,
      json: { email: `${unique('y')}@example.org`, name: 'Y', grants: [] },
    })
    assert.equal(denied.status, 403)
  })

  test('removing a role signs the user out everywhere; the last admin cannot lose the role', async () => {
    const admin = await h.user([{ role: 'admin' }])
    const target = await h.user([{ role: 'secretariat' }])
    const grantId = target.actor.grants[0]!.id
    const res = await h.request(`/api/v1/users/${target.userId}/roles/${grantId}`, {
      method: 'DELETE',
      as: admin,
    })
    assert.equal(res.status, 200)
    assert.equal((await h.request('/api/v1/me', { as: target })).status, 401)
    // Disable every other admin so this one is the last.
    await h.db.updateTable('app_user').set({ status: 'disabled' }).where('id', '<>', admin.userId).execute()
    const last = await h.request(`/api/v1/users/${admin.userId}/roles/${admin.actor.grants[0]!.id}`, {
      method: 'DELETE',
      as: admin,
    })
    assert.equal(last.status, 409)
    assert.equal(((await last.json()) as { code: string }).code, 'LAST_ADMIN')
    await h.db.updateTable('app_user').set({ status: 'active' }).execute()
  })
})
